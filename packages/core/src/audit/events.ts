import { z } from "zod";
import { AuditOutcome, type Db, type Prisma } from "@virtfn/db";
import { canSeeInventory, type Actor } from "../shared/actor";
import {
  keysetTotal,
  keysetOrder,
  keysetPage,
  keysetTake,
  keysetWhere,
  pageInput,
  projectCountOrder,
  sortOrder,
  type Keyset,
  type Page,
} from "../shared/pagination";
import { likeLiteral, visibleProjects } from "../shared/visibility";

export interface AuditFailure {
  /** The procedure or service action, e.g. "vms.stop". */
  action: string;
  outcome: "Failure" | "Denied";
  errorCode: string;
  message?: string;
  targetType?: string;
  targetId?: string | null;
  projectId?: string | null;
  /** For anonymous callers (the actor carries its own). */
  sourceIp?: string | null;
  /** For anonymous callers: who they said they were (a login's username). */
  claimedName?: string | null;
  details?: Record<string, Prisma.InputJsonValue | null>;
}

/**
 * A refused or failed mutation. Successes are written by the services in their own transactions;
 * failures are written once, by the transport, after the service's transaction rolled back.
 */
export async function recordAuditFailure(
  db: Db,
  actor: Actor | null,
  failure: AuditFailure,
): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorId: actor?.userId ?? null,
      actorName: actor
        ? actor.username
        : failure.claimedName
          ? `anonymous (${failure.claimedName})`
          : "anonymous",
      apiKeyId: actor?.apiKeyId ?? null,
      sourceIp: actor?.sourceIp ?? failure.sourceIp ?? null,
      action: failure.action,
      targetType: failure.targetType ?? "Unknown",
      targetId: failure.targetId ?? null,
      projectId: failure.projectId ?? null,
      outcome: failure.outcome,
      errorCode: failure.errorCode,
      details: {
        ...(failure.details ?? {}),
        ...(failure.message ? { message: failure.message.slice(0, 500) } : {}),
      },
    },
  });
}

export const listAuditEventsInput = pageInput.extend({
  actor: z.string().trim().max(100).optional(),
  action: z.string().trim().max(100).optional(),
  targetType: z.string().trim().max(64).optional(),
  targetId: z.string().trim().max(64).optional(),
  projectId: z.uuid().optional(),
  outcome: z.enum(AuditOutcome).optional(),
  from: z.iso
    .datetime({ offset: true, message: "An ISO 8601 time like 2026-01-31T12:00:00Z" })
    .optional(),
  to: z.iso
    .datetime({ offset: true, message: "An ISO 8601 time like 2026-01-31T12:00:00Z" })
    .optional(),
  order: sortOrder.default("desc"),
});
export type ListAuditEventsInput = z.input<typeof listAuditEventsInput>;

export interface AuditEventView {
  id: string;
  at: Date;
  actorId: string | null;
  actorName: string;
  apiKeyId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  projectId: string | null;
  outcome: AuditOutcome;
  errorCode: string | null;
  sourceIp: string | null;
  details: Prisma.JsonValue;
}

/** Admins and auditors see every event; tenants only their projects' events. */
export function auditVisibleWhere(actor: Actor): Prisma.AuditEventWhereInput {
  return visibleProjects(actor);
}

export async function listAuditEvents(
  db: Db,
  actor: Actor,
  rawInput: ListAuditEventsInput,
): Promise<Page<AuditEventView>> {
  const input = listAuditEventsInput.parse(rawInput);
  const where: Prisma.AuditEventWhereInput = {
    AND: [
      auditVisibleWhere(actor),
      input.actor ? { actorName: { contains: likeLiteral(input.actor), mode: "insensitive" } } : {},
      input.action ? { action: { contains: likeLiteral(input.action), mode: "insensitive" } } : {},
      input.targetType ? { targetType: input.targetType } : {},
      input.targetId ? { targetId: input.targetId } : {},
      input.projectId ? { projectId: input.projectId } : {},
      input.outcome ? { outcome: input.outcome } : {},
      input.from ? { at: { gte: new Date(input.from) } } : {},
      input.to ? { at: { lte: new Date(input.to) } } : {},
    ],
  };
  const keyset: Keyset = { field: "at", order: input.order, date: true };
  const [rows, total] = await Promise.all([
    db.auditEvent.findMany({
      where: { AND: [where, keysetWhere<Prisma.AuditEventWhereInput>(input, keyset)] },
      orderBy: keysetOrder<Prisma.AuditEventOrderByWithRelationInput>(keyset),
      take: keysetTake(input),
    }),
    keysetTotal(input, keyset, (take) =>
      db.auditEvent.count({
        where,
        take,
        ...projectCountOrder(!canSeeInventory(actor) || input.projectId !== undefined),
      }),
    ),
  ]);
  return keysetPage(
    rows,
    input,
    total,
    (row) => row,
    (row) => row.at,
  );
}
