import { Prisma, type Db } from "@virtfn/db";

// VF counting in SQL. Every read path counts VFs here, with GROUP BY / count(*) FILTER over the
// (pfId, state) index, and passes ids as one array parameter: no read path loads VF rows to count
// them, and none builds an IN list that grows with the fleet.

/** VFs of a PF that exist now (Missing ones are remembered, not counted) and how many are free. */
export interface VfCounts {
  total: number;
  available: number;
}

/** VF counts per PF: one row per PF, never one per VF. */
export async function vfCountsByPf(db: Db, pfIds: string[]): Promise<Map<string, VfCounts>> {
  if (pfIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ pfId: string; total: number; available: number }>>`
    SELECT "pfId"::text AS "pfId",
           count(*) FILTER (WHERE state <> 'Missing')::int AS total,
           count(*) FILTER (WHERE state = 'Available')::int AS available
    FROM "VirtualFunction" WHERE "pfId" = ANY(${pfIds}::uuid[]) GROUP BY "pfId"`;
  return new Map(rows.map((row) => [row.pfId, { total: row.total, available: row.available }]));
}

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
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE v.state <> 'Missing') AS total,
             count(*) FILTER (WHERE v.state = 'Available') AS available
      FROM "VirtualFunction" v WHERE v."pfId" = p.id) c
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
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE v.state <> 'Missing') AS total,
             count(*) FILTER (WHERE v.state = 'Available') AS available
      FROM "VirtualFunction" v WHERE v."pfId" = p.id) c
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
