import { UnrecoverableError, type Job } from "bullmq";
import {
  beginOperation,
  classifyFailure,
  failOperation,
  isOperationKind,
  operationHandlers,
  reportProgress,
  succeedOperation,
  type AgentTarget,
} from "@virtfn/core";
import type { AgentClient } from "@virtfn/agent-client";
import type { Db } from "@virtfn/db";
import type { OperationJob } from "../queues/producer";

export interface JobDeps {
  db: Db;
  agentFor(target: AgentTarget): AgentClient;
  log(line: string): void;
}

/**
 * Runs one operation. Idempotent: a job for a finished operation does nothing, and a retried
 * job picks up an operation left Running by a crashed worker.
 */
export async function runOperationJob(deps: JobDeps, job: Job<OperationJob>): Promise<string> {
  const { operationId } = job.data;
  const operation = await beginOperation(deps.db, operationId);
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
  const finalAttempt = job.attemptsMade + 1 >= attempts;
  const ctx = {
    isFinalAttempt: finalAttempt,
    db: deps.db,
    agentFor: deps.agentFor,
    progress: async (percent: number, message: string) => {
      await reportProgress(deps.db, operationId, percent, message);
      await job.updateProgress(percent);
    },
  };
  try {
    const result = await handler(ctx, operation);
    await succeedOperation(deps.db, operationId, result);
    deps.log(`operation ${operation.kind} ${operationId} succeeded`);
    return "succeeded";
  } catch (error) {
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
    await failOperation(deps.db, operationId, failure);
    deps.log(`operation ${operation.kind} ${operationId} failed: ${failure.code} ${failure.message}`);
    throw new UnrecoverableError(failure.message);
  }
}
