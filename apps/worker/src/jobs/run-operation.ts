import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import {
  beginOperation,
  classifyFailure,
  failOperation,
  isAwaitingAgentTask,
  isOperationKind,
  operationHandlers,
  reportProgress,
  resumeOperation,
  succeedOperation,
  type AgentCallPolicy,
  type AgentTarget,
  type OperationResult,
  type ProgressFigures,
  type TaskWatch,
} from "@virtfn/core";
import type { AgentClient, Task } from "@virtfn/agent-client";
import type { Db, Operation } from "@virtfn/db";
import type { LogFields } from "@virtfn/telemetry";
import type { OperationJob } from "../queues/producer";
import type { ProgressWriter } from "./progress";
import type { TaskWatcher } from "./task-watcher";

export interface JobDeps {
  db: Db;
  /** `operationId` goes with every call, so the agent can tell which operation a change is for. */
  agentFor(target: AgentTarget, policy?: AgentCallPolicy, operationId?: string): AgentClient;
  log(line: string, fields?: LogFields): void;
  /** Told once per operation that this job moved to a final status (metrics). */
  finished?(operation: Operation, status: "Succeeded" | "Failed"): void;
  /** Where jobs and the task watcher report progress: written in batches (progress.ts). */
  progress: ProgressWriter;
  /** Wakes a handed-off job when its agent task ends; without it the job re-checks on its delay. */
  taskWatcher?: TaskWatcher;
  /**
   * A watched job's delayed re-check: only the safety net (a crashed worker, a lost wake-up), so
   * far longer than the handler's own re-check delay. Each one that fires before the task ends
   * is a wasted run (a fleet split lasts about a minute on a loaded machine), so it is long.
   */
  watchedRecheckMs?: number;
}

const DEFAULT_WATCHED_RECHECK_MS = 30_000;

/**
 * Runs one operation. Idempotent: a job for a finished operation does nothing, and a retried
 * job picks up an operation left Running by a crashed worker. A handler waiting for an agent task
 * hands off: the job goes back to BullMQ as delayed, its slot free, and resumes with the state
 * the handler handed over, when the task watcher sees the task end (or on its delay).
 */
export async function runOperationJob(
  deps: JobDeps,
  job: Job<OperationJob>,
  token?: string,
): Promise<string> {
  const { operationId, resume } = job.data;
  // A resumed job continues the same attempt: it neither counts one nor restarts the clock.
  const operation = resume
    ? await resumeOperation(deps.db, operationId)
    : await beginOperation(deps.db, operationId);
  if (!operation) return "already finished";
  if (!isOperationKind(operation.kind)) {
    await failOperation(deps.db, operationId, {
      code: "UNKNOWN_OPERATION_KIND",
      message: `No handler for operation kind ${operation.kind}.`,
    });
    throw new UnrecoverableError(`unknown operation kind ${operation.kind}`);
  }
  const handler = operationHandlers[operation.kind];
  const attempts = job.opts.attempts ?? 1;
  deps.log(
    `operation ${operation.kind} ${operationId} ${resume ? "resumed" : `running (attempt ${job.attemptsMade + 1} of ${attempts})`}`,
    logFields(operation),
  );
  const finalAttempt = job.attemptsMade + 1 >= attempts;
  const ctx = {
    isFinalAttempt: finalAttempt,
    db: deps.db,
    agentFor: (target: AgentTarget, policy?: AgentCallPolicy) =>
      deps.agentFor(target, policy, operationId),
    resumed: resume ?? null,
    progress: (percent: number, message: string, figures?: ProgressFigures) => {
      deps.progress.report(operationId, { percent, message, figures: figures ?? null });
      return Promise.resolve();
    },
  };
  try {
    const result = await handler(ctx, operation);
    await deps.progress.settle(operationId);
    if (await succeedOperation(deps.db, operationId, result))
      deps.finished?.(operation, "Succeeded");
    deps.log(`operation ${operation.kind} ${operationId} succeeded`, logFields(operation));
    return "succeeded";
  } catch (error) {
    if (isAwaitingAgentTask(error) && token !== undefined) {
      // What the run reported goes out with the next batch: the job's slot does not wait for it.
      // A handler hands over the same state on every re-check of one task: written once.
      if (JSON.stringify(resume ?? null) !== JSON.stringify(error.state))
        await job.updateData({ operationId, resume: error.state });
      const watcher = error.watch === undefined ? undefined : deps.taskWatcher;
      const delay =
        watcher === undefined
          ? error.recheckMs
          : Math.max(error.recheckMs, deps.watchedRecheckMs ?? DEFAULT_WATCHED_RECHECK_MS);
      await job.moveToDelayed(Date.now() + delay, token);
      // Watched only once delayed: promote() moves a delayed job, nothing else.
      const watch = error.watch;
      if (watcher !== undefined && watch !== undefined)
        watcher.watch(`${job.queueName}:${job.id ?? operationId}`, watch, {
          progress: (report) => deps.progress.report(operationId, report),
          wake: async (ended, signal) => {
            if (
              ended !== null &&
              (await finishedByWatcher(deps, job, operation, watch, ended, signal))
            )
              return;
            // The ended task, and what the job would read next, go with the job, so that its
            // run asks the agent nothing while it holds a slot.
            if (ended !== null)
              await job.updateData({ operationId, resume: await watch.ended(ended, signal) });
            await job.promote();
          },
        });
      throw new DelayedError();
    }
    await deps.progress.settle(operationId);
    const failure = classifyFailure(error);
    if (failure.retryable && !finalAttempt) {
      await reportProgress(
        deps.db,
        operationId,
        operation.progress,
        `Attempt ${job.attemptsMade + 1} of ${attempts} failed (${failure.message}); retrying`,
      );
      throw error;
    }
    if (await failOperation(deps.db, operationId, failure)) deps.finished?.(operation, "Failed");
    deps.log(
      `operation ${operation.kind} ${operationId} failed: ${failure.code} ${failure.message}`,
      { ...logFields(operation), errorCode: failure.code },
    );
    throw new UnrecoverableError(failure.message);
  }
}

/**
 * Completes an operation whose task ended well from the watcher, as the woken job would have
 * (watch.finish records what the job would record), and removes the job's delayed re-check:
 * no job run for the last step. False leaves it to the job: the watch cannot finish this task,
 * or finishing failed (the job then meets the failure itself, with its attempts and error
 * handling). A re-check already running when the job is removed finds the operation finished.
 */
async function finishedByWatcher(
  deps: JobDeps,
  job: Job<OperationJob>,
  operation: Operation,
  watch: TaskWatch,
  ended: Task,
  signal: AbortSignal,
): Promise<boolean> {
  if (watch.finish === undefined) return false;
  let result: OperationResult | null;
  try {
    result = await watch.finish(ended, signal);
  } catch (error) {
    deps.log(
      `operation ${operation.kind} ${operation.id}: finishing from its task watch failed (${error instanceof Error ? error.message : String(error)}); its job takes over`,
      logFields(operation),
    );
    return false;
  }
  if (result === null) return false;
  await deps.progress.settle(operation.id);
  if (await succeedOperation(deps.db, operation.id, result))
    deps.finished?.(operation, "Succeeded");
  deps.log(`operation ${operation.kind} ${operation.id} succeeded`, logFields(operation));
  // Locked (its re-check is running) or gone: that run finds the operation finished.
  await job.remove().catch(() => undefined);
  return true;
}

/** The ids a log line about an operation carries, so that its lines can be searched by them. */
function logFields(operation: Operation): LogFields {
  return {
    operationId: operation.id,
    kind: operation.kind,
    target: operation.targetName,
    ...(operation.targetType === "Host" ? { host: operation.targetName } : {}),
  };
}
