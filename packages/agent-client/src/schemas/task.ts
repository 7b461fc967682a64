import { z } from "zod";
import { AgentErrorCode } from "../errors";

export const TaskState = z.enum(["running", "succeeded", "failed"]);
export type TaskState = z.infer<typeof TaskState>;

export const Task = z.object({
  id: z.string(),
  kind: z.enum(["set-vf-count"]),
  /** What the task works on (a PF PCI address), so a poller can tell tasks apart. */
  target: z.string(),
  state: TaskState,
  progress: z.object({
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  error: z.object({ code: AgentErrorCode, message: z.string() }).nullable(),
});
export type Task = z.infer<typeof Task>;
