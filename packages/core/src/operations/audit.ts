import type { AuditOutcome, DbOrTx, Prisma } from "@virtfn/db";
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

/** Every mutation leaves an audit event, in the same transaction as the change it describes. */
export async function recordAudit(
  db: DbOrTx,
  actor: Actor | null,
  record: AuditRecord,
): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorId: actor?.userId ?? null,
      actorName: actor ? actor.username : "system",
      apiKeyId: actor?.apiKeyId ?? null,
      sourceIp: actor?.sourceIp ?? null,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId ?? null,
      projectId: record.projectId ?? null,
      outcome: record.outcome,
      errorCode: record.errorCode ?? null,
      details: record.details ?? {},
    },
  });
}
