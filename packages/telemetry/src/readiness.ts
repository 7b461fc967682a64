// Readiness: can this process serve right now? Each dependency is asked for real, with a short
// timeout, and the answer names the one that failed. Liveness stays "the process answers".
import { Redis } from "ioredis";

export interface CheckResult {
  ok: boolean;
  /** Why it failed: the error's message, or "timed out after N ms". */
  error?: string;
}

export interface Readiness {
  ok: boolean;
  checks: { postgres: CheckResult; redis: CheckResult };
}

export const READY_TIMEOUT_MS = 2000;

export async function bounded(
  check: () => Promise<unknown>,
  timeoutMs: number,
): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: `timed out after ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const ran = check().then(
    (): CheckResult => ({ ok: true }),
    (error: unknown): CheckResult => ({
      ok: false,
      error:
        error instanceof Error ? error.message.split("\n").at(-1) || error.name : String(error),
    }),
  );
  try {
    return await Promise.race([ran, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  // A connection per probe: probes are seconds apart, and a fresh connection is the honest test.
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

/** Postgres through the caller's own pool (a wedged pool shows up too) and Redis, in parallel. */
export async function checkReadiness(options: {
  pingPostgres: () => Promise<unknown>;
  redisUrl: string | undefined;
  timeoutMs?: number;
}): Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS;
  const [postgres, redis] = await Promise.all([
    bounded(options.pingPostgres, timeoutMs),
    options.redisUrl
      ? bounded(() => pingRedis(options.redisUrl ?? "", timeoutMs), timeoutMs)
      : Promise.resolve<CheckResult>({ ok: false, error: "REDIS_URL is not set" }),
  ]);
  return { ok: postgres.ok && redis.ok, checks: { postgres, redis } };
}
