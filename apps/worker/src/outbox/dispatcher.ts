import { markDispatched, pendingOutbox, type QueueName } from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { enqueueOperation, type OperationQueues } from "../queues/producer";

/**
 * Moves committed outbox entries into BullMQ. Enqueue first, mark second: a crash in between
 * enqueues again, which jobId = operation id turns into a no-op.
 */
export function startDispatcher(deps: {
  db: Db;
  queues: OperationQueues;
  intervalMs: number;
  log(line: string): void;
}): { stop(): Promise<void>; flush(): Promise<number> } {
  let running = true;
  let current: Promise<number> = Promise.resolve(0);

  async function flush(): Promise<number> {
    const entries = await pendingOutbox(deps.db);
    for (const entry of entries) {
      await enqueueOperation(deps.queues, entry.queue as QueueName, entry.operationId, entry.operation.kind);
    }
    await markDispatched(deps.db, entries.map((entry) => entry.id));
    return entries.length;
  }

  async function loop(): Promise<void> {
    while (running) {
      current = flush().catch((error: unknown) => {
        deps.log(`dispatcher: ${error instanceof Error ? error.message : String(error)}`);
        return 0;
      });
      const moved = await current;
      if (moved === 0 && running) await new Promise((resolve) => setTimeout(resolve, deps.intervalMs));
    }
  }
  void loop();
  return {
    flush,
    async stop() {
      running = false;
      await current;
    },
  };
}
