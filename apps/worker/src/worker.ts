import { Worker } from "bullmq";
import { createAgentClient, type AgentClient } from "@virtfn/agent-client";
import {
  pingDatabase,
  Queues,
  reportProgressMany,
  type AgentCallPolicy,
  type AgentTarget,
} from "@virtfn/core";
import { createDb, listenDatabaseUrl } from "@virtfn/db";
import {
  checkReadiness,
  createWorkerMetrics,
  startTelemetryServer,
  type LineLog,
  type TelemetryServer,
  type WorkerMetrics,
} from "@virtfn/telemetry";
import { workerDbOptions, type WorkerConfig } from "./config";
import { createRedis } from "./connection";
import { runOperationJob } from "./jobs/run-operation";
import { batchedProgress } from "./jobs/progress";
import { createTaskWatcher } from "./jobs/task-watcher";
import { startDispatcher } from "./outbox/dispatcher";
import { startRequeuer } from "./outbox/requeue";
import { createQueues, queueStats, type OperationJob } from "./queues/producer";
import { startReconciler, type Reconciler } from "./reconciler/reconciler";
import { startStrandedMigrationSweep } from "./maintenance/stranded-migrations";
import { startVfCountCompaction } from "./maintenance/vf-counts";
import { startVfCounterCollector, type VfCounterCollector } from "./counters/vf-counters";

const DEFAULT_AGENT_OUTAGE_MS = 45_000;
const DEFAULT_REQUEUE_MS = 10_000;

export interface RunningWorker {
  reconciler: Reconciler;
  vfCounters: VfCounterCollector;
  /** Moves pending outbox entries now instead of waiting for the next tick. */
  dispatchNow(): Promise<number>;
  metrics: WorkerMetrics;
  /** The port of /metrics, /healthz and /readyz, when config.httpPort asked for the server. */
  httpPort: number | null;
  close(): Promise<void>;
}

export async function startWorker(
  config: WorkerConfig,
  log: LineLog = (line) => console.log(`[worker] ${line}`),
): Promise<RunningWorker> {
  const outageMs = config.agentOutageMs ?? DEFAULT_AGENT_OUTAGE_MS;
  const agentFor = (
    target: AgentTarget,
    policy?: AgentCallPolicy,
    operationId?: string,
    reconcileClaim?: string,
  ): AgentClient =>
    createAgentClient({
      baseUrl: target.agentUrl,
      token: target.agentToken,
      timeoutMs: config.agentTimeoutMs ?? 10_000,
      retryForMs: policy?.waitOutOutages === true ? outageMs : 0,
      onCall: metrics.agentCall,
      ...(operationId === undefined ? {} : { operationId }),
      ...(reconcileClaim === undefined ? {} : { reconcileClaim }),
    });
  const db = createDb(config.databaseUrl, workerDbOptions(config));
  const producerConnection = createRedis(config.redis ?? config.redisUrl);
  const queues = createQueues(producerConnection, config);
  const metrics = createWorkerMetrics({ queueStats: () => queueStats(queues) });
  // Outside BullMQ's concurrency: a watched task holds a long-poll, never a job slot.
  const taskWatcher = createTaskWatcher({ log });
  const progress = batchedProgress(
    (reports) =>
      reportProgressMany(
        db,
        [...reports].map(([id, report]) => ({ id, ...report })),
      ),
    config.progressMs ?? 250,
    log,
  );
  const deps = {
    db,
    agentFor,
    log,
    finished: metrics.operationFinished,
    progress,
    taskWatcher,
    ...(config.watchedRecheckMs === undefined ? {} : { watchedRecheckMs: config.watchedRecheckMs }),
  };

  // BullMQ does not close a connection it was handed, so each worker keeps its own to close.
  const consumers = Object.values(Queues).map((name) => {
    const connection = createRedis(config.redis ?? config.redisUrl);
    const worker = new Worker<OperationJob>(
      name,
      (job, token) => runOperationJob(deps, job, token),
      {
        connection,
        prefix: config.queuePrefix,
        concurrency: config.concurrency,
        lockDuration: config.lockMs,
        stalledInterval: Math.max(1000, Math.floor(config.lockMs / 2)),
        maxStalledCount: 3,
      },
    );
    return { connection, worker };
  });
  const workers = consumers.map((consumer) => consumer.worker);
  for (const worker of workers) {
    worker.on("error", (error) => log(`queue error: ${error.message}`));
  }
  const dispatcher = startDispatcher({
    db,
    listenUrl:
      config.listenUrl === undefined ? listenDatabaseUrl(config.databaseUrl, {}) : config.listenUrl,
    queues,
    intervalMs: config.dispatchMs,
    log,
  });
  const requeuer = startRequeuer({
    db,
    queues,
    intervalMs: config.requeueMs ?? DEFAULT_REQUEUE_MS,
    log,
  });
  const reconciler = startReconciler({
    db,
    agentFor: (target, claim) => agentFor(target, undefined, undefined, claim),
    intervalMs: config.reconcileMs,
    maxInFlight: config.reconcileInFlight ?? 16,
    jitter: config.reconcileJitter ?? 0.1,
    ...(config.reconcileLeaseMs === undefined ? {} : { leaseMs: config.reconcileLeaseMs }),
    ...(config.reconcileFullEvery === undefined
      ? {}
      : { fullCompareEvery: config.reconcileFullEvery }),
    log,
  });
  let server: TelemetryServer | null = null;
  if (config.httpPort !== undefined) {
    server = await startTelemetryServer({
      port: config.httpPort,
      registry: metrics.registry,
      ready: () =>
        checkReadiness({ pingPostgres: () => pingDatabase(db), redisUrl: config.redisUrl }),
      onError: (error) =>
        log(`telemetry: ${error instanceof Error ? error.message : String(error)}`),
    });
    log(`metrics, liveness and readiness on port ${server.port}`, { port: server.port });
  }
  const vfCounts = startVfCountCompaction({ db, log });
  const vfCounters = startVfCounterCollector({
    db,
    agentFor,
    periodMs: config.vfCountersMs ?? 0,
    maxInFlight: config.reconcileInFlight ?? 16,
    log,
  });
  // On the requeuer's beat: both pick up what a dead job left behind.
  const strandedMigrations = startStrandedMigrationSweep({
    db,
    agentFor,
    intervalMs: config.requeueMs ?? DEFAULT_REQUEUE_MS,
    log,
  });

  return {
    reconciler,
    vfCounters,
    dispatchNow: () => dispatcher.flush(),
    metrics,
    httpPort: server?.port ?? null,
    // Order matters: stop taking new work, let running jobs finish, then drop connections.
    async close() {
      await server?.close();
      await requeuer.stop();
      await dispatcher.stop();
      await reconciler.stop();
      await vfCounts.stop();
      await vfCounters.stop();
      await strandedMigrations.stop();
      await Promise.all(workers.map((worker) => worker.close()));
      await taskWatcher.stop();
      await progress.flush();
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
      producerConnection.disconnect();
      for (const { connection } of consumers) connection.disconnect();
      await db.$disconnect();
    },
  };
}
