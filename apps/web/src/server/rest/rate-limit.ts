// Rate limits, shared through Redis (rate-limiter-flexible) so that several web replicas enforce
// one limit, not one each. API keys and cookie sessions get a bucket per key or user; anonymous
// callers one per client address (see clientAddress: only a trusted proxy's word counts). When
// Redis is unreachable, a per-process memory limiter stands in (the library's insurance).
//
// VIRTFN_RATE_LIMIT=off turns limiting off (load tests); VIRTFN_RATE_LIMIT_KEY,
// VIRTFN_RATE_LIMIT_SESSION and VIRTFN_RATE_LIMIT_ANON override the buckets as
// "<burst>/<per minute>", e.g. "120/600".
import { randomBytes } from "node:crypto";
import { LoginThrottle, redisTargetFromEnv } from "@virtfn/core";
import { Redis } from "ioredis";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";

export interface BucketSpec {
  /** Requests allowed at once. */
  burst: number;
  /** Requests allowed per minute, on average. */
  perMinute: number;
}

export type BucketKind = "key" | "session" | "anon";
export interface BucketRef {
  kind: BucketKind;
  id: string;
}

const DEFAULTS: Record<BucketKind, BucketSpec> = {
  key: { burst: 120, perMinute: 600 },
  // The console's pages make several calls each.
  session: { burst: 240, perMinute: 1200 },
  anon: { burst: 30, perMinute: 30 },
};
const ENV: Record<BucketKind, string> = {
  key: "VIRTFN_RATE_LIMIT_KEY",
  session: "VIRTFN_RATE_LIMIT_SESSION",
  anon: "VIRTFN_RATE_LIMIT_ANON",
};

function spec(kind: BucketKind): BucketSpec {
  const raw = process.env[ENV[kind]];
  const match = raw ? /^(\d+)\/(\d+)$/.exec(raw.trim()) : null;
  if (match) return { burst: Number(match[1]), perMinute: Number(match[2]) };
  return DEFAULTS[kind];
}

/** How long requests wait for a first connection that neither succeeds nor fails. */
const FIRST_CONNECTION_MAX_MS = 15_000;

let redis: Redis | null | undefined;
/** Set once the connection has been ready: until then a replica is still starting. */
let firstConnection: Promise<void> | null = null;

/** The process's Redis connection for limits and throttles, or null when REDIS_URL is not set. */
export function limiterRedis(): Redis | null {
  if (redis === undefined) {
    const url = process.env.REDIS_URL;
    // No offline queue: a command while disconnected fails at once and the insurance limiter
    // answers, instead of requests waiting on a dead Redis.
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    // Through Sentinel when VIRTFN_REDIS_SENTINELS is set, so limits follow a failover.
    const target = url ? redisTargetFromEnv(process.env) : null;
    if (target === null) redis = null;
    else if (target.kind === "url") redis = new Redis(target.url, options);
    else {
      const { kind: _kind, ...sentinel } = target;
      redis = new Redis({ ...sentinel, ...options });
    }
    redis?.on("error", () => undefined);
    const store = redis;
    firstConnection = store
      ? new Promise<void>((resolve) => {
          // Until the first connection is made or fails, requests wait for it: a Redis that is down
          // at start (refused, unreachable) gets the insurance limiter at once, as later. A fixed
          // 2 s wait was not enough on a loaded machine: the replica test saw a web restarted under
          // load answer a burst from its own memory limiter (55 allowed of one key's 50).
          const settle = () => {
            clearTimeout(timer);
            store.off("ready", settle);
            store.off("error", settle);
            resolve();
          };
          // Only a connect that hangs (no answer, no refusal) is cut short.
          const timer = setTimeout(settle, FIRST_CONNECTION_MAX_MS);
          store.once("ready", settle);
          store.once("error", settle);
        })
      : null;
  }
  return redis;
}

/** Keys in Redis: one namespace per deployment (queue prefix); tests get a fresh one on reset. */
let generation = process.env.VIRTFN_QUEUE_PREFIX ?? "virtfn";
export function limiterPrefix(name: string): string {
  return `${generation}:rl:${name}`;
}

/** A limiter of `points` per `duration` seconds, in Redis when there is one. */
export function makeLimiter(opts: {
  name: string;
  points: number;
  duration: number;
  blockDuration?: number;
}): RateLimiterAbstract {
  const base = {
    keyPrefix: limiterPrefix(opts.name),
    points: opts.points,
    duration: opts.duration,
    ...(opts.blockDuration ? { blockDuration: opts.blockDuration } : {}),
  };
  const store = limiterRedis();
  if (!store) return new RateLimiterMemory(base);
  return new RateLimiterRedis({
    ...base,
    storeClient: store,
    insuranceLimiter: new RateLimiterMemory(base),
  });
}

const limiters = new Map<string, RateLimiterAbstract>();

function limiterFor(kind: BucketKind): RateLimiterAbstract {
  const { burst, perMinute } = spec(kind);
  const id = `${kind}:${burst}/${perMinute}:${generation}`;
  let limiter = limiters.get(id);
  if (!limiter) {
    // A fixed window of `burst` requests, as long as `perMinute` takes to refill it.
    const duration = Math.max(1, Math.ceil((burst / Math.max(perMinute, 1)) * 60));
    limiter = makeLimiter({ name: kind, points: burst, duration });
    limiters.set(id, limiter);
  }
  return limiter;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Takes one request from the bucket. */
export async function takeToken(bucket: BucketRef | null): Promise<RateDecision> {
  if (!bucket || process.env.VIRTFN_RATE_LIMIT === "off") return { ok: true };
  try {
    const limiter = limiterFor(bucket.kind);
    // A replica's first requests, while its connection is still being made, would otherwise
    // all be answered by its own memory limiter: a burst at a web replica that had just
    // (re)started was allowed more than the key's shared limit (the replica test saw 58 of 50).
    await firstConnection;
    await limiter.consume(bucket.id);
    return { ok: true };
  } catch (result) {
    if (result instanceof RateLimiterRes) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
    }
    // Both Redis and the insurance failed: limits are abuse protection, not correctness.
    console.error("[web] rate limiter unavailable:", result);
    return { ok: true };
  }
}

/** Which bucket a caller spends: their key, their user (cookie session) or their address. */
export function bucketOf(ctx: {
  actor: { userId: string; apiKeyId?: string } | null;
  sourceIp?: string | undefined;
}): BucketRef | null {
  if (ctx.actor?.apiKeyId) return { kind: "key", id: ctx.actor.apiKeyId };
  if (ctx.actor) return { kind: "session", id: ctx.actor.userId };
  // Without a trusted client address every anonymous caller would share one bucket, and one
  // client could exhaust it for all: anonymous calls are then only throttled per account (login).
  return ctx.sourceIp ? { kind: "anon", id: ctx.sourceIp } : null;
}

let throttle: LoginThrottle | undefined;

/** Failed-login throttling (core's policy), in the same Redis as the rate limits. */
export function loginThrottle(): LoginThrottle {
  throttle ??= new LoginThrottle({
    storeClient: limiterRedis() ?? undefined,
    keyPrefix: limiterPrefix("login"),
  });
  return throttle;
}

/** Tests: start from full buckets and no failed logins (new keys in Redis). */
export function resetRateLimits(): void {
  limiters.clear();
  throttle = undefined;
  generation = `test-${randomBytes(6).toString("hex")}`;
}
