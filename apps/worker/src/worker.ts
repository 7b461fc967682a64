import { Worker } from "bullmq";
import { createAgentClient, type AgentClient } from "@virtfn/agent-client";
import { Queues, type AgentCallPolicy, type AgentTarget } from "@virtfn/core";
import { createDb } from "@virtfn/db";
import type { WorkerConfig } from "./config";
import { createRedis } from "./connection";
import { runOperationJob } from "./jobs/run-operation";
import { startDispatcher } from "./outbox/dispatcher";
import { createQueues, type OperationJob } from "./queues/producer";
import { startReconciler, type Reconciler } from "./reconciler/reconciler";

const DEFAULT_AGENT_OUTAGE_MS = 45_000;

export interface RunningWorker {
  reconciler: Reconciler;
  /** Moves pending outbox entries now instead of waiting for the next tick. */
  dispatchNow(): Promise<number>;
  close(): Promise<void>;
}

export async function startWorker(
  config: WorkerConfig,
  log: (line: string) => void = (line) => console.log(`[worker] ${line}`),
): Promise<RunningWorker> {
  const outageMs = config.agentOutageMs ?? DEFAULT_AGENT_OUTAGE_MS;
  const agentFor = (target: AgentTarget, policy?: AgentCallPolicy): AgentClient =>
    createAgentClient({
      baseUrl: target.agentUrl,
      token: target.agentToken,
      timeoutMs: config.agentTimeoutMs ?? 10_000,
      retryForMs: policy?.waitOutOutages === true ? outageMs : 0,
    });
  const db = createDb(config.databaseUrl, { max: config.concurrency + 4 });
  const producerConnection = createRedis(config.redisUrl);
  const queues = createQueues(producerConnection, config);
  const deps = { db, agentFor, log, progressMs: config.progressMs ?? 250 };

  // BullMQ does not close a connection it was handed, so each worker keeps its own to close.
  const consumers = Object.values(Queues).map((name) => {
    const connection = createRedis(config.redisUrl);
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
    databaseUrl: config.databaseUrl,
    queues,
    intervalMs: config.dispatchMs,
    log,
  });
  const reconciler = startReconciler({ db, agentFor, intervalMs: config.reconcileMs, log });

  return {
    reconciler,
    dispatchNow: () => dispatcher.flush(),
    // Order matters: stop taking new work, let running jobs finish, then drop connections.
    async close() {
      await dispatcher.stop();
      await reconciler.stop();
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
      producerConnection.disconnect();
      for (const { connection } of consumers) connection.disconnect();
      await db.$disconnect();
    },
  };
}
