import { Prisma, queryRows, type Db } from "@virtfn/db";

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
  // Through the pool's pg client (queryRows): it runs on every commit, and Prisma's own cost per
  // statement is as large as the statement's. pg reads a bigint as a string.
  const rows = (await queryRows(
    db,
    Prisma.sql`
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
    RETURNING e.id::text AS id, e."operationId", e.queue, o.kind`,
  )) as { id: string; operationId: string; queue: string; kind: string }[];
  return rows.map((row) => ({ ...row, id: BigInt(row.id) }));
}

export async function markDispatched(db: Db, ids: bigint[]): Promise<void> {
  if (ids.length === 0) return;
  await queryRows(
    db,
    Prisma.sql`
    UPDATE "OutboxEntry" SET "dispatchedAt" = now()
     WHERE id = ANY(${ids.map(String)}::bigint[])`,
  );
}

/** Hands claimed entries back at once when enqueuing them failed, rather than after the lease. */
export async function releaseOutbox(db: Db, ids: bigint[]): Promise<void> {
  if (ids.length === 0) return;
  await db.$executeRaw`
    UPDATE "OutboxEntry" SET "claimedUntil" = NULL
     WHERE id = ANY(${ids}::bigint[]) AND "dispatchedAt" IS NULL`;
}

export interface QuietOperation {
  operationId: string;
  queue: string;
}

/**
 * Dispatched operations still unfinished whose row has not changed for `quietMs`: the ones whose
 * job Redis may have lost (a restart without its data) or given up on (retries spent while
 * Postgres was down). The caller asks the queue which of them really have no live job.
 */
export async function quietDispatchedOperations(
  db: Db,
  quietMs: number,
  limit = 500,
): Promise<QuietOperation[]> {
  return db.$queryRaw<QuietOperation[]>`
    SELECT e."operationId", e.queue
      FROM "Operation" AS o
      JOIN "OutboxEntry" AS e ON e."operationId" = o.id
     WHERE o.status IN ('Pending', 'Running')
       AND o."updatedAt" < now() - make_interval(secs => ${quietMs / 1000}::float8)
       AND e."dispatchedAt" < now() - make_interval(secs => ${quietMs / 1000}::float8)
     ORDER BY e.id
     LIMIT ${limit}`;
}

/**
 * Hands operations whose job is gone back to the outbox, so the dispatcher enqueues them again
 * (jobId = operation id). Only those still unfinished: one that ended meanwhile stays ended.
 */
export async function redispatchOperations(db: Db, operationIds: string[]): Promise<number> {
  if (operationIds.length === 0) return 0;
  return db.$executeRaw`
    UPDATE "OutboxEntry" AS e
       SET "dispatchedAt" = NULL, "claimedUntil" = NULL
      FROM "Operation" AS o
     WHERE o.id = e."operationId"
       AND e."operationId" = ANY(${operationIds}::uuid[])
       AND o.status IN ('Pending', 'Running')
       AND e."dispatchedAt" IS NOT NULL`;
}
