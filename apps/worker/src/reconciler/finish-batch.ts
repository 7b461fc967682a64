import { finishReconciles, type FinishedReconcile } from "@virtfn/core";
import type { Db } from "@virtfn/db";

export interface FinishBatch {
  /**
   * Queues a finished reconcile; resolves once written (true) or once its claim is found lost
   * (false, nothing written), rejects when the write failed (the lease then runs out instead).
   */
  add(finished: FinishedReconcile): Promise<boolean>;
  /** Hosts whose finish is queued or being written: their claims are still this worker's. */
  pending(): string[];
  /** Resolves once every finish queued so far is written or has failed. */
  drain(): Promise<void>;
}

interface Queued {
  finished: FinishedReconcile;
  resolve(written: boolean): void;
  reject(error: unknown): void;
}

/**
 * How long a finish waits for others to join its statement. Its host stays claimed meanwhile
 * (nobody else reconciles it) and its slot is already free, so the wait costs nothing but this
 * much on the host's recorded reconcile time.
 */
const GATHER_MS = 20;

/**
 * Finished reconciles written to Postgres in batches, one UPDATE each: a worker finishing dozens
 * of hosts a second would otherwise spend a statement on each. A write starts GATHER_MS after
 * the first finish of a batch; what finishes while it runs joins the next one.
 */
export function createFinishBatch(db: Db, owner: string): FinishBatch {
  let queued: Queued[] = [];
  let writing: Queued[] = [];
  let flushing: Promise<void> | null = null;

  async function flush(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
    while (queued.length > 0) {
      writing = queued;
      queued = [];
      try {
        const written = await finishReconciles(
          db,
          owner,
          writing.map((entry) => entry.finished),
        );
        for (const entry of writing) entry.resolve(written.has(entry.finished.hostId));
      } catch (error) {
        for (const entry of writing) entry.reject(error);
      } finally {
        writing = [];
      }
    }
  }

  function schedule(): void {
    // `.finally` runs after the assignment: flush() always waits a turn first.
    flushing ??= flush().finally(() => {
      flushing = null;
    });
  }

  return {
    add(finished) {
      return new Promise<boolean>((resolve, reject) => {
        queued.push({ finished, resolve, reject });
        schedule();
      });
    },
    pending: () => [...writing, ...queued].map((entry) => entry.finished.hostId),
    async drain() {
      while (flushing) await flushing;
    },
  };
}
