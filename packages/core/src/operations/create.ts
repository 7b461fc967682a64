import { Prisma, queryRows, type Operation, type SqlClient } from "@virtfn/db";
import { z } from "zod";
import type { Actor } from "../shared/actor";
import { DomainError, ErrorCode } from "../shared/errors";
import { OperationKinds, type OperationKind } from "./kinds";
import { OPERATION_ROW } from "./lifecycle";

export interface NewOperation {
  kind: OperationKind;
  targetType: string;
  targetId: string;
  targetName: string;
  projectId?: string | null;
  input?: Prisma.InputJsonValue;
}

/**
 * An operation whose target is read by the same statement: targetId and targetName may be
 * column references of the row source `from` names (for example `marked.name`).
 */
export interface NewOperationFrom extends Omit<NewOperation, "targetId" | "targetName"> {
  targetId: string | Prisma.Sql;
  targetName: string | Prisma.Sql;
}

/**
 * The body of a WITH clause named `op` that writes an Operation row, one per row of `from` (one
 * row when `from` is left out). `ON CONFLICT … DO NOTHING` on the one-active-operation index
 * answers a busy target with no row instead of an error, so the transaction stays usable.
 */
export function insertOperationSql(
  actor: Actor | null,
  operation: NewOperationFrom,
  from: Prisma.Sql = Prisma.empty,
): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "Operation" (kind, "targetType", "targetId", "targetName", "projectId", "requesterId", input, "updatedAt")
    SELECT ${operation.kind}, ${operation.targetType}, ${operation.targetId}, ${operation.targetName},
           ${operation.projectId ?? null}::uuid, ${actor?.userId ?? null}::uuid,
           ${JSON.stringify(operation.input ?? {})}::jsonb, now()
    ${from}
    ON CONFLICT ("targetType", "targetId") WHERE status IN ('Pending', 'Running') DO NOTHING
    RETURNING *`;
}

/**
 * The statement's last part, after a WITH clause `op` (insertOperationSql): the operation's
 * outbox entry, written by virtfn_enqueue (a function because the entry's NOTIFY rule forbids
 * inserting it from a WITH clause), and the operation row as the statement's answer, as Prisma
 * reads it whether the statement goes through Prisma or through the pool (OPERATION_ROW).
 */
export function enqueueOperationSql(kind: OperationKind): Prisma.Sql {
  return Prisma.sql`
    SELECT ${OPERATION_ROW}
      FROM op CROSS JOIN LATERAL (SELECT virtfn_enqueue(op.id, ${OperationKinds[kind]})) AS queued`;
}

const activeRow = z.object({ id: z.string(), kind: z.string() });

/** The refusal for a target that already has an operation running, naming that operation. */
export async function operationInProgress(
  db: SqlClient,
  target: { targetType: string; targetId: string; targetName: string },
): Promise<DomainError> {
  const [row] = await queryRows(
    db,
    Prisma.sql`
    SELECT id::text AS id, kind FROM "Operation"
     WHERE "targetType" = ${target.targetType} AND "targetId" = ${target.targetId}
       AND status IN ('Pending', 'Running')
     LIMIT 1`,
  );
  const active = row === undefined ? null : activeRow.parse(row);
  return new DomainError(
    ErrorCode.OPERATION_IN_PROGRESS,
    "CONFLICT",
    `${target.targetType} ${target.targetName} is busy with another operation (${active?.kind ?? "unknown"}); wait for it to finish.`,
    { operationId: active?.id ?? null },
  );
}

/**
 * Writes the Operation row and its outbox entry. Call it inside the transaction that makes the
 * change, so that the change, the operation and the promise to run it commit together.
 * One statement (insertOperationSql, enqueueOperationSql): one round trip, not two.
 */
export async function createOperation(
  tx: SqlClient,
  actor: Actor | null,
  operation: NewOperation,
  /**
   * More WITH clauses written by the same statement, after `op` (which they may read: an audit
   * event `FROM op`). They run whether or not the operation was written; a busy target throws,
   * so the caller's transaction rolls them back.
   */
  alongside: Prisma.Sql = Prisma.empty,
): Promise<Operation> {
  const more = alongside === Prisma.empty ? Prisma.empty : Prisma.sql`, ${alongside}`;
  const [created] = await queryRows(
    tx,
    Prisma.sql`
    WITH op AS (${insertOperationSql(actor, operation)})${more}
    ${enqueueOperationSql(operation.kind)}`,
  );
  if (!created) throw await operationInProgress(tx, operation);
  // The columns are the table's own, named as Prisma names them (OPERATION_ROW).
  return created as Operation;
}
