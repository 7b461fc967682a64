// The fleet's numbers for the metrics endpoint, read at scrape time. Every figure is counted in
// SQL (GROUP BY over indexed columns), never by fetching rows: at 10,000 hosts and 2.5M VFs a
// scrape returns a few thousand aggregate rows, not millions. The caller caches the result for a
// few seconds so that several scrapers do not multiply the cost. VF counts come from the
// "VfStateCount" rollup (a few rows per PF, see sriov/capacity.ts), never from the VF rows.
import { Prisma, type Db, type VfState } from "@virtfn/db";

/** VFs that hold or are about to hold a NIC: what the allocation ratio counts as used. */
export const VF_IN_USE_STATES: readonly VfState[] = ["Reserved", "Attached", "Releasing"];

export interface VfStateCount {
  state: VfState;
  count: number;
}

export interface PfVfCounts {
  host: string;
  pf: string;
  states: VfStateCount[];
}

export interface L2VfCounts {
  l2: string;
  states: VfStateCount[];
  /** In use over existing (Missing VFs do not exist right now); 0 when the L2 has no VF. */
  allocationRatio: number;
}

export interface ReconcileLagHistogram {
  /** Connected hosts with a last-seen time. */
  hosts: number;
  maxSeconds: number;
  sumSeconds: number;
  /** Cumulative: hosts whose lag is at most `le` seconds, one entry per requested bound. */
  buckets: Array<{ le: number; count: number }>;
}

export interface FleetMetrics {
  vfsByState: VfStateCount[];
  /** Empty unless asked for: one series set per PF is a lot of series at 10,000 hosts. */
  vfsByPf: PfVfCounts[];
  vfsByL2: L2VfCounts[];
  allocationRatio: number;
  openOperations: Array<{ kind: string; status: string; count: number }>;
  reconcileLag: ReconcileLagHistogram;
}

/** Used VFs over VFs that exist (Missing ones cannot be handed out, so they do not count). */
export function vfAllocationRatio(states: VfStateCount[]): number {
  let used = 0;
  let existing = 0;
  for (const { state, count } of states) {
    if (state === "Missing") continue;
    existing += count;
    if (VF_IN_USE_STATES.includes(state)) used += count;
  }
  return existing === 0 ? 0 : used / existing;
}

function groupStates<K extends string>(
  rows: Array<Record<K, string> & { state: VfState; count: number }>,
  key: K,
): Map<string, VfStateCount[]> {
  const grouped = new Map<string, VfStateCount[]>();
  for (const row of rows) {
    const list = grouped.get(row[key]) ?? [];
    list.push({ state: row.state, count: row.count });
    grouped.set(row[key], list);
  }
  return grouped;
}

export async function fleetMetrics(
  db: Db,
  options: { perPf: boolean; lagBuckets: number[] },
): Promise<FleetMetrics> {
  const [byState, byPf, byL2, operations, lag, lagBuckets] = await Promise.all([
    db.$queryRaw<Array<{ state: VfState; count: number }>>`
      SELECT state, sum(n)::int AS count FROM "VfStateCount" GROUP BY state HAVING sum(n) <> 0`,
    options.perPf
      ? db.$queryRaw<
          Array<{ key: string; host: string; pf: string; state: VfState; count: number }>
        >`
          SELECT c."pfId"::text AS key, h.name AS host, p.name AS pf, c.state, c.count
          FROM (SELECT "pfId", state, sum(n)::int AS count
                FROM "VfStateCount" GROUP BY "pfId", state HAVING sum(n) <> 0) c
          JOIN "PhysicalNic" p ON p.id = c."pfId"
          JOIN "Host" h ON h.id = p."hostId"`
      : Promise.resolve([]),
    // An L2's VFs on a host are those of the PF named like its interface, else those of the
    // bond's slaves (the rule resolveInterface applies), on hosts of the clusters it is attached to.
    db.$queryRaw<Array<{ l2: string; state: VfState; count: number }>>`
      WITH pf_counts AS (
        SELECT "pfId", state, sum(n)::int AS count FROM "VfStateCount"
        GROUP BY "pfId", state HAVING sum(n) <> 0
      )
      SELECT l2.name AS l2, c.state, sum(c.count)::int AS count
      FROM "L2Network" l2
      JOIN "L2ClusterAttachment" a ON a."l2Id" = l2.id
      JOIN "Host" h ON h."clusterId" = a."clusterId"
      JOIN "PhysicalNic" p ON p."hostId" = h.id AND (
        p.name = l2."physicalInterface" OR (
          p."bondName" = l2."physicalInterface" AND NOT EXISTS (
            SELECT 1 FROM "PhysicalNic" d WHERE d."hostId" = h.id AND d.name = l2."physicalInterface")))
      JOIN pf_counts c ON c."pfId" = p.id
      WHERE l2."sriovEnabled"
      GROUP BY l2.name, c.state`,
    db.$queryRaw<Array<{ kind: string; status: string; count: number }>>`
      SELECT kind, status::text AS status, count(*)::int AS count
      FROM "Operation" WHERE status IN ('Pending', 'Running')
      GROUP BY kind, status`,
    db.$queryRaw<Array<{ hosts: number; max: number | null; sum: number | null }>>`
      SELECT count(*)::int AS hosts,
             max(extract(epoch FROM now() - "lastSeenAt"))::float8 AS max,
             sum(extract(epoch FROM now() - "lastSeenAt"))::float8 AS sum
      FROM "Host" WHERE "connectionState" = 'Connected' AND "lastSeenAt" IS NOT NULL`,
    options.lagBuckets.length === 0
      ? Promise.resolve([])
      : db.$queryRaw<Array<{ le: number; count: number }>>`
          SELECT b.le, count(h.id)::int AS count
          FROM unnest(ARRAY[${Prisma.join(options.lagBuckets)}]::float8[]) AS b(le)
          LEFT JOIN "Host" h ON h."connectionState" = 'Connected' AND h."lastSeenAt" IS NOT NULL
            AND extract(epoch FROM now() - h."lastSeenAt") <= b.le
          GROUP BY b.le ORDER BY b.le`,
  ]);

  const pfStates = groupStates(byPf, "key");
  const pfNames = new Map(byPf.map((row) => [row.key, { host: row.host, pf: row.pf }]));
  const l2States = groupStates(byL2, "l2");
  const lagRow = lag[0];
  return {
    vfsByState: byState,
    vfsByPf: [...pfStates].map(([key, states]) => ({
      host: pfNames.get(key)?.host ?? "",
      pf: pfNames.get(key)?.pf ?? "",
      states,
    })),
    vfsByL2: [...l2States].map(([l2, states]) => ({
      l2,
      states,
      allocationRatio: vfAllocationRatio(states),
    })),
    allocationRatio: vfAllocationRatio(byState),
    openOperations: operations,
    reconcileLag: {
      hosts: lagRow?.hosts ?? 0,
      // A clock a little ahead of the database's gives a tiny negative lag: it is no lag.
      maxSeconds: Math.max(0, lagRow?.max ?? 0),
      sumSeconds: Math.max(0, lagRow?.sum ?? 0),
      buckets: lagBuckets.map((row) => ({ le: Number(row.le), count: row.count })),
    },
  };
}

/** Readiness: the database answers a query through this process's own pool. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
