import type { Db } from "@virtfn/db";

/** The channel the outbox trigger notifies on commit (see the outbox migration). */
export const OUTBOX_CHANNEL = "virtfn_outbox";

export interface ClaimedOutboxEntry {
  id: bigint;
  operationId: string;
  queue: string;
  kind: string;
}

/**
 * Claims up to `limit` undispatched entries for `leaseMs`, oldest first. SKIP LOCKED and the
 * lease let several dispatchers drain one outbox without handing out an entry twice; an entry
 * whose dispatcher died before marking it is claimable again when the lease ends, so none is
 * lost (and jobId = operation id makes a second enqueue a no-op anyway).
 */
export async function claimOutbox(
  db: Db,
  limit = 100,
  leaseMs = 30_000,
): Promise<ClaimedOutboxEntry[]> {
  return db.$queryRaw<ClaimedOutboxEntry[]>`
    UPDATE "OutboxEntry" AS e
       SET "claimedUntil" = now() + make_interval(secs => ${leaseMs / 1000}::float8)
      FROM "Operation" AS o
     WHERE o.id = e."operationId"
       AND e.id IN (
         SELECT id FROM "OutboxEntry"
          WHERE "dispatchedAt" IS NULL AND ("claimedUntil" IS NULL OR "claimedUntil" < now())
          ORDER BY id
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
    RETURNING e.id, e."operationId", e.queue, o.kind`;
}

export async function markDispatched(db: Db, ids: bigint[]): Promise<void> {
  if (ids.length === 0) return;
  await db.$executeRaw`
    UPDATE "OutboxEntry" SET "dispatchedAt" = now() WHERE id = ANY(${ids}::bigint[])`;
}

/** Hands claimed entries back at once when enqueuing them failed, rather than after the lease. */
export async function releaseOutbox(db: Db, ids: bigint[]): Promise<void> {
  if (ids.length === 0) return;
  await db.$executeRaw`
    UPDATE "OutboxEntry" SET "claimedUntil" = NULL
     WHERE id = ANY(${ids}::bigint[]) AND "dispatchedAt" IS NULL`;
}
