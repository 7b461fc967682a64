import type { ProgressFigures } from "@virtfn/core";

/** One progress report: the percentage, the sentence, and the phase's counts when it has them. */
export interface ProgressReport {
  percent: number;
  message: string;
  /** Null: the operation is in no counting phase now (the columns are cleared). */
  figures: ProgressFigures | null;
}

export interface ProgressSink {
  /** Records the latest figure; written at most once per interval, the last one winning. */
  report(percent: number, message: string, figures?: ProgressFigures): void;
  /** Writes a figure still waiting, now (before the job hands off, so the UI shows it). */
  flush(): Promise<void>;
  /** Drops a figure still waiting and waits for a write under way (before the final status). */
  cancel(): Promise<void>;
}

/**
 * Coalesces an operation's progress writes: a short operation writes none (its final status
 * says 100 %), a long one at most one per `intervalMs`, never a transaction per tick.
 */
export function throttledProgress(
  write: (report: ProgressReport) => Promise<void>,
  intervalMs: number,
  log: (line: string) => void,
): ProgressSink {
  let waiting: ProgressReport | null = null;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const writeWaiting = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const next = waiting;
    waiting = null;
    if (next === null) return writing;
    writing = writing
      .then(() => write(next))
      .catch((error: unknown) =>
        log(`progress write failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    return writing;
  };

  return {
    report(percent, message, figures) {
      waiting = { percent, message, figures: figures ?? null };
      if (timer === null) timer = setTimeout(() => void writeWaiting(), intervalMs);
    },
    flush: writeWaiting,
    async cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      waiting = null;
      await writing;
    },
  };
}
