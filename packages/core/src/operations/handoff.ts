import type { OperationResult } from "../runtime/context";

/** What a handler keeps across a hand-off: small, JSON, read back through its own zod schema. */
export type HandoffState = OperationResult;

/**
 * Thrown by a handler whose agent task is still running. The worker frees its slot, keeps the
 * operation Running, and runs the handler again after `recheckMs` with `state` in
 * `ctx.resumed`. Long agent work (a 64-VF split) thus holds no worker slot while it waits.
 */
export class AwaitingAgentTask extends Error {
  constructor(
    readonly taskId: string,
    readonly recheckMs: number,
    readonly state: HandoffState,
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
