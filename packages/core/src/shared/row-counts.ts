import type { Db, DbOrTx } from "@virtfn/db";

// Child-row counts from "RowCount" (see its migration): per parent, the database keeps signed
// differences that sum to the number of child rows, so a list shows "VMs: 12,000" from a few index
// entries per parent instead of counting 12,000 rows on every read.

/** What "RowCount" counts: the child table and column that names the parent. */
export type RowCountKind =
  | "Vm.offeringId"
  | "Vm.imageId"
  | "Vm.projectId"
  | "VmNic.l3Id"
  /** VF NICs only. */
  | "VmNic.l3Id.VF"
  | "Host.clusterId"
  | "L2ClusterAttachment.l2Id";

/** The count per parent id; a parent with no child row is absent (read it as 0). */
export async function rowCounts(
  db: DbOrTx,
  kind: RowCountKind,
  parentIds: string[],
): Promise<Map<string, number>> {
  if (parentIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ parentId: string; n: number }>>`
    SELECT "parentId"::text AS "parentId", sum(n)::int AS n
    FROM "RowCount" WHERE kind = ${kind} AND "parentId" = ANY(${parentIds}::uuid[])
    GROUP BY "parentId"`;
  return new Map(rows.map((row) => [row.parentId, row.n]));
}

/**
 * Folds the differences appended since the last run into one row per kind and parent
 * (row_counts_compact, in the database), `batch` parents per statement; returns how many it
 * folded. One runs at a time (another call meanwhile returns 0); readers are exact without it.
 */
export async function compactRowCounts(db: Db, batch = 500, maxBatches = 100): Promise<number> {
  let folded = 0;
  for (let i = 0; i < maxBatches; i++) {
    const [row] = await db.$queryRaw<
      [{ n: number }]
    >`SELECT row_counts_compact(${batch}::int) AS n`;
    folded += row.n;
    if (row.n < batch) break;
  }
  return folded;
}
