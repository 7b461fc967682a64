import type { Tx } from "@virtfn/db";
import { isDomainError } from "../shared/errors";
import { createOperation } from "./create";
import type { OperationKind } from "./kinds";

/**
 * Asks for one kind of host repair (FDB, VF ports) to run now rather than at the next reconcile,
 * in the transaction that changed the desired state, so the change and the promise to apply it
 * commit together. A sync already pending for a host reads the rows when it runs, so it covers
 * this change too and no second one is queued. Its target type is apart from "Host", so it never
 * blocks host operations.
 */
export async function requestHostSync(
  tx: Tx,
  kind: OperationKind,
  targetType: string,
  hostIds: Iterable<string>,
): Promise<void> {
  for (const hostId of new Set(hostIds)) {
    const pending = await tx.operation.count({
      where: { targetType, targetId: hostId, status: "Pending" },
    });
    if (pending > 0) continue;
    const host = await tx.host.findUnique({ where: { id: hostId }, select: { name: true } });
    if (!host) continue;
    try {
      // The system's, not the requester's: a tenant's change must not show them a host.
      await createOperation(tx, null, {
        kind,
        targetType,
        targetId: hostId,
        targetName: host.name,
      });
    } catch (error) {
      // One is running: it may have read the rows before this change, so the reconciler's next
      // pass is what catches it (a sync queued behind a running one would be refused here).
      if (!isDomainError(error)) throw error;
    }
  }
}
