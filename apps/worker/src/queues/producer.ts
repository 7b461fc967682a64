import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { Queues, type QueueName } from "@virtfn/core";
import type { WorkerConfig } from "../config";

export interface OperationJob {
  operationId: string;
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

/** jobId = operation id: enqueuing the same operation twice yields one job. */
export async function enqueueOperation(
  queues: OperationQueues,
  queue: QueueName,
  operationId: string,
  kind: string,
): Promise<void> {
  await queues[queue].add(kind, { operationId }, { jobId: operationId });
}
