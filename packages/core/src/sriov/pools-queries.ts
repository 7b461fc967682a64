import { z } from "zod";
import { Prisma, queryRows, type Db } from "@virtfn/db";
import type { PlacementPool } from "./pools-placement";

// Reads for VF pools that stay flat in the number of VFs: they read one row per pool and count
// the free VFs of its range through the (pfId, index) unique index, so the cost follows the pools
// and their sizes, never the fleet. A fleet without pools pays one index probe per PF.
// Through the pool (queryRows), not Prisma, whose raw statements cost milliseconds of Node CPU
// each (issue 9: sriov/capacity.ts).

const int = z.number().int();

/** A pool as poolFacts' JSON carries it. */
export const placementPool = z.object({
  name: z.string(),
  l2Ids: z.array(z.string()),
  projectIds: z.array(z.string()),
  availableVfs: int,
}) satisfies z.ZodType<PlacementPool>;

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

/** Per L2: what VF pools keep from it, to take off the sums that count every free VF. */
export interface PoolWithheld {
  /** Free VFs in pools not open to it, on hosts not in maintenance in its attached clusters. */
  free: number;
  /** Of those, the ones on hosts a create could use (connected, IOMMU active). */
  offering: number;
  /** Hosts a create could use whose every free VF on the L2's interface is in such pools. */
  offeringHostsLost: number;
}

/**
 * Per L2: the free VFs that pools keep from a VF NIC on it, over the hosts of its attached
 * clusters that are not in maintenance, the PF resolved from the L2's interface. With a project,
 * pools that name other projects keep theirs too (the create form); without one, only pools of
 * other L2s do (the totals, as R3 per host says it: sriov/availability.ts). What the readers take
 * off "ClusterVfCount"/"L2VfCount", which count every free VF, pooled or not.
 */
export async function poolWithheldByL2(
  db: Db,
  l2Ids: string[],
  projectId: string | null,
): Promise<Map<string, PoolWithheld>> {
  if (l2Ids.length === 0) return new Map();
  // Driven from the pools (few, fleet-wide), so that a fleet without pools reads nothing else.
  const rows = await queryRows(
    db,
    Prisma.sql`
    WITH pools AS MATERIALIZED (SELECT * FROM "VfPool"),
    closed AS (
      SELECT l2.id AS "l2Id", pf."hostId", l2."physicalInterface" AS iface, free.n,
             (h."connectionState" = 'Connected' AND h."iommuActive") AS offering
      FROM pools p
      JOIN "PhysicalNic" pf ON pf.id = p."pfId"
      JOIN "Host" h ON h.id = pf."hostId" AND NOT h.maintenance
      JOIN "L2Network" l2
        ON l2.id = ANY (${l2Ids}::uuid[])
           AND (pf.name = l2."physicalInterface"
                OR (pf."bondName" = l2."physicalInterface"
                    AND NOT EXISTS (SELECT 1 FROM "PhysicalNic" d
                                    WHERE d."hostId" = pf."hostId" AND d.name = l2."physicalInterface")))
      JOIN "L2ClusterAttachment" a ON a."l2Id" = l2.id AND a."clusterId" = h."clusterId"
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS n FROM "VirtualFunction" vf
        WHERE vf."pfId" = p."pfId" AND vf.index BETWEEN p."firstIndex" AND p."lastIndex"
          AND vf.state = 'Available') free
      WHERE NOT (l2.id = ANY (p."l2Ids")
                 AND (${projectId}::uuid IS NULL OR cardinality(p."projectIds") = 0
                      OR ${projectId}::uuid = ANY (p."projectIds")))
    ),
    per_host AS (
      SELECT "l2Id", "hostId", iface, bool_or(offering) AS offering, sum(n)::int AS withheld
      FROM closed GROUP BY "l2Id", "hostId", iface
    )
    SELECT h."l2Id"::text AS "l2Id", sum(h.withheld)::int AS free,
           coalesce(sum(h.withheld) FILTER (WHERE h.offering), 0)::int AS offering,
           count(*) FILTER (WHERE h.offering AND h.withheld > 0 AND host_free.n <= h.withheld)::int
             AS "offeringHostsLost"
    FROM per_host h
    -- The host's free VFs on the interface, pooled or not, from the kept counts.
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(s.n), 0)::int AS n
      FROM "PhysicalNic" r JOIN "VfStateCount" s ON s."pfId" = r.id AND s.state = 'Available'
      WHERE r."hostId" = h."hostId"
        AND (r.name = h.iface
             OR (r."bondName" = h.iface
                 AND NOT EXISTS (SELECT 1 FROM "PhysicalNic" d WHERE d."hostId" = r."hostId" AND d.name = h.iface)))
    ) host_free
    GROUP BY h."l2Id"`,
  );
  const row = z.object({ l2Id: z.string(), free: int, offering: int, offeringHostsLost: int });
  return new Map(
    z
      .array(row)
      .parse(rows)
      .map(({ l2Id, ...withheld }) => [l2Id, withheld]),
  );
}

export interface VfPoolCounts {
  total: number;
  available: number;
  inUse: number;
}

/** Per pool: its VFs present (not Missing), free, and held or on their way to a VM. */
export async function poolCounts(db: Db, poolIds: string[]): Promise<Map<string, VfPoolCounts>> {
  if (poolIds.length === 0) return new Map();
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT p.id::text AS id,
           count(vf.id) FILTER (WHERE vf.state <> 'Missing')::int AS total,
           count(vf.id) FILTER (WHERE vf.state = 'Available')::int AS available,
           count(vf.id) FILTER (WHERE vf.state IN ('Reserved', 'Attached', 'Releasing'))::int AS "inUse"
    FROM "VfPool" p
    LEFT JOIN "VirtualFunction" vf
      ON vf."pfId" = p."pfId" AND vf.index BETWEEN p."firstIndex" AND p."lastIndex"
    WHERE p.id = ANY (${poolIds}::uuid[])
    GROUP BY p.id`,
  );
  const row = z.object({ id: z.string(), total: int, available: int, inUse: int });
  return new Map(
    z
      .array(row)
      .parse(rows)
      .map(({ id, ...counts }) => [id, counts]),
  );
}

/** Per PF that has pools: its pools as placement reads them (who they admit, free VFs). */
export async function poolsByPf(db: Db, pfIds: string[]): Promise<Map<string, PlacementPool[]>> {
  if (pfIds.length === 0) return new Map();
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT pf.id::text AS id, ${poolFacts}
    FROM "PhysicalNic" pf
    WHERE pf.id = ANY (${pfIds}::uuid[]) AND EXISTS (SELECT 1 FROM "VfPool" p WHERE p."pfId" = pf.id)`,
  );
  return new Map(
    z
      .array(z.object({ id: z.string(), pools: z.array(placementPool).nullable() }))
      .parse(rows)
      .flatMap((row) => (row.pools ? [[row.id, row.pools] as const] : [])),
  );
}
