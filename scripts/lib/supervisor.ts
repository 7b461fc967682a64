// `npm start` keeps its worker and web app running: a child that dies without being asked to is
// started again after a backoff that grows while it keeps crashing, and each restart is logged.
import type { ManagedProcess } from "./processes";

export interface Supervised {
  name: string;
  /** The process running now (a new one after each restart). */
  current(): ManagedProcess;
  restarts(): number;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  log(line: string): void;
  /** Waits before restart 1, 2, …; the last one repeats. */
  delaysMs?: number[];
  /** A child that ran this long before dying counts as healthy: the backoff starts over. */
  stableMs?: number;
}

export function supervise(
  name: string,
  start: () => ManagedProcess,
  options: SuperviseOptions,
): Supervised {
  const delays = options.delaysMs ?? [1000, 2000, 5000, 10_000, 30_000];
  const stableMs = options.stableMs ?? 60_000;
  let stopping = false;
  let restarts = 0;
  let crashesInARow = 0;
  let pending: NodeJS.Timeout | undefined;
  let current: ManagedProcess;

  const launch = () => {
    const startedAt = Date.now();
    current = start();
    current.child.once("exit", (code, signal) => {
      if (stopping) return;
      crashesInARow = Date.now() - startedAt >= stableMs ? 1 : crashesInARow + 1;
      const delay = delays[Math.min(crashesInARow, delays.length) - 1] ?? 1000;
      options.log(
        `${name} (pid ${current.child.pid}) exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); ` +
          `restarting it in ${(delay / 1000).toFixed(0)} s`,
      );
      pending = setTimeout(() => {
        pending = undefined;
        if (stopping) return;
        restarts += 1;
        launch();
        options.log(`${name} restarted (pid ${current.child.pid}, restart ${restarts})`);
      }, delay);
    });
  };
  launch();

  return {
    name,
    current: () => current,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      if (pending) clearTimeout(pending);
      await current.stop();
    },
  };
}
