import {
  Queues,
  quietDispatchedOperations,
  redispatchOperations,
  type QueueName,
} from "@virtfn/core";
import type { Db } from "@virtfn/db";
import type { OperationQueues } from "../queues/producer";

const queueNames = new Set<string>(Object.values(Queues));
const isQueueName = (name: string): name is QueueName => queueNames.has(name);

/**
 * The outbox hands an operation to Redis once; if Redis then loses the job (a restart without
 * its data, a failover to an empty replica) or gives up on it (its retries spent while Postgres
 * was down, so the failure was never written), the operation would stay unfinished for good.
 * Every `intervalMs` this finds operations quiet for that long, asks the queue for their job,
 * and hands those with none alive (unknown, completed or failed) back to the outbox: a finished
 * job is removed first, since the same jobId would otherwise make the enqueue a no-op. The
 * handlers are idempotent, like a retry after a worker crash.
 */
export function startRequeuer(deps: {
  db: Db;
  queues: OperationQueues;
  intervalMs: number;
  log(line: string): void;
}): { stop(): Promise<void>; sweep(): Promise<number> } {
  let running = true;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<number> = Promise.resolve(0);

  async function sweep(): Promise<number> {
    const quiet = await quietDispatchedOperations(deps.db, deps.intervalMs);
    const lost: string[] = [];
    for (const { operationId, queue } of quiet) {
      if (!isQueueName(queue)) continue;
      const state = await deps.queues[queue].getJobState(operationId);
      if (state === "completed" || state === "failed") await deps.queues[queue].remove(operationId);
      else if (state !== "unknown") continue;
      lost.push(operationId);
    }
    const count = await redispatchOperations(deps.db, lost);
    if (count > 0)
      deps.log(`requeue: ${count} operation(s) had no live job; handed back to the outbox`);
    return count;
  }

  const schedule = () => {
    timer = setTimeout(() => {
      current = sweep().catch((error: unknown) => {
        deps.log(`requeue: ${error instanceof Error ? error.message : String(error)}`);
        return 0;
      });
      void current.then(() => {
        if (running) schedule();
      });
    }, deps.intervalMs);
  };
  schedule();
  return {
    sweep,
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
