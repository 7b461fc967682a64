import { executeSql, Prisma, type AuditOutcome, type SqlClient } from "@virtfn/db";
import type { Actor } from "../shared/actor";

export interface AuditRecord {
  action: string;
  targetType: string;
  targetId?: string | null;
  projectId?: string | null;
  outcome: AuditOutcome;
  errorCode?: string;
  details?: Prisma.InputJsonValue;
}

/**
 * An INSERT of one audit event, one per row of `from` (one row when `from` is left out): a
 * command that is a single statement writes its event in a WITH clause of that statement.
 */
export function insertAuditSql(
  actor: Actor | null,
  record: AuditRecord,
  from: Prisma.Sql = Prisma.empty,
): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "AuditEvent" ("actorId", "actorName", "apiKeyId", "sourceIp", action, "targetType",
                              "targetId", "projectId", outcome, "errorCode", details)
    SELECT ${actor?.userId ?? null}::uuid, ${actor ? actor.username : "system"},
           ${actor?.apiKeyId ?? null}::uuid, ${actor?.sourceIp ?? null}, ${record.action},
           ${record.targetType}, ${record.targetId ?? null}, ${record.projectId ?? null}::uuid,
           ${record.outcome}::"AuditOutcome", ${record.errorCode ?? null},
           ${JSON.stringify(record.details ?? {})}::jsonb
    ${from}`;
}

/**
 * Every mutation leaves an audit event, in the same transaction as the change it describes.
 * One INSERT without RETURNING: Prisma's create reads the row back, which nobody here needs.
 */
export async function recordAudit(
  db: SqlClient,
  actor: Actor | null,
  record: AuditRecord,
): Promise<void> {
  await executeSql(db, insertAuditSql(actor, record));
}
