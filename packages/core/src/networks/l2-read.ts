import { z } from "zod";
import { Prisma, queryRows, type DbOrTx } from "@virtfn/db";
import { L2Type } from "@virtfn/db/enums";
import { vfNicsOfL2 } from "../sriov/capacity";
import { l2ClusterColumns, type L2Clusters } from "./l2-clusters";

// What an L2 view is made of: its row as the commands read it (l2Include), and its usage (the L3
// names and VF NICs its verdicts need, its clusters). The read paths take both, and a page's
// total, from one statement through the pool (queryRows): Prisma 6.19's client engine compiles
// every query in WebAssembly on the event loop, and an L2 detail was four of them and two raw
// statements, about 7 ms of Node CPU against well under 1 ms in Postgres (issue 9).

const NAMED_L3S = 10;

export const l2Include = {
  zone: { select: { name: true } },
  vxlanPool: { select: { name: true } },
  _count: { select: { l3Networks: true } },
  // R2's reason names the L3s that keep SR-IOV on; a few names are enough to say which.
  l3Networks: {
    where: { sriovEnabled: true },
    select: { name: true },
    orderBy: { name: "asc" },
    take: NAMED_L3S,
  },
} satisfies Prisma.L2NetworkInclude;

export type L2Row = Prisma.L2NetworkGetPayload<{ include: typeof l2Include }>;

export interface L2Usage extends L2Clusters {
  l3Names: string[];
  vfNics: number;
}

export const NO_USAGE: L2Usage = { l3Names: [], vfNics: 0, clusters: [], clusterCount: 0 };

/** The usage columns of the L2 whose id is `l.id`. */
const usageColumns = Prisma.sql`
  ARRAY(SELECT l3.name FROM "L3Network" l3 WHERE l3."l2Id" = l.id
         ORDER BY l3.name LIMIT ${NAMED_L3S}) AS "l3Names",
  ${vfNicsOfL2(Prisma.sql`l.id`)} AS "vfNics",
  ${l2ClusterColumns(Prisma.sql`l.id`)}`;

const usageRow = z.object({
  l3Names: z.array(z.string()),
  vfNics: z.number().int(),
  clusterCount: z.number().int(),
  clusters: z.array(z.object({ id: z.string(), name: z.string() })),
});

/** The usage of these L2s (after a command, whose row Prisma read), in one statement. */
export async function usageOf(db: DbOrTx, ids: string[]): Promise<Map<string, L2Usage>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows(
    db,
    Prisma.sql`SELECT l.id::text AS "l2Id", ${usageColumns} FROM unnest(${ids}::uuid[]) AS l(id)`,
  );
  return new Map(
    z
      .array(usageRow.extend({ l2Id: z.string() }))
      .parse(rows)
      .map(({ l2Id, ...usage }) => [l2Id, usage]),
  );
}

/** A timestamp column sent as timestamptz JSON text (with its offset), read back as a Date. */
const timestamp = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

const l2RowJson = z.object({
  id: z.string(),
  zoneId: z.string(),
  name: z.string(),
  description: z.string(),
  type: z.enum(L2Type),
  vlanId: z.number().int().nullable(),
  vxlanPoolId: z.string().nullable(),
  vni: z.number().int().nullable(),
  physicalInterface: z.string(),
  sriovEnabled: z.boolean(),
  vfAllowTrust: z.boolean(),
  vfSpoofCheck: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
  zone: z.object({ name: z.string() }),
  vxlanPool: z.object({ name: z.string() }).nullable(),
  _count: z.object({ l3Networks: z.number().int() }),
  l3Networks: z.array(z.object({ name: z.string() })),
}) satisfies z.ZodType<L2Row>;

const pageRow = z.union([
  usageRow.extend({ total: z.number().int(), l2: l2RowJson }),
  // The one row an empty page still gets: it carries the total.
  z.object({ total: z.number().int(), l2: z.null() }),
]);

/**
 * The L2s `where` selects (a condition on `l`, an "L2Network" row), ordered and windowed, with
 * their usage and their count, in one statement.
 */
export async function readL2s(
  db: DbOrTx,
  where: Prisma.Sql,
  order: { sort: "name" | "createdAt" | "type"; order: "asc" | "desc" },
  window: { skip: number; take: number },
): Promise<{ rows: Array<{ row: L2Row; usage: L2Usage }>; total: number }> {
  // Both come from zod enums: identifiers, never client text.
  const direction = order.order === "desc" ? "DESC" : "ASC";
  const by = Prisma.raw(`"${order.sort}" ${direction}, id ASC`);
  const rows = await queryRows(
    db,
    Prisma.sql`
    WITH matching AS (SELECT l.* FROM "L2Network" l WHERE ${where}),
         page AS (SELECT * FROM matching ORDER BY ${by} OFFSET ${window.skip} LIMIT ${window.take})
    SELECT t.total,
           CASE WHEN page.id IS NOT NULL THEN json_build_object(
             'id', page.id, 'zoneId', page."zoneId", 'name', page.name,
             'description', page.description, 'type', page.type, 'vlanId', page."vlanId",
             'vxlanPoolId', page."vxlanPoolId", 'vni', page.vni,
             'physicalInterface', page."physicalInterface", 'sriovEnabled', page."sriovEnabled",
             'vfAllowTrust', page."vfAllowTrust", 'vfSpoofCheck', page."vfSpoofCheck",
             'createdAt', page."createdAt" AT TIME ZONE 'UTC',
             'updatedAt', page."updatedAt" AT TIME ZONE 'UTC',
             'zone', (SELECT json_build_object('name', z.name) FROM "Zone" z WHERE z.id = page."zoneId"),
             'vxlanPool', (SELECT json_build_object('name', v.name) FROM "VxlanPool" v
                            WHERE v.id = page."vxlanPoolId"),
             '_count', json_build_object('l3Networks',
               (SELECT count(*) FROM "L3Network" l3 WHERE l3."l2Id" = page.id)),
             'l3Networks', COALESCE((SELECT json_agg(json_build_object('name', s.name) ORDER BY s.name)
                                       FROM (SELECT l3.name FROM "L3Network" l3
                                              WHERE l3."l2Id" = page.id AND l3."sriovEnabled"
                                              ORDER BY l3.name LIMIT ${NAMED_L3S}) s), '[]'::json))
           END AS l2,
           l.*
      FROM (SELECT count(*)::int AS total FROM matching) t
      LEFT JOIN page ON true
      LEFT JOIN LATERAL (SELECT ${usageColumns} FROM (SELECT page.id) AS l(id)) l ON page.id IS NOT NULL
     ORDER BY ${Prisma.raw(`page."${order.sort}" ${direction}, page.id ASC`)}`,
  );
  const parsed = z.array(pageRow).parse(rows);
  return {
    rows: parsed.flatMap((row) =>
      row.l2 === null
        ? []
        : [
            {
              row: row.l2,
              usage: {
                l3Names: row.l3Names,
                vfNics: row.vfNics,
                clusterCount: row.clusterCount,
                clusters: row.clusters,
              },
            },
          ],
    ),
    total: parsed[0]?.total ?? 0,
  };
}
