// Token buckets, in memory and per process: API keys get a generous bucket each, anonymous callers
// (login, unauthenticated API calls) a small one per source IP. A deployment with several web
// processes multiplies the limits by their number, which is acceptable for abuse protection.
//
// VIRTFN_RATE_LIMIT=off turns limiting off (load tests); VIRTFN_RATE_LIMIT_KEY and
// VIRTFN_RATE_LIMIT_ANON override the buckets as "<burst>/<per minute>", e.g. "120/600".

export interface BucketSpec {
  /** Requests allowed at once. */
  burst: number;
  /** Tokens added per minute. */
  perMinute: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

const DEFAULTS = {
  key: { burst: 120, perMinute: 600 },
  anon: { burst: 30, perMinute: 30 },
} as const;
const MAX_BUCKETS = 50_000;
const buckets = new Map<string, Bucket>();

function spec(kind: "key" | "anon"): BucketSpec {
  const raw = process.env[kind === "key" ? "VIRTFN_RATE_LIMIT_KEY" : "VIRTFN_RATE_LIMIT_ANON"];
  const match = raw ? /^(\d+)\/(\d+)$/.exec(raw.trim()) : null;
  if (match) return { burst: Number(match[1]), perMinute: Number(match[2]) };
  return DEFAULTS[kind];
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Takes one token from `bucketKey`'s bucket. */
export function takeToken(kind: "key" | "anon", bucketKey: string, now = Date.now()): RateDecision {
  if (process.env.VIRTFN_RATE_LIMIT === "off") return { ok: true };
  const { burst, perMinute } = spec(kind);
  const perMs = perMinute / 60_000;
  const id = `${kind}:${bucketKey}`;
  const bucket = buckets.get(id) ?? { tokens: burst, updated: now };
  bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) * perMs);
  bucket.updated = now;
  if (buckets.size >= MAX_BUCKETS && !buckets.has(id)) {
    // Forget the oldest buckets (Map keeps insertion order); a full bucket is what they would be.
    for (const old of buckets.keys()) {
      buckets.delete(old);
      if (buckets.size < MAX_BUCKETS / 2) break;
    }
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    buckets.set(id, bucket);
    return { ok: true };
  }
  buckets.set(id, bucket);
  const retryAfterSeconds =
    perMs > 0 ? Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) : 60;
  return { ok: false, retryAfterSeconds };
}

/** Tests: start from full buckets. */
export function resetRateLimits(): void {
  buckets.clear();
}
