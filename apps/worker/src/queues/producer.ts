import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { Queues, type HandoffState, type QueueName } from "@virtfn/core";
import type { QueueStats } from "@virtfn/telemetry";
import type { WorkerConfig } from "../config";

export interface OperationJob {
  operationId: string;
  /** Set while the operation waits for an agent task: what its handler handed over. */
  resume?: HandoffState;
}

export type OperationQueues = Record<QueueName, Queue<OperationJob>>;

export function createQueues(connection: Redis, config: WorkerConfig): OperationQueues {
  const make = (name: QueueName) =>
    new Queue<OperationJob>(name, {
      connection,
      prefix: config.queuePrefix,
      defaultJobOptions: {
        attempts: config.jobAttempts,
        backoff: { type: "exponential", delay: config.jobBackoffMs },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      },
    });
  return { [Queues.hosts]: make(Queues.hosts), [Queues.vms]: make(Queues.vms) };
}

export interface OperationToEnqueue {
  queue: QueueName;
  operationId: string;
  kind: string;
}

/**
 * One addBulk per queue instead of one round trip per job. jobId = operation id: enqueuing the
 * same operation twice yields one job.
 */
export async function enqueueOperations(
  queues: OperationQueues,
  operations: OperationToEnqueue[],
): Promise<void> {
  const byQueue = new Map<QueueName, OperationToEnqueue[]>();
  for (const operation of operations)
    byQueue.set(operation.queue, [...(byQueue.get(operation.queue) ?? []), operation]);
  await Promise.all(
    [...byQueue].map(([queue, batch]) =>
      queues[queue].addBulk(
        batch.map((operation) => ({
          name: operation.kind,
          data: { operationId: operation.operationId },
          opts: { jobId: operation.operationId },
        })),
      ),
    ),
  );
}

/** Depth by state and the oldest waiting job's age of each queue, read from Redis at scrape time. */
export async function queueStats(queues: OperationQueues): Promise<QueueStats[]> {
  return Promise.all(
    Object.entries(queues).map(async ([name, queue]) => {
      const [counts, oldest] = await Promise.all([
        queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed", "completed"),
        // Ascending: the job at the tail of the wait list, the one waiting longest.
        queue.getJobs(["waiting"], 0, 0, true),
      ]);
      const since = oldest[0]?.timestamp;
      return {
        queue: name,
        counts,
        oldestWaitingSeconds: since === undefined ? 0 : Math.max(0, Date.now() - since) / 1000,
      };
    }),
  );
}
