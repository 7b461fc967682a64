import type { Task } from "@virtfn/agent-client";
import type { OperationResult } from "../runtime/context";
import type { ProgressFigures } from "./progress-figures";
/** A JSON value, as BullMQ keeps it in a job's data. */
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a handler keeps across a hand-off: JSON in the job's data, read back through the
 * handler's own zod schema. Small: it is written to Redis with every hand-off.
 */
export type HandoffState = { [key: string]: JsonValue };

/** What a watched task's operation shows while the task runs. */
export interface TaskProgressReport {
  percent: number;
  message: string;
  figures: ProgressFigures;
}

/**
 * How a worker can watch a handed-off task without a slot and without a polling schedule: it
 * holds `wait` (the agent's long-poll) and wakes the job once the task has ended, which then
 * needs no look of its own (`ended`). `progress` says what to show of a task still running, which
 * the worker writes, so the operation's bar moves without running the job. Every agent call of a
 * watch is made outside the worker's slots: on a loaded agent a call takes hundreds of
 * milliseconds, and a slot held for each would make the worker's concurrency, not the agents, the
 * limit.
 */
export interface TaskWatch {
  /**
   * The agent's long-poll: the task once it ends, moves a step past `seen`, or waitMs passed.
   * A watch handed off before its task was started starts it on the first call (`seen` null),
   * through the agent's idempotent start (the operation id is the task id).
   */
  wait(waitMs: number, seen: Task | null, signal: AbortSignal): Promise<Task>;
  /**
   * The progress to show for the task as it moves, or null when it shows nothing new. The
   * worker writes it, in one statement with the other watched tasks' (issue 9).
   */
  progress(task: Task): TaskProgressReport | null;
  /**
   * The hand-off state with the ended task in it, and what the woken job would read of the agent
   * next, so that its run makes no agent call; whatever could not be read is left to the job.
   */
  ended(task: Task, signal: AbortSignal): Promise<HandoffState>;
  /**
   * Finishes the operation's work for a task that ended well, outside the worker's slots: what
   * the woken job would have read and recorded, recorded here, and the operation's result. The
   * worker then marks it Succeeded and drops the job's delayed re-check, so a fleet split's last
   * step costs no job run (issue 9). Null, or a throw, leaves it to the job as before: a failed
   * task, an agent that cannot answer, anything the handler's own error handling must see.
   */
  finish?(task: Task, signal: AbortSignal): Promise<OperationResult | null>;
}

/**
 * How long a watcher's long-poll of a task may be held by the agent: it is answered at once when
 * the task ends or moves a progress step (agent-client's nextProgressStep), so this only bounds
 * the wait of a task that does not move.
 */
export const TASK_WATCH_WAIT_MS = 10_000;

/**
 * Thrown by a handler whose agent task is still running. The worker frees its slot, keeps the
 * operation Running, and runs the handler again after `recheckMs` with `state` in
 * `ctx.resumed`. Long agent work (a 64-VF split) thus holds no worker slot while it waits. With
 * `watch`, a worker that watches the task wakes the job when it ends and `recheckMs` is only
 * the safety net (a crashed worker, another replica).
 */
export class AwaitingAgentTask extends Error {
  constructor(
    readonly taskId: string,
    readonly recheckMs: number,
    readonly state: HandoffState,
    readonly watch?: TaskWatch,
  ) {
    super(`waiting for agent task ${taskId}`);
    this.name = "AwaitingAgentTask";
  }
}

export function isAwaitingAgentTask(error: unknown): error is AwaitingAgentTask {
  return error instanceof AwaitingAgentTask;
}

const FIRST_RECHECK_MS = 100;
const MIN_RECHECK_MS = 50;
// The longest gap between two looks. A fleet-wide split runs for tens of seconds on a busy
// machine and every look costs the worker, Postgres and the agent; a task that ends early waits
// at most this long to be noticed.
const MAX_RECHECK_MS = 2000;

/**
 * When to look at a task again: the time its remaining items should take at the rate seen so far,
 * bounded, so a 2 s split is checked a handful of times rather than every 200 ms. Before the
 * first item is done there is no rate: wait as long again as the task has run (100 ms, then
 * doubling), since on a busy host the first VF can take seconds and every look costs the agent.
 */
export function recheckDelay(progress: { done: number; total: number }, elapsedMs: number): number {
  if (progress.done <= 0 || progress.total <= 0)
    return Math.round(Math.min(MAX_RECHECK_MS, Math.max(FIRST_RECHECK_MS, elapsedMs)));
  const remaining = (elapsedMs * (progress.total - progress.done)) / progress.done;
  return Math.round(Math.min(MAX_RECHECK_MS, Math.max(MIN_RECHECK_MS, remaining)));
}
