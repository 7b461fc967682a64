import { setMaxListeners } from "node:events";
import type { Task } from "@virtfn/agent-client";
import { TASK_WATCH_WAIT_MS, type TaskWatch } from "@virtfn/core";
import type { ProgressReport } from "./progress";

/**
 * Wakes a job: with the task as it ended, or null when the agent could not be asked; `signal`
 * aborts when the watcher stops.
 */
export type WakeJob = (ended: Task | null, signal: AbortSignal) => Promise<void>;

/** What a watch does for its job: report the task's progress as it moves, wake it when it ends. */
export interface WatchCallbacks {
  progress(report: ProgressReport): void;
  wake: WakeJob;
}
/**
 * The shortest gap between two long-polls of one task: an agent without the long-poll answers at
 * once, and that must not turn into a busy loop.
 */
const MIN_GAP_MS = 500;

export interface TaskWatcher {
  /**
   * Watches the task a delayed job waits on, outside BullMQ's slots, reports its progress, and
   * calls `wake` once when it ends (or its agent cannot be asked: the job's own look then meets
   * the error). One watch per key: a job handed off again while watched only replaces the
   * callbacks.
   */
  watch(key: string, watch: TaskWatch, callbacks: WatchCallbacks): void;
  /** How many tasks are watched now. */
  readonly size: number;
  /** Drops every watch without waking: the jobs' delayed re-checks remain (another worker's). */
  stop(): Promise<void>;
}

export function createTaskWatcher(options: {
  waitMs?: number;
  log: (line: string) => void;
}): TaskWatcher {
  const waitMs = options.waitMs ?? TASK_WATCH_WAIT_MS;
  const watchers = new Map<string, WatchCallbacks>();
  const loops = new Set<Promise<void>>();
  const stopping = new AbortController();
  // Every watched task's long-poll listens on this one signal: hundreds at once in a fleet split.
  setMaxListeners(0, stopping.signal);
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        stopping.signal.removeEventListener("abort", stop);
        resolve();
      }, ms);
      stopping.signal.addEventListener("abort", stop, { once: true });
    });

  async function follow(key: string, watch: TaskWatch): Promise<void> {
    let ended: Task | null = null;
    let seen: Task | null = null;
    try {
      for (;;) {
        const asked = Date.now();
        const task = await watch.wait(waitMs, seen, stopping.signal);
        seen = task;
        if (task.state !== "running") ended = task;
        if (task.state !== "running" || stopping.signal.aborted) break;
        const report = watch.progress(task);
        if (report !== null) watchers.get(key)?.progress(report);
        const early = MIN_GAP_MS - (Date.now() - asked);
        if (early > 0) await pause(early);
        if (stopping.signal.aborted) break;
      }
    } catch (error) {
      if (!stopping.signal.aborted)
        options.log(
          `task watch ${key}: ${error instanceof Error ? error.message : String(error)}; waking its job`,
        );
    }
    const wake = watchers.get(key)?.wake;
    watchers.delete(key);
    if (stopping.signal.aborted || wake === undefined) return;
    // The job may be running already (its safety-net re-check fired): it then looks itself.
    await wake(ended, stopping.signal).catch((error: unknown) =>
      options.log(
        `task watch ${key}: job not woken (${error instanceof Error ? error.message : String(error)})`,
      ),
    );
  }

  return {
    watch(key, watch, callbacks) {
      if (stopping.signal.aborted) return;
      const watched = watchers.has(key);
      watchers.set(key, callbacks);
      if (watched) return;
      const loop = follow(key, watch);
      loops.add(loop);
      void loop.finally(() => loops.delete(loop));
    },
    get size() {
      return watchers.size;
    },
    async stop() {
      stopping.abort();
      await Promise.all([...loops]);
    },
  };
}
