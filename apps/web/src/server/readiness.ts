// Readiness: can this web process serve requests right now? It asks Postgres (through the app's
// own pool, so a wedged pool shows up too) and Redis for real, each with a short timeout, and
// says which one failed. Liveness (/api/health) stays a plain "the process answers".
import type { Db } from "@virtfn/db";
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

async function bounded(check: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
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

async function pingRedis(url: string, timeoutMs: number): Promise<void> {
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

export async function checkReadiness(options: {
  db: Db;
  redisUrl: string | undefined;
  timeoutMs?: number;
}): Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS;
  const [postgres, redis] = await Promise.all([
    bounded(() => options.db.$queryRaw`SELECT 1`, timeoutMs),
    options.redisUrl
      ? bounded(() => pingRedis(options.redisUrl ?? "", timeoutMs), timeoutMs)
      : Promise.resolve<CheckResult>({ ok: false, error: "REDIS_URL is not set" }),
  ]);
  return { ok: postgres.ok && redis.ok, checks: { postgres, redis } };
}
