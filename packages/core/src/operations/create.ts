import type { Operation, Prisma, Tx } from "@virtfn/db";
import type { Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
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
 */
export async function createOperation(
  tx: Tx,
  actor: Actor | null,
  operation: NewOperation,
): Promise<Operation> {
  // A savepoint keeps the caller's transaction usable when the one-active-operation index refuses.
  await tx.$executeRawUnsafe("SAVEPOINT create_operation");
  try {
    const created = await tx.operation.create({
      data: {
        kind: operation.kind,
        targetType: operation.targetType,
        targetId: operation.targetId,
        targetName: operation.targetName,
        projectId: operation.projectId ?? null,
        requesterId: actor?.userId ?? null,
        input: operation.input ?? {},
        outbox: { create: { queue: OperationKinds[operation.kind] } },
      },
    });
    await tx.$executeRawUnsafe("RELEASE SAVEPOINT create_operation");
    return created;
  } catch (error) {
    await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT create_operation");
    if (isUniqueViolation(error, "Operation_one_active_per_target")) {
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
    throw error;
  }
}
