import { z } from "zod";
import { OperationStatus } from "@virtfn/db";

// A leaf module (zod and the schema's enums only): both the operation views and the commands that
// parse the row a statement wrote import it, and the two import each other's neighbours.

const writtenDate = z.coerce.date();
/**
 * The columns of a view, as a command's freshly written row carries them (requester aside): the
 * row itself, or its JSON from a statement that wrote it (dates as text).
 */
export const writtenOperation = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(OperationStatus),
  targetType: z.string(),
  targetId: z.string(),
  targetName: z.string(),
  progress: z.number(),
  progressMessage: z.string(),
  progressPhase: z.string().nullable(),
  progressDone: z.number().nullable(),
  progressTotal: z.number().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  attempts: z.number(),
  createdAt: writtenDate,
  startedAt: writtenDate.nullable(),
  finishedAt: writtenDate.nullable(),
  result: z.json().nullable(),
});
