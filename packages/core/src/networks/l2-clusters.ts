import { Prisma, type Db } from "@virtfn/db";
import { requireInventoryReader, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
import { pageWindow, toPage, type Page } from "../shared/pagination";
import { rowCounts, type RowCountKind } from "../shared/row-counts";
import { l2ClustersInput, type L2ClustersInput } from "./schemas";

// The clusters an L2 is attached to. An L2 can be attached to every cluster of its zone
// (hundreds): an L2 row carries how many and the first few by name, whose read does not grow
// with them; the L2 page lists them all a page at a time (listL2Clusters).

/** How many attached clusters an L2 row names; the rest are counted (clusterCount). */
export const L2_CLUSTERS_NAMED = 5;

export interface L2Clusters {
  /** The first L2_CLUSTERS_NAMED attached clusters, by name. */
  clusters: Array<{ id: string; name: string }>;
  clusterCount: number;
}

/**
 * An L2's attached clusters' count and the first few by name, as two columns ("clusterCount",
 * "clusters": json) of a statement over L2 ids `l2Id`: part of the L2 rows' one usage statement.
 */
export function l2ClusterColumns(l2Id: Prisma.Sql): Prisma.Sql {
  const kind: RowCountKind = "L2ClusterAttachment.l2Id";
  // The count from "RowCount"; the names by walking the zone's clusters in name order (its unique
  // index) and probing each for an attachment, which stops after a few when the L2 spans the zone.
  // An L2 is attached only to clusters of its own zone (requireClustersInZone).
  return Prisma.sql`
    COALESCE((SELECT sum(r.n)::int FROM "RowCount" r
               WHERE r.kind = ${kind} AND r."parentId" = ${l2Id}), 0) AS "clusterCount",
    COALESCE((SELECT json_agg(json_build_object('id', f.id, 'name', f.name) ORDER BY f.name)
                FROM (SELECT c.id::text AS id, c.name
                        FROM "Cluster" c
                       WHERE c."zoneId" = (SELECT z."zoneId" FROM "L2Network" z WHERE z.id = ${l2Id})
                         AND EXISTS (SELECT 1 FROM "L2ClusterAttachment" a
                                      WHERE a."l2Id" = ${l2Id} AND a."clusterId" = c.id)
                       ORDER BY c.name
                       LIMIT ${L2_CLUSTERS_NAMED}) f), '[]'::json) AS clusters`;
}

export interface L2ClusterView {
  id: string;
  name: string;
  hostCount: number;
}

/** The clusters an L2 is attached to, by name, a page at a time, with their host counts. */
export async function listL2Clusters(
  db: Db,
  actor: Actor,
  rawInput: L2ClustersInput,
): Promise<Page<L2ClusterView>> {
  requireInventoryReader(actor);
  const input = l2ClustersInput.parse(rawInput);
  const where = { l2Id: input.l2Id };
  const [l2, rows, total] = await Promise.all([
    db.l2Network.findUnique({ where: { id: input.l2Id }, select: { id: true } }),
    db.l2ClusterAttachment.findMany({
      where,
      select: { cluster: { select: { id: true, name: true } } },
      orderBy: [{ cluster: { name: "asc" } }, { clusterId: "asc" }],
      ...pageWindow(input),
    }),
    db.l2ClusterAttachment.count({ where }),
  ]);
  if (!l2) throw notFound("L2 network", input.l2Id);
  const clusters = rows.map((row) => row.cluster);
  const hosts = await rowCounts(
    db,
    "Host.clusterId",
    clusters.map((cluster) => cluster.id),
  );
  return toPage(
    clusters.map((cluster) => ({ ...cluster, hostCount: hosts.get(cluster.id) ?? 0 })),
    total,
    input,
  );
}
