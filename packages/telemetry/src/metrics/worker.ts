// What a worker process measures itself: operations it finished, the agent calls it made, and
// the depth and age of the queues it consumes.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { cachedFor } from "../cache";
import { createRegistry, DURATION_BUCKETS } from "./registry";

export interface QueueStats {
  queue: string;
  /** BullMQ's job counts by state (waiting, active, delayed, failed, …). */
  counts: Record<string, number>;
  /** Age of the oldest job still waiting, 0 when none waits. */
  oldestWaitingSeconds: number;
}

export interface WorkerMetrics {
  registry: Registry;
  /** An operation reached a final status; `createdAt` dates the request, so latency includes queueing. */
  operationFinished(operation: { kind: string; createdAt: Date }, status: string): void;
  agentCall(event: { route: string; durationMs: number; errorCode?: string }): void;
}

export function createWorkerMetrics(options: {
  /** Read at scrape time; the worker passes BullMQ's counts. */
  queueStats?: () => Promise<QueueStats[]>;
}): WorkerMetrics {
  const registry = createRegistry("worker");
  const registers = [registry];
  const operations = new Counter({
    name: "virtfn_operations_total",
    help: "Operations this worker finished, by kind and final status.",
    labelNames: ["kind", "status"] as const,
    registers,
  });
  const operationSeconds = new Histogram({
    name: "virtfn_operation_duration_seconds",
    help: "From an operation's request to its final status, by kind and status.",
    labelNames: ["kind", "status"] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const agentSeconds = new Histogram({
    name: "virtfn_agent_request_duration_seconds",
    help: "Host agent calls by route, retries included; its count is the number of calls.",
    labelNames: ["route"] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const agentErrors = new Counter({
    name: "virtfn_agent_request_errors_total",
    help: "Host agent calls that failed, by route and error code (TIMEOUT, UNREACHABLE, …).",
    labelNames: ["route", "code"] as const,
    registers,
  });
  const queueStats = options.queueStats;
  if (queueStats) {
    // One read of Redis serves both gauges of a scrape.
    const read = cachedFor(1000, queueStats);
    new Gauge({
      name: "virtfn_queue_jobs",
      help: "Jobs in each operation queue, by BullMQ state.",
      labelNames: ["queue", "state"] as const,
      registers,
      async collect() {
        const stats = await read();
        this.reset();
        for (const { queue, counts } of stats)
          for (const [state, count] of Object.entries(counts)) this.set({ queue, state }, count);
      },
    });
    new Gauge({
      name: "virtfn_queue_oldest_waiting_seconds",
      help: "Age of the oldest job waiting in each operation queue; 0 when none waits.",
      labelNames: ["queue"] as const,
      registers,
      async collect() {
        const stats = await read();
        this.reset();
        for (const { queue, oldestWaitingSeconds } of stats)
          this.set({ queue }, oldestWaitingSeconds);
      },
    });
  }

  return {
    registry,
    operationFinished(operation, status) {
      const labels = { kind: operation.kind, status };
      operations.inc(labels);
      operationSeconds.observe(
        labels,
        Math.max(0, Date.now() - operation.createdAt.getTime()) / 1000,
      );
    },
    agentCall(event) {
      agentSeconds.observe({ route: event.route }, event.durationMs / 1000);
      if (event.errorCode !== undefined)
        agentErrors.inc({ route: event.route, code: event.errorCode });
    },
  };
}
