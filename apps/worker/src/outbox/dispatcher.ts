import {
  claimOutbox,
  markDispatched,
  releaseOutbox,
  OUTBOX_CHANNEL,
  Queues,
  type QueueName,
} from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { enqueueOperations, type OperationQueues } from "../queues/producer";
import { listen } from "./listener";

const BATCH = 100;
const queueNames = new Set<string>(Object.values(Queues));
const isQueueName = (name: string): name is QueueName => queueNames.has(name);

/**
 * Moves committed outbox entries into BullMQ. Woken by the outbox trigger's NOTIFY on commit; the
 * poll every `intervalMs` is only the safety net (a lost notification, an expired lease).
 * Claim, enqueue, then mark: a crash in between leaves the entry to be claimed again when its
 * lease ends, and jobId = operation id turns the second enqueue into a no-op.
 */
export function startDispatcher(deps: {
  db: Db;
  /** The connection to LISTEN on; null (through PgBouncer, no direct URL) polls only. */
  listenUrl: string | null;
  queues: OperationQueues;
  intervalMs: number;
  log(line: string): void;
}): { stop(): Promise<void>; flush(): Promise<number> } {
  let running = true;
  let woken = false;
  let wake: (() => void) | null = null;
  let current: Promise<number> = Promise.resolve(0);
  let marking: Promise<void> = Promise.resolve();

  async function flush(): Promise<number> {
    const entries = await claimOutbox(deps.db, BATCH);
    const known = entries.filter((entry) => isQueueName(entry.queue));
    for (const entry of entries) {
      if (!isQueueName(entry.queue))
        deps.log(`dispatcher: operation ${entry.operationId} names unknown queue ${entry.queue}`);
    }
    try {
      await enqueueOperations(
        deps.queues,
        known.map((entry) => ({
          queue: entry.queue as QueueName,
          operationId: entry.operationId,
          kind: entry.kind,
        })),
      );
    } catch (error) {
      await releaseOutbox(
        deps.db,
        entries.map((entry) => entry.id),
      ).catch(() => undefined);
      throw error;
    }
    // Marked in the background: the entries stay leased meanwhile, so the next claim (the next
    // commit's) need not wait for this round trip. A mark that fails leaves them to be claimed
    // again when the lease ends, and jobId = operation id makes that enqueue a no-op.
    const ids = known.map((entry) => entry.id);
    if (ids.length > 0)
      marking = marking
        .then(() => markDispatched(deps.db, ids))
        .catch((error: unknown) =>
          deps.log(
            `dispatcher: marking: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
    return entries.length;
  }

  const notify = () => {
    woken = true;
    wake?.();
  };
  const listener =
    deps.listenUrl === null
      ? { close: () => Promise.resolve() }
      : listen(deps.listenUrl, OUTBOX_CHANNEL, notify, deps.log);

  async function loop(): Promise<void> {
    while (running) {
      // A notification that lands while a flush runs is kept in `woken` and flushes again.
      woken = false;
      current = flush().catch((error: unknown) => {
        deps.log(`dispatcher: ${error instanceof Error ? error.message : String(error)}`);
        return 0;
      });
      const moved = await current;
      if (!running || moved >= BATCH || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deps.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }
  void loop();
  return {
    // A caller that flushes by hand (tests, dispatchNow) sees the entries marked when it returns.
    async flush() {
      const moved = await flush();
      await marking;
      return moved;
    },
    async stop() {
      running = false;
      wake?.();
      await listener.close();
      await current;
      await marking;
    },
  };
}
