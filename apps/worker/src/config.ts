import { z } from "zod";

const WorkerEnv = z.object({
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required"),
  REDIS_URL: z.string().min(1, "REDIS_URL is required"),
  VIRTFN_QUEUE_PREFIX: z.string().default("virtfn"),
  VIRTFN_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  VIRTFN_RECONCILE_MS: z.coerce.number().int().min(0).default(10_000),
  // The outbox trigger's NOTIFY wakes the dispatcher on commit; this poll is only the safety net.
  VIRTFN_DISPATCH_MS: z.coerce.number().int().min(10).default(1000),
  VIRTFN_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  VIRTFN_JOB_BACKOFF_MS: z.coerce.number().int().min(10).default(1000),
  VIRTFN_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  VIRTFN_PROGRESS_MS: z.coerce.number().int().min(0).default(250),
  VIRTFN_AGENT_OUTAGE_MS: z.coerce.number().int().min(0).default(45_000),
  VIRTFN_AGENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});

export type WorkerConfig = {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  concurrency: number;
  /** 0 turns the periodic reconciler off (tests drive it by hand). */
  reconcileMs: number;
  /** Safety-net poll of the outbox; commits wake the dispatcher at once through LISTEN/NOTIFY. */
  dispatchMs: number;
  jobAttempts: number;
  jobBackoffMs: number;
  /** BullMQ lock duration: how long before a crashed worker's job is picked up again. */
  lockMs: number;
  /** At most one progress write per operation per this many ms; default 250. */
  progressMs?: number;
  /**
   * How long VM operations wait out an unreachable agent (a restart takes ~12 s, a reboot
   * longer) before failing; default 45 s.
   */
  agentOutageMs?: number;
  /** How long one agent call may take before it counts as a timeout; default 10 s. */
  agentTimeoutMs?: number;
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = WorkerEnv.parse(env);
  return {
    databaseUrl: parsed.DATABASE_URL,
    redisUrl: parsed.REDIS_URL,
    queuePrefix: parsed.VIRTFN_QUEUE_PREFIX,
    concurrency: parsed.VIRTFN_WORKER_CONCURRENCY,
    reconcileMs: parsed.VIRTFN_RECONCILE_MS,
    dispatchMs: parsed.VIRTFN_DISPATCH_MS,
    jobAttempts: parsed.VIRTFN_JOB_ATTEMPTS,
    jobBackoffMs: parsed.VIRTFN_JOB_BACKOFF_MS,
    lockMs: parsed.VIRTFN_LOCK_MS,
    progressMs: parsed.VIRTFN_PROGRESS_MS,
    agentOutageMs: parsed.VIRTFN_AGENT_OUTAGE_MS,
    agentTimeoutMs: parsed.VIRTFN_AGENT_TIMEOUT_MS,
  };
}
