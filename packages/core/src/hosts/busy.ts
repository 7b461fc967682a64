import { z } from "zod";
import { Prisma, queryRows, type DbOrTx, type SqlClient } from "@virtfn/db";
import type { ActiveOperation } from "../sriov/rules";

// What makes a host or a PF busy, read the same way by the commands (which refuse with
// checkIdle) and by the queries (which grey the buttons out with the same verdict).

const activeOperationRow = z.object({ id: z.string(), kind: z.string(), targetName: z.string() });

/**
 * The oldest operation running on any of these targets, if any. A plain statement: every split
 * and restore request asks inside its transaction (Prisma's findFirst costs more CPU).
 */
export async function activeOperationOn(
  db: SqlClient,
  targetIds: string[],
): Promise<ActiveOperation | null> {
  const [row] = await queryRows(
    db,
    Prisma.sql`
    SELECT id::text AS id, kind, "targetName"
      FROM "Operation"
     WHERE "targetId" = ANY(${targetIds}::text[]) AND status IN ('Pending', 'Running')
     ORDER BY "createdAt" ASC
     LIMIT 1`,
  );
  return row === undefined ? null : activeOperationRow.parse(row);
}

/** The host's own operation, or else one on any of its PFs (a split holds the host too). */
export async function activeOperationOnHost(
  db: DbOrTx,
  hostId: string,
): Promise<ActiveOperation | null> {
  const pfs = await db.physicalNic.findMany({ where: { hostId }, select: { id: true } });
  return activeOperationOn(db, [hostId, ...pfs.map((pf) => pf.id)]);
}

/**
 * Active operations per target, for a page of hosts and PFs in one statement through the pool
 * (queryRows: Prisma 6.19 compiles each query on the event loop, issue 9): the oldest one per
 * target, as activeOperationOn has it.
 */
export async function activeOperationsByTarget(
  db: DbOrTx,
  targetIds: string[],
): Promise<Map<string, ActiveOperation>> {
  if (targetIds.length === 0) return new Map();
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT DISTINCT ON ("targetId") "targetId", id::text AS id, kind, "targetName"
      FROM "Operation"
     WHERE "targetId" = ANY(${targetIds}::text[]) AND status IN ('Pending', 'Running')
     ORDER BY "targetId", "createdAt" ASC`,
  );
  const row = activeOperationRow.extend({ targetId: z.string() });
  return new Map(
    z
      .array(row)
      .parse(rows)
      .map(({ targetId, ...active }) => [targetId, active]),
  );
}
