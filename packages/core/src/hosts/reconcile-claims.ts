// Which hosts are reconciled, when, and by whom. Every worker runs a reconciler; a host's
// reconcile is claimed by one of them per period (FOR UPDATE SKIP LOCKED on the host's lease row),
// held under a lease the worker renews while it works, and finished by setting the next due time.
// A worker that dies stops renewing: its hosts become claimable by the others when the lease
// ends, which is at most one lease after its last renewal.
//
// The lease lives in "HostReconcileLease", not on the Host row: placements and reservations lock
// the Host row (FOR NO KEY UPDATE) for their whole transaction, and a renewal that waited for them
// let every lease of its statement run out together, so another worker reconciled those hosts a
// second time while the first was still at it (issue 14). Only these statements lock lease rows;
// claims and renewals skip a row another statement holds (SKIP LOCKED), while a pass's fencing
// check and its finish wait for it, which takes no longer than that one statement.
import { operationHoldsHost } from "./busy-host";
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
 * A claimed host: the columns a reconcile reads, whether an operation was in flight on it when
 * it was claimed (the reconcile then leaves it alone without asking its agent), and the claim's
 * fence: the lease row's count of claims, which a later claim by anyone changes.
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
> & {
  busy: boolean;
  /** The database's time when `busy` was read: the pass writes nothing if an operation ran since. */
  checkedAt: Date;
  fence: string;
};

const seconds = (ms: number): number => ms / 1000;

/**
 * Claims up to `limit` hosts, the longest overdue first, and reads what their reconciles need,
 * in one statement. Hosts still being added are left to their add operation. The statements
 * here run on every reconcile of every host, so they go to the pool without Prisma (queryRows).
 * A lease row whose finish or claim is being written right now is skipped, and the row is
 * re-checked once locked: a finish that committed meanwhile set "until" to its next due time.
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
    WITH due AS (
      SELECT l."hostId"
        FROM "HostReconcileLease" l JOIN "Host" h ON h.id = l."hostId"
       WHERE h."connectionState" <> 'Connecting'
         AND (${all}::boolean OR h."reconcileDueAt" <= now())
         AND (l."until" IS NULL OR l."until" < now() OR (${all}::boolean AND l.owner IS NULL))
         AND NOT (h.id = ANY(${options.exclude ?? []}::uuid[]))
       ORDER BY h."reconcileDueAt", h.id
       LIMIT ${options.limit}
       FOR UPDATE OF l SKIP LOCKED),
    claimed AS (
      UPDATE "HostReconcileLease" l
         SET owner = ${options.owner},
             "until" = now() + make_interval(secs => ${seconds(options.leaseMs)}::float8),
             fence = l.fence + 1
        FROM due
       WHERE l."hostId" = due."hostId"
      RETURNING l."hostId", l.fence)
    SELECT h.id, h.name, h."agentUrl", h."agentToken", h."connectionState"::text AS "connectionState",
           h."connectionReason", h."bootId", h."observedDigest",
           h."observedDigestAt" AT TIME ZONE 'UTC' AS "observedDigestAt",
           ${operationHoldsHost(Prisma.sql`h.id`)} AS busy, now() AS "checkedAt",
           c.fence::text AS fence
      FROM claimed c JOIN "Host" h ON h.id = c."hostId"
     ORDER BY h."reconcileDueAt", h.id`,
  )) as ReconcileClaim[];
}

/**
 * Renews the owner's leases on hosts it is still reconciling; returns how many it renewed. A
 * lease row locked right now is left as it is rather than waited for: the owner's own finish is
 * releasing it, or another worker is claiming it because it already ran out.
 */
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
    UPDATE "HostReconcileLease" l
       SET "until" = now() + make_interval(secs => ${seconds(leaseMs)}::float8)
      FROM (SELECT "hostId" FROM "HostReconcileLease"
             WHERE "hostId" = ANY(${hostIds}::uuid[]) AND owner = ${owner}
               FOR UPDATE SKIP LOCKED) mine
     WHERE l."hostId" = mine."hostId"
    RETURNING l."hostId"`,
  );
  return rows.length;
}

/**
 * The fencing check a pass makes before it writes: true, and the lease renewed, while the claim
 * is still the row's (same owner, same fence); false once another worker has claimed the host
 * (its lease ran out), and then the pass must write nothing.
 *
 * Unlike a renewal, this check waits for a lease row locked right now. The lock is most often the
 * owner's own renewal of all its leases, which runs every quarter lease: a skipped row read as a
 * lost claim, and the pass then wrote nothing (a host whose agent came back stayed Disconnected).
 * The wait is short, as every statement that locks lease rows is one short statement, and it sees
 * the row as that statement left it: a claim by another worker changed the fence, so false.
 */
export async function keepReconcileClaim(
  db: Db,
  claim: { owner: string; hostId: string; fence: string },
  leaseMs: number,
): Promise<boolean> {
  const rows = await queryRows(
    db,
    Prisma.sql`
    UPDATE "HostReconcileLease"
       SET "until" = now() + make_interval(secs => ${seconds(leaseMs)}::float8)
     WHERE "hostId" = ${claim.hostId}::uuid AND owner = ${claim.owner}
       AND fence = ${claim.fence}::bigint
    RETURNING "hostId"`,
  );
  return rows.length === 1;
}

/** One finished reconcile, for `finishReconciles`. */
export interface FinishedReconcile {
  hostId: string;
  /** The claim's fence (`ReconcileClaim.fence`): a host claimed again since is not finished. */
  fence: string;
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
 * Finishes the owner's claims, any number in one statement: each lease is released with its
 * host's next due time (nobody claims it before), and the host records that time and its last
 * reconcile. Returns the hosts finished; one missing lost its claim (its lease ended and another
 * worker took the host), and nothing was written for it.
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
    WITH f AS (
      SELECT * FROM unnest(${finished.map((f) => f.hostId)}::uuid[],
                           ${finished.map((f) => f.fence)}::bigint[],
                           ${finished.map((f) => seconds(f.nextInMs))}::float8[],
                           ${finished.map((f) => f.reconciled)}::boolean[],
                           ${finished.map((f) => f.seen)}::boolean[])
                    AS f(id, fence, secs, reconciled, seen)),
    released AS (
      UPDATE "HostReconcileLease" l
         SET owner = NULL, "until" = now() + make_interval(secs => f.secs)
        FROM f
       WHERE l."hostId" = f.id AND l.owner = ${owner} AND l.fence = f.fence
      RETURNING l."hostId")
    UPDATE "Host" h
       SET "reconcileDueAt" = now() + make_interval(secs => f.secs),
           "lastReconciledAt" = CASE WHEN f.reconciled THEN now() ELSE h."lastReconciledAt" END,
           "lastSeenAt" = CASE WHEN f.seen THEN now() ELSE h."lastSeenAt" END
      FROM released r JOIN f ON f.id = r."hostId"
     WHERE h.id = r."hostId"
    RETURNING h.id`,
  )) as Array<{ id: string }>;
  return new Set(rows.map((row) => row.id));
}

/** Hands the owner's claims back at once (a clean shutdown), leaving their due times as they are. */
export async function releaseReconcileClaims(db: Db, owner: string): Promise<number> {
  return db.$executeRaw`
    UPDATE "HostReconcileLease" SET owner = NULL, "until" = NULL WHERE owner = ${owner}`;
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
