// `Idempotency-Key` for the REST API: the first response to a POST is stored per caller and key for
// 24 hours and replayed for repeats. A repeat with a different request is refused, and so is a
// repeat that arrives while the first request is still running. A running request holds its key
// only for a short lease, which it renews while it runs (keepIdempotentRequest): if it dies without
// answering (the process was killed, the database went away), the key is free again once the
// lease is over instead of answering "in progress" for 24 hours, or for the longest request.
import type { Db, DbOrTx, Prisma } from "@virtfn/db";
import { isUniqueViolation } from "../shared/db-errors";
import { DomainError, ErrorCode } from "../shared/errors";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a request in progress holds its key without a renewal. A live request renews it every
 * third of this (keepIdempotentRequest), however long it runs (`?wait=` up to 120 s), so it is
 * never run twice; a request whose process was SIGKILLed frees its key this long after its last
 * renewal, and the client's retry runs it.
 */
export const IDEMPOTENCY_LEASE_MS = 30_000;

export interface IdempotencyRef {
  /** Whose key it is: `user:<id>` or `key:<apiKeyId>`. */
  scope: string;
  key: string;
}

export type IdempotencyStart =
  | { state: "new" }
  | { state: "replay"; status: number; body: Prisma.JsonValue; location: string | null };

export async function beginIdempotentRequest(
  db: Db,
  ref: IdempotencyRef & { fingerprint: string; leaseMs?: number },
  now = new Date(),
): Promise<IdempotencyStart> {
  // Expired answers and expired leases alike: a stale in-progress record must not block a retry.
  await db.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: now } } });
  try {
    await db.idempotencyRecord.create({
      data: {
        scope: ref.scope,
        key: ref.key,
        fingerprint: ref.fingerprint,
        expiresAt: new Date(now.getTime() + (ref.leaseMs ?? IDEMPOTENCY_LEASE_MS)),
      },
    });
    return { state: "new" };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const existing = await db.idempotencyRecord.findUnique({
    where: { scope_key: { scope: ref.scope, key: ref.key } },
  });
  if (!existing) return beginIdempotentRequest(db, ref, now);
  if (existing.fingerprint !== ref.fingerprint) {
    throw new DomainError(
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      "CONFLICT",
      "This Idempotency-Key was already used for a different request.",
      { idempotencyKey: ref.key },
    );
  }
  if (existing.status === null) {
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((existing.expiresAt.getTime() - now.getTime()) / 1000),
    );
    throw new DomainError(
      ErrorCode.IDEMPOTENCY_IN_PROGRESS,
      "CONFLICT",
      "A request with this Idempotency-Key is still running; retry in a moment.",
      { idempotencyKey: ref.key, retryAfterSeconds },
    );
  }
  return {
    state: "replay",
    status: existing.status,
    body: existing.body ?? null,
    location: existing.location,
  };
}

/**
 * Stores the answer to replay. Also called inside the request's own transactions (with `tx`), so
 * that whatever a request committed is recorded with its result in the same commit: a request
 * that then fails to answer (the database went away after COMMIT) is replayed, not run twice.
 */
export async function finishIdempotentRequest(
  db: DbOrTx,
  ref: IdempotencyRef & { status: number; body: Prisma.InputJsonValue; location?: string | null },
  now = new Date(),
): Promise<void> {
  await db.idempotencyRecord.updateMany({
    where: { scope: ref.scope, key: ref.key },
    data: {
      status: ref.status,
      body: ref.body,
      location: ref.location ?? null,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    },
  });
}

/** After an unexpected failure: forget the key, so that a retry runs the request again. */
export async function abandonIdempotentRequest(db: Db, ref: IdempotencyRef): Promise<void> {
  await db.idempotencyRecord.deleteMany({
    where: { scope: ref.scope, key: ref.key, status: null },
  });
}

/**
 * Keeps a request's key held while it runs: renews the lease every third of `leaseMs`, one
 * renewal at a time, until the returned stop is called (when the request has answered). A failed
 * renewal is left to the next one; if none gets through, the lease runs out as for a dead process.
 */
export function keepIdempotentRequest(
  db: Db,
  ref: IdempotencyRef & { leaseMs?: number },
): () => void {
  const leaseMs = ref.leaseMs ?? IDEMPOTENCY_LEASE_MS;
  let renewing = false;
  const timer = setInterval(
    () => {
      if (renewing) return;
      renewing = true;
      db.idempotencyRecord
        .updateMany({
          where: { scope: ref.scope, key: ref.key, status: null },
          data: { expiresAt: new Date(Date.now() + leaseMs) },
        })
        .catch(() => undefined)
        .finally(() => {
          renewing = false;
        });
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
