import { Prisma } from "@virtfn/db";

/**
 * Whether an operation is in flight on a host or on one of its PFs (a split, a restore, a
 * reapply), as an SQL condition on the host id `hostId`. A reconcile leaves such a host alone: a
 * snapshot taken during a split shows fewer VFs than desired, and recording it (after the split
 * has written the VFs it read back) would start a needless pf.reapply that then holds the PF.
 */
export function operationHoldsHost(hostId: Prisma.Sql): Prisma.Sql {
  return operationOnHost(hostId, Prisma.sql`o.status IN ('Pending', 'Running')`);
}

/**
 * Whether an operation on the host or one of its PFs has been in flight at any time since
 * `since` (a timestamptz): still running, or finished since. A reconcile that found the host
 * idle at `since` writes nothing of its snapshot when this holds: the snapshot may predate what
 * that operation recorded (a split's read-back), and the operation's own record is newer.
 */
export function operationOnHostSince(hostId: Prisma.Sql, since: Date): Prisma.Sql {
  // "finishedAt" is compared as written (now(), in the session's time zone), so the two agree
  // whatever that zone is.
  return operationOnHost(
    hostId,
    Prisma.sql`(o.status IN ('Pending', 'Running') OR o."finishedAt" >= ${since}::timestamptz)`,
  );
}

function operationOnHost(hostId: Prisma.Sql, condition: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(EXISTS (SELECT 1 FROM "Operation" o
                              WHERE o."targetType" = 'Host' AND o."targetId" = ${hostId}::text
                                AND ${condition})
                     OR EXISTS (SELECT 1 FROM "PhysicalNic" p
                                  JOIN "Operation" o ON o."targetType" = 'PhysicalNic'
                                                    AND o."targetId" = p.id::text
                                 WHERE p."hostId" = ${hostId}
                                   AND ${condition}))`;
}
