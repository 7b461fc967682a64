import { Prisma, type Db } from "@virtfn/db";
import type { PlacementPool } from "./pools-placement";

// Reads for VF pools that stay flat in the number of VFs: they read one row per pool and count
// the free VFs of its range through the (pfId, index) unique index, so the cost follows the pools
// and their sizes, never the fleet. A fleet without pools pays one index probe per PF.

/**
 * The `pools` column of placement's PF facts (vms/scheduler.ts), over the alias `pf`: its pools
 * with who they admit and their free VFs, or null when it has none.
 */
export const poolFacts = Prisma.sql`(
  SELECT jsonb_agg(jsonb_build_object(
           'name', p.name, 'l2Ids', to_jsonb(p."l2Ids"), 'projectIds', to_jsonb(p."projectIds"),
           'availableVfs', (SELECT count(*)::int FROM "VirtualFunction" vf
                            WHERE vf."pfId" = p."pfId" AND vf.index BETWEEN p."firstIndex" AND p."lastIndex"
                              AND vf.state = 'Available')) ORDER BY p."firstIndex")
  FROM "VfPool" p WHERE p."pfId" = pf.id) AS pools`;

/**
 * Per L2: the free VFs that pools keep from a VF NIC of this project on it, over the hosts a
 * create could use (connected, IOMMU active, in a cluster attached to the L2, the PF resolved
 * from the L2's interface). What the create form subtracts from L2VfCount's offeringAvailable,
 * which counts every free VF, pooled or not.
 */
export async function poolWithheldByL2(
  db: Db,
  l2Ids: string[],
  projectId: string,
): Promise<Map<string, number>> {
  if (l2Ids.length === 0) return new Map();
  // Driven from the pools (few, fleet-wide), so that a fleet without pools reads nothing else.
  const rows = await db.$queryRaw<Array<{ l2Id: string; withheld: number }>>`
    WITH pools AS MATERIALIZED (SELECT * FROM "VfPool")
    SELECT l2.id::text AS "l2Id", sum(free.n)::int AS withheld
    FROM pools p
    JOIN "PhysicalNic" pf ON pf.id = p."pfId"
    JOIN "Host" h ON h.id = pf."hostId" AND h."connectionState" = 'Connected' AND h."iommuActive"
    JOIN "L2Network" l2
      ON l2.id = ANY (${l2Ids}::uuid[])
         AND (pf.name = l2."physicalInterface"
              OR (pf."bondName" = l2."physicalInterface"
                  AND NOT EXISTS (SELECT 1 FROM "PhysicalNic" d
                                  WHERE d."hostId" = pf."hostId" AND d.name = l2."physicalInterface")))
    JOIN "L2ClusterAttachment" a ON a."l2Id" = l2.id AND a."clusterId" = h."clusterId"
    CROSS JOIN LATERAL (
      SELECT count(*) AS n FROM "VirtualFunction" vf
      WHERE vf."pfId" = p."pfId" AND vf.index BETWEEN p."firstIndex" AND p."lastIndex"
        AND vf.state = 'Available') free
    WHERE NOT (l2.id = ANY (p."l2Ids")
               AND (cardinality(p."projectIds") = 0 OR ${projectId}::uuid = ANY (p."projectIds")))
    GROUP BY l2.id`;
  return new Map(rows.map((row) => [row.l2Id, row.withheld]));
}

export interface VfPoolCounts {
  total: number;
  available: number;
  inUse: number;
}

/** Per pool: its VFs present (not Missing), free, and held or on their way to a VM. */
export async function poolCounts(db: Db, poolIds: string[]): Promise<Map<string, VfPoolCounts>> {
  if (poolIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<VfPoolCounts & { id: string }>>`
    SELECT p.id::text AS id,
           count(vf.id) FILTER (WHERE vf.state <> 'Missing')::int AS total,
           count(vf.id) FILTER (WHERE vf.state = 'Available')::int AS available,
           count(vf.id) FILTER (WHERE vf.state IN ('Reserved', 'Attached', 'Releasing'))::int AS "inUse"
    FROM "VfPool" p
    LEFT JOIN "VirtualFunction" vf
      ON vf."pfId" = p."pfId" AND vf.index BETWEEN p."firstIndex" AND p."lastIndex"
    WHERE p.id = ANY (${poolIds}::uuid[])
    GROUP BY p.id`;
  return new Map(rows.map(({ id, ...counts }) => [id, counts]));
}

/** Per PF that has pools: its pools as placement reads them (who they admit, free VFs). */
export async function poolsByPf(db: Db, pfIds: string[]): Promise<Map<string, PlacementPool[]>> {
  if (pfIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ id: string; pools: PlacementPool[] | null }>>`
    SELECT pf.id::text AS id, ${poolFacts}
    FROM "PhysicalNic" pf
    WHERE pf.id = ANY (${pfIds}::uuid[]) AND EXISTS (SELECT 1 FROM "VfPool" p WHERE p."pfId" = pf.id)`;
  return new Map(rows.flatMap((row) => (row.pools ? [[row.id, row.pools] as const] : [])));
}
