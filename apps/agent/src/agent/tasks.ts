import { AgentError, type Task } from "@virtfn/agent-client";

interface TaskRecord {
  task: Task;
  /** Long-polls waiting for this task to end or reach their done count; each told once. */
  waiters: Map<() => void, number>;
  /** The request that created it, so a repeated operation id with other arguments is caught. */
  fingerprint: string;
}

/**
 * Long-running work keyed by the caller's operation id. Memory only: after an agent restart a
 * task is unknown, the client re-issues it with the same id, and the kernel state decides the rest.
 */
export class TaskRegistry {
  private readonly tasks = new Map<string, TaskRecord>();

  constructor(private readonly keep = 1000) {}

  get(id: string): Task | undefined {
    const record = this.tasks.get(id);
    return record === undefined ? undefined : structuredClone(record.task);
  }

  /** The existing task for this id, or undefined when the id is new. */
  lookup(id: string, fingerprint: string): Task | undefined {
    const record = this.tasks.get(id);
    if (record === undefined) return undefined;
    if (record.fingerprint !== fingerprint) {
      throw new AgentError(
        "EINVAL",
        `operation id ${id} was already used for a different request`,
        {
          details: { existing: record.fingerprint, requested: fingerprint },
        },
      );
    }
    return structuredClone(record.task);
  }

  runningFor(target: string): Task | undefined {
    for (const record of this.tasks.values()) {
      if (record.task.target === target && record.task.state === "running")
        return structuredClone(record.task);
    }
    return undefined;
  }

  create(id: string, kind: Task["kind"], target: string, fingerprint: string, total: number): void {
    this.tasks.set(id, {
      task: { id, kind, target, state: "running", progress: { done: 0, total }, error: null },
      fingerprint,
      waiters: new Map(),
    });
    this.evict();
  }

  /**
   * Resolves once the task is no longer running, has `untilDone` items done, or after `waitMs`:
   * an event, not a poll, so
   * a held long-poll costs the agent nothing until it answers. At once for an unknown id.
   */
  async waitForEnd(id: string, waitMs: number, untilDone = Infinity): Promise<void> {
    const record = this.tasks.get(id);
    if (
      record !== undefined &&
      record.task.state === "running" &&
      record.task.progress.done < untilDone
    ) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          record.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        record.waiters.set(done, untilDone);
      });
    }
  }

  progress(id: string, done: number, total: number): void {
    const record = this.tasks.get(id);
    if (record === undefined || record.task.state !== "running") return;
    record.task.progress = { done, total };
    for (const [waiter, untilDone] of [...record.waiters]) if (done >= untilDone) waiter();
  }

  succeed(id: string): void {
    const record = this.tasks.get(id);
    if (record === undefined) return;
    record.task.state = "succeeded";
    record.task.progress.done = record.task.progress.total;
    this.wake(record);
  }

  fail(id: string, error: AgentError): void {
    const record = this.tasks.get(id);
    if (record === undefined) return;
    record.task.state = "failed";
    record.task.error = { code: error.code, message: error.message };
    this.wake(record);
  }

  private wake(record: TaskRecord): void {
    for (const waiter of [...record.waiters.keys()]) waiter();
  }

  private evict(): void {
    for (const [id, record] of this.tasks) {
      if (this.tasks.size <= this.keep) return;
      if (record.task.state !== "running") this.tasks.delete(id);
    }
  }
}
