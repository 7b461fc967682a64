import { Prisma, type Db, type VfState } from "@virtfn/db";

// VF counting in SQL. Every read path counts VFs here, from "VfStateCount": per PF and state, the
// database keeps signed differences that sum to the number of VFs (see its migration), so a PF's
// counts cost a few index entries however many VFs it has. Ids go as one array parameter: no read
// path loads VF rows to count them, and none builds an IN list that grows with the fleet.

/** VFs of a PF that exist now (Missing ones are remembered, not counted) and how many are free. */
export interface VfCounts {
  total: number;
  available: number;
}

/** VF rows per PF and state, for the PFs given; a state with no VF is absent. */
export async function vfStateCounts(
  db: Db,
  pfIds: string[],
): Promise<Array<{ pfId: string; state: VfState; n: number }>> {
  if (pfIds.length === 0) return [];
  return db.$queryRaw<Array<{ pfId: string; state: VfState; n: number }>>`
    SELECT "pfId"::text AS "pfId", state, sum(n)::int AS n
    FROM "VfStateCount" WHERE "pfId" = ANY(${pfIds}::uuid[])
    GROUP BY "pfId", state HAVING sum(n) <> 0`;
}

/** VF counts per PF: a few rows per PF, never one per VF. */
export async function vfCountsByPf(db: Db, pfIds: string[]): Promise<Map<string, VfCounts>> {
  const counts = new Map<string, VfCounts>();
  for (const row of await vfStateCounts(db, pfIds)) {
    const c = counts.get(row.pfId) ?? { total: 0, available: 0 };
    if (row.state !== "Missing") c.total += row.n;
    if (row.state === "Available") c.available += row.n;
    counts.set(row.pfId, c);
  }
  return counts;
}

/** The VF counts of the PF aliased `p`, as columns `c.total` and `c.available`. */
const pfCounts = Prisma.sql`CROSS JOIN LATERAL (
      SELECT coalesce(sum(s.n) FILTER (WHERE s.state <> 'Missing'), 0) AS total,
             coalesce(sum(s.n) FILTER (WHERE s.state = 'Available'), 0) AS available
      FROM "VfStateCount" s WHERE s."pfId" = p.id) c`;

/**
 * The PFs (alias `p`) an interface name resolves to on their host: the PF of that name, or else
 * the slaves of the bond of that name (domain.md; the SQL twin of `resolveInterface`).
 */
export function resolvesTo(iface: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(p.name = ${iface} OR (p."bondName" = ${iface} AND NOT EXISTS (
    SELECT 1 FROM "PhysicalNic" d WHERE d."hostId" = p."hostId" AND d.name = ${iface})))`;
}

export interface InterfaceTotals {
  /** VFs present on the interface, over every host of the zone. */
  total: number;
  /** Free VFs on hosts that can hand them out: attached cluster, connected, IOMMU active. */
  available: number;
  /** Hosts with at least one of those free VFs. */
  offeringHosts: number;
}

/** R3 summed over a zone, in one statement: what an L2's interface offers. */
export async function interfaceTotals(
  db: Db,
  network: { zoneId: string; physicalInterface: string; attachedClusterIds: string[] },
): Promise<InterfaceTotals> {
  const iface = Prisma.sql`${network.physicalInterface}`;
  const offers = Prisma.sql`h."connectionState" = 'Connected' AND h."iommuActive" AND h."clusterId" = ANY(${network.attachedClusterIds}::uuid[])`;
  const [row] = await db.$queryRaw<InterfaceTotals[]>`
    SELECT coalesce(sum(c.total), 0)::int AS total,
           coalesce(sum(c.available) FILTER (WHERE ${offers}), 0)::int AS available,
           count(DISTINCT h.id) FILTER (WHERE ${offers} AND c.available > 0)::int AS "offeringHosts"
    FROM "PhysicalNic" p
    JOIN "Host" h ON h.id = p."hostId"
    JOIN "Cluster" cl ON cl.id = h."clusterId" AND cl."zoneId" = ${network.zoneId}::uuid
    ${pfCounts}
    WHERE ${resolvesTo(iface)}`;
  return row ?? { total: 0, available: 0, offeringHosts: 0 };
}

export interface L2Totals {
  l2Id: string;
  /** Hosts in attached clusters whose interface resolves to at least one PF. */
  hosts: number;
  vfTotal: number;
  vfAvailable: number;
}

/** Per L2, over the hosts of its attached clusters: the SR-IOV overview's L2 rows. */
export async function l2Totals(db: Db, l2Ids: string[]): Promise<Map<string, L2Totals>> {
  if (l2Ids.length === 0) return new Map();
  const rows = await db.$queryRaw<L2Totals[]>`
    SELECT l2.id::text AS "l2Id", count(DISTINCT p."hostId")::int AS hosts,
           coalesce(sum(c.total), 0)::int AS "vfTotal", coalesce(sum(c.available), 0)::int AS "vfAvailable"
    FROM "L2Network" l2
    JOIN "L2ClusterAttachment" a ON a."l2Id" = l2.id
    JOIN "Host" h ON h."clusterId" = a."clusterId"
    JOIN "PhysicalNic" p ON p."hostId" = h.id
    ${pfCounts}
    WHERE l2.id = ANY(${l2Ids}::uuid[]) AND ${resolvesTo(Prisma.sql`l2."physicalInterface"`)}
    GROUP BY l2.id`;
  return new Map(rows.map((row) => [row.l2Id, row]));
}

/** VF NICs per L2, over its L3s. */
export async function vfNicsByL2(db: Db, l2Ids: string[]): Promise<Map<string, number>> {
  if (l2Ids.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ l2Id: string; n: number }>>`
    SELECT l3."l2Id"::text AS "l2Id", count(*)::int AS n
    FROM "VmNic" n JOIN "L3Network" l3 ON l3.id = n."l3Id"
    WHERE n.type = 'VF' AND l3."l2Id" = ANY(${l2Ids}::uuid[]) GROUP BY l3."l2Id"`;
  return new Map(rows.map((row) => [row.l2Id, row.n]));
}

/**
 * Folds the VF count differences appended since the last run into one row per PF and state
 * (vf_state_counts_compact, in the database), a batch of PFs per statement so that no statement
 * holds many rows; returns how many PFs it folded. Safe to run from several workers at once.
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
