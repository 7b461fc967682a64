import type { Operation, Prisma, Tx } from "@virtfn/db";
import type { Actor } from "../shared/actor";
import { DomainError, ErrorCode } from "../shared/errors";
import { OperationKinds, type OperationKind } from "./kinds";

export interface NewOperation {
  kind: OperationKind;
  targetType: string;
  targetId: string;
  targetName: string;
  projectId?: string | null;
  input?: Prisma.InputJsonValue;
}

/**
 * Writes the Operation row and its outbox entry. Call it inside the transaction that makes the
 * change, so that the change, the operation and the promise to run it commit together.
 * One statement: `ON CONFLICT … DO NOTHING` on the one-active-operation index answers a busy
 * target without an error, so the caller's transaction stays usable with no savepoint around it,
 * and the outbox entry is written by the same statement (virtfn_enqueue, a function because the
 * entry's NOTIFY rule forbids inserting it from a WITH clause), one round trip, not two.
 */
export async function createOperation(
  tx: Tx,
  actor: Actor | null,
  operation: NewOperation,
): Promise<Operation> {
  const [created] = await tx.$queryRaw<Operation[]>`
    WITH op AS (
    INSERT INTO "Operation" (kind, "targetType", "targetId", "targetName", "projectId", "requesterId", input, "updatedAt")
    VALUES (${operation.kind}, ${operation.targetType}, ${operation.targetId}, ${operation.targetName},
            ${operation.projectId ?? null}::uuid, ${actor?.userId ?? null}::uuid,
            ${JSON.stringify(operation.input ?? {})}::jsonb, now())
    ON CONFLICT ("targetType", "targetId") WHERE status IN ('Pending', 'Running') DO NOTHING
    RETURNING *)
    SELECT op.* FROM op CROSS JOIN LATERAL (SELECT virtfn_enqueue(op.id, ${OperationKinds[operation.kind]})) AS queued`;
  if (!created) {
    const active = await tx.operation.findFirst({
      where: {
        targetType: operation.targetType,
        targetId: operation.targetId,
        status: { in: ["Pending", "Running"] },
      },
      select: { id: true, kind: true },
    });
    throw new DomainError(
      ErrorCode.OPERATION_IN_PROGRESS,
      "CONFLICT",
      `${operation.targetType} ${operation.targetName} is busy with another operation (${active?.kind ?? "unknown"}); wait for it to finish.`,
      { operationId: active?.id ?? null },
    );
  }
  return created;
}
