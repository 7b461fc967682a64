export interface ProgressSink {
  /** Records the latest figure; written at most once per interval, the last one winning. */
  report(percent: number, message: string): void;
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
  write: (percent: number, message: string) => Promise<void>,
  intervalMs: number,
  log: (line: string) => void,
): ProgressSink {
  let waiting: { percent: number; message: string } | null = null;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const writeWaiting = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const next = waiting;
    waiting = null;
    if (next === null) return writing;
    writing = writing
      .then(() => write(next.percent, next.message))
      .catch((error: unknown) =>
        log(`progress write failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    return writing;
  };

  return {
    report(percent, message) {
      waiting = { percent, message };
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
