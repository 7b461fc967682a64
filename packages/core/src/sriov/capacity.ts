import { z } from "zod";
import { Prisma, queryRows, type Db, type DbOrTx, type VfState } from "@virtfn/db";
import { VfState as VfStates } from "@virtfn/db/enums";
import type { RowCountKind } from "../shared/row-counts";
import { poolWithheldByL2 } from "./pools-queries";

// VF counting in SQL. Every read path counts VFs here, from "VfStateCount": per PF and state, the
// database keeps signed differences that sum to the number of VFs (see its migration), so a PF's
// counts cost a few index entries however many VFs it has. Ids go as one array parameter: no read
// path loads VF rows to count them, and none builds an IN list that grows with the fleet.
// The statements go through the pool (queryRows), not Prisma: Prisma 6.19 spends milliseconds of
// Node CPU on each raw statement and its rows (12 ms for the VF counts of a page of 400 PFs, 2.5
// through the pool), which a busy machine stretches into a read's p99 (issue 9).

const int = z.number().int();

/** VF rows per PF and state, for the PFs given; a state with no VF is absent. */
export async function vfStateCounts(
  db: Db,
  pfIds: string[],
): Promise<Array<{ pfId: string; state: VfState; n: number }>> {
  if (pfIds.length === 0) return [];
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT "pfId"::text AS "pfId", state, sum(n)::int AS n
    FROM "VfStateCount" WHERE "pfId" = ANY(${pfIds}::uuid[])
    GROUP BY "pfId", state HAVING sum(n) <> 0`,
  );
  return z.array(z.object({ pfId: z.string(), state: z.enum(VfStates), n: int })).parse(rows);
}

/**
 * WITH-clauses over the clusters `clusterIds`: `live`, those summed live from their hosts (stale
 * or not computed yet), and `sums`, their rows of "ClusterVfCount" (cluster_vf_counts, in the
 * database) from the cache where fresh and computed now where live. The caller filters `sums`
 * by interface and cluster.
 */
function withClusterSums(clusterIds: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`WITH asked AS (SELECT DISTINCT id FROM unnest(${clusterIds}) id),
    live AS MATERIALIZED (
      SELECT a.id FROM asked a
      WHERE NOT EXISTS (SELECT 1 FROM "ClusterVfCountFresh" f WHERE f."clusterId" = a.id)
         OR EXISTS (SELECT 1 FROM "ClusterVfCountStale" s WHERE s."clusterId" = a.id)
    ),
    sums AS (
      SELECT c."clusterId", c.iface, c.hosts, c.total, c.available, c."offeringAvailable", c."offeringHosts"
      FROM "ClusterVfCount" c JOIN asked a ON a.id = c."clusterId"
      WHERE NOT EXISTS (SELECT 1 FROM live l WHERE l.id = c."clusterId")
      UNION ALL
      -- Gated: the function is not even planned when every cluster is fresh.
      SELECT * FROM cluster_vf_counts(ARRAY(SELECT id FROM live)) WHERE EXISTS (SELECT 1 FROM live)
    )`;
}

export interface InterfaceTotals {
  /** VFs present on the interface, over every host of the zone. */
  total: number;
  /**
   * Free VFs on hosts that can hand them out (attached cluster, connected, IOMMU active, not in
   * maintenance), less those in VF pools of other L2s.
   */
  available: number;
  /** Hosts with at least one of those free VFs. */
  offeringHosts: number;
  /** Hosts in the zone. */
  hostCount: number;
}

/**
 * R3 summed over a zone: what an L2's interface offers. One row per cluster of the zone (see
 * "ClusterVfCount" in the migration), never one per host or VF, less what VF pools of other L2s
 * keep (read from the pools: sriov/pools-queries.ts).
 */
export async function interfaceTotals(
  db: Db,
  network: {
    l2Id: string;
    zoneId: string;
    physicalInterface: string;
  },
): Promise<InterfaceTotals> {
  const [sums, withheld] = await Promise.all([
    clusterInterfaceSums(db, network),
    poolWithheldByL2(db, [network.l2Id], null),
  ]);
  const pooled = withheld.get(network.l2Id);
  if (pooled === undefined) return sums;
  return {
    ...sums,
    available: Math.max(0, sums.available - pooled.offering),
    offeringHosts: Math.max(0, sums.offeringHosts - pooled.offeringHostsLost),
  };
}

/** interfaceTotals from the cluster sums alone, every free VF counted, pooled or not. */
async function clusterInterfaceSums(
  db: Db,
  network: { l2Id: string; zoneId: string; physicalInterface: string },
): Promise<InterfaceTotals> {
  const zone = Prisma.sql`ARRAY(SELECT id FROM "Cluster" WHERE "zoneId" = ${network.zoneId}::uuid)`;
  // Asked per cluster row here, not passed in: the L2's attachments are as many as its clusters.
  const attached = Prisma.sql`EXISTS (SELECT 1 FROM "L2ClusterAttachment" a
    WHERE a."l2Id" = ${network.l2Id}::uuid AND a."clusterId" = c."clusterId")`;
  const rows = await queryRows(
    db,
    Prisma.sql`
    ${withClusterSums(zone)}
    SELECT coalesce(sum(c.total), 0)::int AS total,
           coalesce(sum(c."offeringAvailable") FILTER (WHERE ${attached}), 0)::int AS available,
           coalesce(sum(c."offeringHosts") FILTER (WHERE ${attached}), 0)::int AS "offeringHosts",
           (SELECT coalesce(sum(f."hostCount"), 0) FROM "ClusterVfCountFresh" f JOIN asked a ON a.id = f."clusterId"
             WHERE NOT EXISTS (SELECT 1 FROM live l WHERE l.id = f."clusterId"))::int
         + (SELECT count(*) FROM "Host" h WHERE h."clusterId" = ANY(ARRAY(SELECT id FROM live)))::int
           AS "hostCount"
    FROM sums c
    WHERE c.iface = ${network.physicalInterface}`,
  );
  const [row] = z
    .array(z.object({ total: int, available: int, offeringHosts: int, hostCount: int }))
    .parse(rows);
  return row ?? { total: 0, available: 0, offeringHosts: 0, hostCount: 0 };
}

export interface L2Totals {
  l2Id: string;
  /** Hosts in attached clusters whose interface resolves to at least one PF. */
  hosts: number;
  vfTotal: number;
  /** Free VFs on hosts not in maintenance, less those in VF pools of other L2s. */
  vfAvailable: number;
}

/** An L2's interface summed over its attached clusters (cluster_vf_counts' columns). */
export interface L2VfSums {
  /** Hosts whose interface resolves to at least one PF. */
  hosts: number;
  total: number;
  /** Free VFs on hosts not in maintenance, pooled or not. */
  available: number;
  /**
   * Free VFs on connected hosts with IOMMU active, not in maintenance: what a VM create can
   * reserve, before VF pools (poolWithheldByL2) take theirs off.
   */
  offeringAvailable: number;
  offeringHosts: number;
}

/**
 * Per L2, over its attached clusters: one row per L2 from "L2VfCount" (its migration), however
 * many clusters it spans, corrected for the stale clusters (few, until the next refresh): their
 * cached rows out, their live sums in. An L2 with nothing attached is absent.
 */
export async function l2VfSums(db: Db, l2Ids: string[]): Promise<Map<string, L2VfSums>> {
  if (l2Ids.length === 0) return new Map();
  const rows = await queryRows(
    db,
    Prisma.sql`
    WITH l2 AS (SELECT id, "physicalInterface" AS iface FROM "L2Network" WHERE id = ANY(${l2Ids}::uuid[])),
    live AS MATERIALIZED (
      SELECT a."l2Id", a."clusterId", l2.iface
      FROM (SELECT DISTINCT "clusterId" FROM "ClusterVfCountStale") s
      JOIN "L2ClusterAttachment" a ON a."clusterId" = s."clusterId"
      JOIN l2 ON l2.id = a."l2Id"
    ),
    live_sums AS (
      -- Gated: the function is not even planned when no attached cluster is stale.
      SELECT * FROM cluster_vf_counts(ARRAY(SELECT DISTINCT "clusterId" FROM live))
      WHERE EXISTS (SELECT 1 FROM live)
    ),
    parts AS (
      SELECT r."l2Id", r.hosts, r.total, r.available, r."offeringAvailable", r."offeringHosts"
      FROM "L2VfCount" r JOIN l2 ON l2.id = r."l2Id"
      UNION ALL
      SELECT l."l2Id", -c.hosts, -c.total, -c.available, -c."offeringAvailable", -c."offeringHosts"
      FROM live l JOIN "ClusterVfCount" c ON c."clusterId" = l."clusterId" AND c.iface = l.iface
      UNION ALL
      SELECT l."l2Id", c.hosts, c.total, c.available, c."offeringAvailable", c."offeringHosts"
      FROM live l JOIN live_sums c ON c."clusterId" = l."clusterId" AND c.iface = l.iface
    )
    SELECT "l2Id"::text AS "l2Id", sum(hosts)::int AS hosts, sum(total)::int AS total,
           sum(available)::int AS available, sum("offeringAvailable")::int AS "offeringAvailable",
           sum("offeringHosts")::int AS "offeringHosts"
    FROM parts GROUP BY "l2Id"`,
  );
  const sums = z.object({
    l2Id: z.string(),
    hosts: int,
    total: int,
    available: int,
    offeringAvailable: int,
    offeringHosts: int,
  });
  return new Map(
    z
      .array(sums)
      .parse(rows)
      .map(({ l2Id, ...row }) => [l2Id, row]),
  );
}

/** Per L2, over the hosts of its attached clusters: the SR-IOV overview's L2 rows. */
export async function l2Totals(db: Db, l2Ids: string[]): Promise<Map<string, L2Totals>> {
  const [sums, withheld] = await Promise.all([
    l2VfSums(db, l2Ids),
    poolWithheldByL2(db, l2Ids, null),
  ]);
  return new Map(
    [...sums].map(([l2Id, s]) => [
      l2Id,
      {
        l2Id,
        hosts: s.hosts,
        vfTotal: s.total,
        vfAvailable: Math.max(0, s.available - (withheld.get(l2Id)?.free ?? 0)),
      },
    ]),
  );
}

/** VF NICs per L2, over its L3s: from the per-L3 counts of "RowCount", not one row per NIC. */
export async function vfNicsByL2(db: DbOrTx, l2Ids: string[]): Promise<Map<string, number>> {
  if (l2Ids.length === 0) return new Map();
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT l.id::text AS "l2Id", ${vfNicsOfL2(Prisma.sql`l.id`)} AS n
    FROM unnest(${l2Ids}::uuid[]) AS l(id)`,
  );
  return new Map(
    z
      .array(z.object({ l2Id: z.string(), n: int }))
      .parse(rows)
      .filter((row) => row.n !== 0)
      .map((row) => [row.l2Id, row.n]),
  );
}

/** The same for one L2 (`l2Id`, an expression), as a column of a larger statement. */
export function vfNicsOfL2(l2Id: Prisma.Sql): Prisma.Sql {
  const kind: RowCountKind = "VmNic.l3Id.VF";
  return Prisma.sql`COALESCE((SELECT sum(r.n)::int
      FROM "L3Network" l3 JOIN "RowCount" r ON r.kind = ${kind} AND r."parentId" = l3.id
     WHERE l3."l2Id" = ${l2Id}), 0)`;
}

/**
 * Folds the VF count differences appended since the last run into one row per PF and state
 * (vf_state_counts_compact, in the database), a batch of PFs per statement so that no statement
 * holds many rows; returns how many PFs it folded. One runs at a time: while another holds the
 * compaction lock, a call folds nothing and returns 0.
 */
export async function compactVfStateCounts(db: Db, batch = 500, maxBatches = 100): Promise<number> {
  let folded = 0;
  for (let i = 0; i < maxBatches; i++) {
    const [row] = await db.$queryRaw<
      [{ n: number }]
    >`SELECT vf_state_counts_compact(${batch}::int) AS n`;
    folded += row.n;
    if (row.n < batch) break;
  }
  return folded;
}

/**
 * Recomputes the per-cluster sums of the clusters that changed (refresh_cluster_vf_counts, in the
 * database), `batch` clusters per transaction; returns how many it refreshed. Readers stay exact
 * without it (they sum stale clusters live); it keeps them cheap. One runs at a time.
 */
export async function refreshClusterVfCounts(db: Db, batch = 20, maxBatches = 50): Promise<number> {
  let refreshed = 0;
  for (let i = 0; i < maxBatches; i++) {
    const [row] = await db.$queryRaw<
      [{ n: number }]
    >`SELECT refresh_cluster_vf_counts(${batch}::int) AS n`;
    refreshed += row.n;
    if (row.n < batch) break;
  }
  return refreshed;
}
