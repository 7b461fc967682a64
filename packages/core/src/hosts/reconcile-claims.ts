// Which hosts are reconciled, when, and by whom. Every worker runs a reconciler; a host's
// reconcile is claimed by one of them per period (FOR UPDATE SKIP LOCKED on the host's next-due
// time), held under a lease the worker renews while it works, and finished by setting the next
// due time. A worker that dies stops renewing: its hosts become claimable by the others when the
// lease ends, which is at most one period after its last renewal.
import { Prisma, queryRows, type Db, type Host } from "@virtfn/db";

export interface ClaimOptions {
  /** Identifies the claiming worker; only it may renew or finish its claims. */
  owner: string;
  /** At most this many hosts (the worker's free reconcile slots). */
  limit: number;
  /** How long the claim holds without renewal. */
  leaseMs: number;
  /**
   * Claim every host that no other worker holds, due or not (an on-demand sweep). Default: only
   * hosts whose reconcile is due.
   */
  all?: boolean;
  /** Hosts not to claim (those an on-demand sweep has already done). */
  exclude?: string[];
}

/**
 * A claimed host: the columns a reconcile reads, and whether an operation was in flight on it
 * when it was claimed (the reconcile then leaves it alone without asking its agent).
 */
export type ReconcileClaim = Pick<
  Host,
  | "id"
  | "name"
  | "agentUrl"
  | "agentToken"
  | "connectionState"
  | "connectionReason"
  | "bootId"
  | "observedDigest"
  | "observedDigestAt"
> & { busy: boolean };

const seconds = (ms: number): number => ms / 1000;

/**
 * Claims up to `limit` hosts, the longest overdue first, and reads what their reconciles need,
 * in one statement. Hosts still being added are left to their add operation. The statements
 * here run on every reconcile of every host, so they go to the pool without Prisma (queryRows).
 */
export async function claimReconcileHosts(
  db: Db,
  options: ClaimOptions,
): Promise<ReconcileClaim[]> {
  if (options.limit <= 0) return [];
  const all = options.all === true;
  // The digest's time is read as timestamptz (the column holds UTC): pg turns that into the
  // right Date whatever the process's time zone.
  return (await queryRows(
    db,
    Prisma.sql`
    WITH claimed AS (
      UPDATE "Host" h
         SET "reconcileLeaseOwner" = ${options.owner},
             "reconcileLeaseUntil" = now() + make_interval(secs => ${seconds(options.leaseMs)}::float8)
        FROM (SELECT id FROM "Host"
               WHERE "connectionState" <> 'Connecting'
                 AND (${all}::boolean OR "reconcileDueAt" <= now())
                 AND ("reconcileLeaseUntil" IS NULL OR "reconcileLeaseUntil" < now())
                 AND NOT (id = ANY(${options.exclude ?? []}::uuid[]))
               ORDER BY "reconcileDueAt", id
               LIMIT ${options.limit}
               FOR UPDATE SKIP LOCKED) due
       WHERE h.id = due.id
      RETURNING h.id, h.name, h."agentUrl", h."agentToken", h."connectionState",
                h."connectionReason", h."bootId", h."observedDigest", h."observedDigestAt",
                h."reconcileDueAt")
    SELECT c.id, c.name, c."agentUrl", c."agentToken", c."connectionState"::text AS "connectionState",
           c."connectionReason", c."bootId", c."observedDigest",
           c."observedDigestAt" AT TIME ZONE 'UTC' AS "observedDigestAt",
           EXISTS (SELECT 1 FROM "Operation" o
                    WHERE o."targetType" = 'Host' AND o."targetId" = c.id::text
                      AND o.status IN ('Pending', 'Running')) AS busy
      FROM claimed c
     ORDER BY c."reconcileDueAt", c.id`,
  )) as ReconcileClaim[];
}

/** Renews the owner's leases on hosts it is still reconciling; returns how many it still holds. */
export async function renewReconcileLeases(
  db: Db,
  owner: string,
  hostIds: string[],
  leaseMs: number,
): Promise<number> {
  if (hostIds.length === 0) return 0;
  const rows = await queryRows(
    db,
    Prisma.sql`
    UPDATE "Host"
       SET "reconcileLeaseUntil" = now() + make_interval(secs => ${seconds(leaseMs)}::float8)
     WHERE id = ANY(${hostIds}::uuid[]) AND "reconcileLeaseOwner" = ${owner}
    RETURNING id`,
  );
  return rows.length;
}

/** One finished reconcile, for `finishReconciles`. */
export interface FinishedReconcile {
  hostId: string;
  /** The next reconcile is due this long from now. */
  nextInMs: number;
  /**
   * False for a failed reconcile: it is finished the same way, so the host is retried next
   * period rather than at once by every worker, but keeps its last successful time.
   */
  reconciled: boolean;
  /** The agent answered and nothing else recorded it (an unchanged host): it was seen now. */
  seen: boolean;
}

/**
 * Finishes the owner's claims, any number in one statement: each host's next reconcile is due
 * its `nextInMs` from now. Returns the hosts finished; one missing lost its claim (its lease
 * ended and another worker took the host), and nothing was written for it.
 */
export async function finishReconciles(
  db: Db,
  owner: string,
  finished: FinishedReconcile[],
): Promise<Set<string>> {
  if (finished.length === 0) return new Set();
  const rows = (await queryRows(
    db,
    Prisma.sql`
    UPDATE "Host" h
       SET "reconcileDueAt" = now() + make_interval(secs => f.secs),
           "lastReconciledAt" = CASE WHEN f.reconciled THEN now() ELSE h."lastReconciledAt" END,
           "lastSeenAt" = CASE WHEN f.seen THEN now() ELSE h."lastSeenAt" END,
           "reconcileLeaseOwner" = NULL,
           "reconcileLeaseUntil" = NULL
      FROM unnest(${finished.map((f) => f.hostId)}::uuid[],
                  ${finished.map((f) => seconds(f.nextInMs))}::float8[],
                  ${finished.map((f) => f.reconciled)}::boolean[],
                  ${finished.map((f) => f.seen)}::boolean[]) AS f(id, secs, reconciled, seen)
     WHERE h.id = f.id AND h."reconcileLeaseOwner" = ${owner}
    RETURNING h.id`,
  )) as Array<{ id: string }>;
  return new Set(rows.map((row) => row.id));
}

/** Hands the owner's claims back at once (a clean shutdown), leaving their due times as they are. */
export async function releaseReconcileClaims(db: Db, owner: string): Promise<number> {
  return db.$executeRaw`
    UPDATE "Host" SET "reconcileLeaseOwner" = NULL, "reconcileLeaseUntil" = NULL
     WHERE "reconcileLeaseOwner" = ${owner}`;
}

/**
 * The next due time's distance: one period, shortened by up to `jitter` of it at random so that
 * hosts added or reconciled together drift apart instead of falling due together for ever.
 */
export function nextReconcileInMs(periodMs: number, jitter: number, random = Math.random): number {
  return Math.round(periodMs * (1 - jitter * random()));
}

export interface ReconcileLag {
  /** Hosts the reconciler looks after (connected or disconnected, not being added). */
  hosts: number;
  /** Of those, how many are past their due time and not yet reconciled. */
  overdue: number;
  /** How far past its due time the most overdue host is, in seconds (0 when none is). */
  maxSeconds: number;
  /** The 99th percentile of that over all hosts, in seconds. */
  p99Seconds: number;
}

/**
 * Reconcile lag: how long past its due time each host's reconcile has not yet finished (0 for a
 * host that is not due). Counted in SQL, one row back, whatever the fleet's size.
 */
export async function reconcileLag(db: Db): Promise<ReconcileLag> {
  const [row] = await db.$queryRaw<
    Array<{ hosts: number; overdue: number; max: number | null; p99: number | null }>
  >`
    SELECT count(*)::int AS hosts,
           count(*) FILTER (WHERE lag > 0)::int AS overdue,
           max(lag)::float8 AS max,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY lag)::float8 AS p99
      FROM (SELECT greatest(0, extract(epoch FROM now() - "reconcileDueAt")) AS lag
              FROM "Host" WHERE "connectionState" <> 'Connecting') AS due`;
  return {
    hosts: row?.hosts ?? 0,
    overdue: row?.overdue ?? 0,
    maxSeconds: row?.max ?? 0,
    p99Seconds: row?.p99 ?? 0,
  };
}
