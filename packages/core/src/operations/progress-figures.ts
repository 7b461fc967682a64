import { z } from "zod";
import { progressPhases, type ProgressPhase } from "./progress";

export const progressFigures = z.object({
  phase: z.enum(Object.keys(progressPhases) as [ProgressPhase, ...ProgressPhase[]]),
  done: z.number().int().min(0).optional(),
  total: z.number().int().min(0).optional(),
});
/** What a handler passes with a progress report when it is in a phase (and counts). */
export type ProgressFigures = z.infer<typeof progressFigures>;
