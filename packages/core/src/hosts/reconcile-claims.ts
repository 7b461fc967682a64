// Which hosts are reconciled, when, and by whom. Every worker runs a reconciler; a host's
// reconcile is claimed by one of them per period (FOR UPDATE SKIP LOCKED on the host's next-due
// time), held under a lease the worker renews while it works, and finished by setting the next
// due time. A worker that dies stops renewing: its hosts become claimable by the others when the
// lease ends, which is at most one period after its last renewal.
import type { Db, Host } from "@virtfn/db";

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

const seconds = (ms: number): number => ms / 1000;

/**
 * Claims up to `limit` hosts, the longest overdue first. Hosts still being added are left to
 * their add operation. Returns the claimed hosts as full rows, for `reconcileHost`.
 */
export async function claimReconcileHosts(db: Db, options: ClaimOptions): Promise<Host[]> {
  if (options.limit <= 0) return [];
  const all = options.all === true;
  const claimed = await db.$queryRaw<Array<{ id: string }>>`
    UPDATE "Host"
       SET "reconcileLeaseOwner" = ${options.owner},
           "reconcileLeaseUntil" = now() + make_interval(secs => ${seconds(options.leaseMs)}::float8)
     WHERE id IN (
       SELECT id FROM "Host"
        WHERE "connectionState" <> 'Connecting'
          AND (${all}::boolean OR "reconcileDueAt" <= now())
          AND ("reconcileLeaseUntil" IS NULL OR "reconcileLeaseUntil" < now())
          AND NOT (id = ANY(${options.exclude ?? []}::uuid[]))
        ORDER BY "reconcileDueAt", id
        LIMIT ${options.limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING id`;
  if (claimed.length === 0) return [];
  return db.host.findMany({
    where: { id: { in: claimed.map((row) => row.id) } },
    orderBy: { reconcileDueAt: "asc" },
  });
}

/** Renews the owner's leases on hosts it is still reconciling; returns how many it still holds. */
export async function renewReconcileLeases(
  db: Db,
  owner: string,
  hostIds: string[],
  leaseMs: number,
): Promise<number> {
  if (hostIds.length === 0) return 0;
  return db.$executeRaw`
    UPDATE "Host"
       SET "reconcileLeaseUntil" = now() + make_interval(secs => ${seconds(leaseMs)}::float8)
     WHERE id = ANY(${hostIds}::uuid[]) AND "reconcileLeaseOwner" = ${owner}`;
}

/**
 * Finishes the owner's claim: the next reconcile is due `nextInMs` from now. A failed reconcile
 * (`reconciled` false) is finished the same way, so the host is retried next period rather than
 * at once by every worker, but keeps its last successful time. False when the claim was lost (its
 * lease ended and another worker took the host), in which case nothing is written.
 */
export async function finishReconcile(
  db: Db,
  owner: string,
  hostId: string,
  nextInMs: number,
  reconciled = true,
  /** The agent answered and nothing else recorded it (an unchanged host): it was seen now. */
  seen = false,
): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE "Host"
       SET "reconcileDueAt" = now() + make_interval(secs => ${seconds(nextInMs)}::float8),
           "lastReconciledAt" = CASE WHEN ${reconciled}::boolean THEN now() ELSE "lastReconciledAt" END,
           "lastSeenAt" = CASE WHEN ${seen}::boolean THEN now() ELSE "lastSeenAt" END,
           "reconcileLeaseOwner" = NULL,
           "reconcileLeaseUntil" = NULL
     WHERE id = ${hostId}::uuid AND "reconcileLeaseOwner" = ${owner}`;
  return updated > 0;
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
