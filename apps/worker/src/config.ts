import { z } from "zod";
import { dbOptionsFromEnv, listenDatabaseUrl, type CreateDbOptions } from "@virtfn/db";
import { queuePrefixFromEnv, redisTargetFromEnv, type RedisTarget } from "@virtfn/core";

const WorkerEnv = z.object({
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required"),
  REDIS_URL: z.string().min(1, "REDIS_URL is required"),
  VIRTFN_QUEUE_PREFIX: z.string().default("virtfn"),
  VIRTFN_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  VIRTFN_RECONCILE_MS: z.coerce.number().int().min(0).default(10_000),
  VIRTFN_RECONCILE_IN_FLIGHT: z.coerce.number().int().min(1).max(1024).default(16),
  VIRTFN_RECONCILE_JITTER: z.coerce.number().min(0).max(0.5).default(0.1),
  VIRTFN_RECONCILE_LEASE_MS: z.coerce.number().int().min(1000).optional(),
  VIRTFN_RECONCILE_FULL_EVERY: z.coerce.number().int().min(1).max(1000).optional(),
  VIRTFN_VF_COUNTERS_MS: z.coerce.number().int().min(0).default(30_000),
  // The outbox trigger's NOTIFY wakes the dispatcher on commit; this poll is only the safety net.
  VIRTFN_DISPATCH_MS: z.coerce.number().int().min(10).default(1000),
  VIRTFN_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  VIRTFN_JOB_BACKOFF_MS: z.coerce.number().int().min(10).default(1000),
  VIRTFN_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  VIRTFN_PROGRESS_MS: z.coerce.number().int().min(0).default(250),
  VIRTFN_WATCHED_RECHECK_MS: z.coerce.number().int().min(100).optional(),
  VIRTFN_AGENT_OUTAGE_MS: z.coerce.number().int().min(0).default(45_000),
  // Unset: no HTTP server (several workers on one machine would fight over a fixed port).
  VIRTFN_WORKER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  VIRTFN_REQUEUE_MS: z.coerce.number().int().min(100).default(10_000),
  VIRTFN_AGENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});

export type WorkerConfig = {
  databaseUrl: string;
  /**
   * Where the outbox dispatcher LISTENs: VIRTFN_DB_DIRECT_URL past PgBouncer; null polls every
   * dispatchMs instead. Unset: DATABASE_URL, unless that goes through PgBouncer.
   */
  listenUrl?: string | null;
  redisUrl: string;
  /** Sentinel, when configured; otherwise `redisUrl` is used as it is. */
  redis?: RedisTarget;
  queuePrefix: string;
  concurrency: number;
  /** 0 turns the periodic reconciler off (tests drive it by hand). */
  reconcileMs: number;
  /** Hosts this worker reconciles at once (one agent call in flight each); default 16. */
  reconcileInFlight?: number;
  /** Each next due time is shortened by up to this fraction of the period; default 0.1. */
  reconcileJitter?: number;
  /** How long a dead worker's reconcile claims keep its hosts; default one period. */
  reconcileLeaseMs?: number;
  /** A host found in sync is compared in full at least every this many periods; default 6. */
  reconcileFullEvery?: number;
  /** How often each host's VF counters are read; unset or 0: not collected (tests drive it). */
  vfCountersMs?: number;
  /** Safety-net poll of the outbox; commits wake the dispatcher at once through LISTEN/NOTIFY. */
  dispatchMs: number;
  jobAttempts: number;
  jobBackoffMs: number;
  /** BullMQ lock duration: how long before a crashed worker's job is picked up again. */
  lockMs: number;
  /**
   * How long progress waits before it goes out, with every other operation's, in one statement;
   * default 250.
   */
  progressMs?: number;
  /**
   * The delayed re-check of a job whose agent task this worker watches (the watcher wakes it when
   * the task ends; this is the safety net for a crashed worker); default 30 s.
   */
  watchedRecheckMs?: number;
  /**
   * How long VM operations wait out an unreachable agent (a restart takes ~12 s, a reboot
   * longer) before failing; default 45 s.
   */
  agentOutageMs?: number;
  /** Port of /metrics, /healthz and /readyz; 0 picks a free one; undefined runs no server. */
  httpPort?: number;
  /**
   * How often operations whose job Redis no longer has (a restart that lost its data, a job
   * failed while Postgres was down) are handed back to the outbox, and how long such an
   * operation must have been quiet first; default 10 s.
   */
  requeueMs?: number;
  /**
   * Pool and transaction settings, read from VIRTFN_DB_* exactly as the web app reads them
   * (dbOptionsFromEnv); unset, the pool is sized by `defaultPoolSize`.
   */
  db?: CreateDbOptions;
  /** How long one agent call may take before it counts as a timeout; default 10 s. */
  agentTimeoutMs?: number;
};

/**
 * Job slots beyond this many share connections. A slot holds a connection only while its
 * statements run (agent waits are handed off, issue 9), so more connections than this bring no
 * throughput, and each new one costs Postgres tens of milliseconds of CPU on its first statements
 * (catalog caches, the count trigger compiled): a split of 200 PFs at concurrency 64 spent about
 * half again the database CPU of one at 8 warming its 72 connections.
 */
const POOLED_JOB_SLOTS = 16;

/**
 * One connection per job slot up to POOLED_JOB_SLOTS, a quarter of the reconciles in flight
 * (they mostly wait on agents), and a few for the dispatcher, requeuer and maintenance.
 */
function defaultPoolSize(concurrency: number, reconcileInFlight: number): number {
  return Math.min(concurrency, POOLED_JOB_SLOTS) + Math.ceil(reconcileInFlight / 4) + 4;
}

/** The worker's pool: from its config, else sized by defaultPoolSize and kept whole (CreateDbOptions.min). */
export function workerDbOptions(config: WorkerConfig): CreateDbOptions {
  if (config.db !== undefined) return config.db;
  const size = defaultPoolSize(config.concurrency, config.reconcileInFlight ?? 16);
  return { max: size, min: size };
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = WorkerEnv.parse(env);
  return {
    databaseUrl: parsed.DATABASE_URL,
    listenUrl: listenDatabaseUrl(parsed.DATABASE_URL, env),
    redisUrl: parsed.REDIS_URL,
    redis: redisTargetFromEnv(env),
    queuePrefix: queuePrefixFromEnv(env),
    concurrency: parsed.VIRTFN_WORKER_CONCURRENCY,
    reconcileMs: parsed.VIRTFN_RECONCILE_MS,
    reconcileInFlight: parsed.VIRTFN_RECONCILE_IN_FLIGHT,
    reconcileJitter: parsed.VIRTFN_RECONCILE_JITTER,
    vfCountersMs: parsed.VIRTFN_VF_COUNTERS_MS,
    ...(parsed.VIRTFN_RECONCILE_LEASE_MS === undefined
      ? {}
      : { reconcileLeaseMs: parsed.VIRTFN_RECONCILE_LEASE_MS }),
    ...(parsed.VIRTFN_RECONCILE_FULL_EVERY === undefined
      ? {}
      : { reconcileFullEvery: parsed.VIRTFN_RECONCILE_FULL_EVERY }),
    dispatchMs: parsed.VIRTFN_DISPATCH_MS,
    jobAttempts: parsed.VIRTFN_JOB_ATTEMPTS,
    jobBackoffMs: parsed.VIRTFN_JOB_BACKOFF_MS,
    lockMs: parsed.VIRTFN_LOCK_MS,
    progressMs: parsed.VIRTFN_PROGRESS_MS,
    ...(parsed.VIRTFN_WATCHED_RECHECK_MS === undefined
      ? {}
      : { watchedRecheckMs: parsed.VIRTFN_WATCHED_RECHECK_MS }),
    agentOutageMs: parsed.VIRTFN_AGENT_OUTAGE_MS,
    ...(parsed.VIRTFN_WORKER_HTTP_PORT === undefined
      ? {}
      : { httpPort: parsed.VIRTFN_WORKER_HTTP_PORT }),
    requeueMs: parsed.VIRTFN_REQUEUE_MS,
    db: dbOptionsFromEnv(env, {
      max: defaultPoolSize(parsed.VIRTFN_WORKER_CONCURRENCY, parsed.VIRTFN_RECONCILE_IN_FLIGHT),
    }),
    agentTimeoutMs: parsed.VIRTFN_AGENT_TIMEOUT_MS,
  };
}
