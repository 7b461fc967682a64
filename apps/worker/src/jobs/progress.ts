import type { ProgressFigures } from "@virtfn/core";

/** One progress report: the percentage, the sentence, and the phase's counts when it has them. */
export interface ProgressReport {
  percent: number;
  message: string;
  /** Null: the operation is in no counting phase now (the columns are cleared). */
  figures: ProgressFigures | null;
}

export interface ProgressWriter {
  /** Records an operation's latest figure; written with every other waiting one, the last winning. */
  report(operationId: string, report: ProgressReport): void;
  /**
   * Drops the operation's figure still waiting and waits for a write under way: before its final
   * status, or a note written straight, which a late figure must not overwrite.
   */
  settle(operationId: string): Promise<void>;
  /** Writes everything waiting, now. */
  flush(): Promise<void>;
}

/**
 * Coalesces progress writes within and across operations: a short operation writes none (its
 * final status says 100 %); the rest wait at most `intervalMs` and go out together, one statement
 * for every operation that moved (a fleet split's 200 watched tasks report at once), never a
 * transaction per tick.
 */
export function batchedProgress(
  write: (reports: ReadonlyMap<string, ProgressReport>) => Promise<void>,
  intervalMs: number,
  log: (line: string) => void,
): ProgressWriter {
  let waiting = new Map<string, ProgressReport>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const writeWaiting = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.size === 0) return writing;
    const batch = waiting;
    waiting = new Map();
    writing = writing
      .then(() => write(batch))
      .catch((error: unknown) =>
        log(`progress write failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    return writing;
  };

  return {
    report(operationId, report) {
      waiting.set(operationId, report);
      if (timer === null) timer = setTimeout(() => void writeWaiting(), intervalMs);
    },
    async settle(operationId) {
      waiting.delete(operationId);
      if (waiting.size === 0 && timer) {
        clearTimeout(timer);
        timer = null;
      }
      await writing;
    },
    flush: writeWaiting,
  };
}
