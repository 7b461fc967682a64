import { Prisma } from "@virtfn/db";

/**
 * Whether an operation is in flight on a host or on one of its PFs (a split, a restore, a
 * reapply), as an SQL condition on the host id `hostId`. A reconcile leaves such a host alone: a
 * snapshot taken during a split shows fewer VFs than desired, and recording it (after the split
 * has written the VFs it read back) would start a needless pf.reapply that then holds the PF.
 */
export function operationHoldsHost(hostId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(EXISTS (SELECT 1 FROM "Operation" o
                              WHERE o."targetType" = 'Host' AND o."targetId" = ${hostId}::text
                                AND o.status IN ('Pending', 'Running'))
                     OR EXISTS (SELECT 1 FROM "PhysicalNic" p
                                  JOIN "Operation" o ON o."targetType" = 'PhysicalNic'
                                                    AND o."targetId" = p.id::text
                                 WHERE p."hostId" = ${hostId}
                                   AND o.status IN ('Pending', 'Running')))`;
}
