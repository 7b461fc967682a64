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
import { likeLiteral, requireVisibleProject, visibleProjects } from "../shared/visibility";
import { auditAction, createdEntityOf } from "./actions";
import { resolveTargets } from "./names";

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
  /**
   * The request's input, as sent. Only a create's `name` is read from it: a refused create is
   * logged against what was being created, by name (it has no id), not against whatever id its
   * input happened to carry (an offering, a cluster).
   */
  input?: unknown;
}

/** The target a refused or failed call is logged against (see AuditFailure.input). */
function failureTarget(action: string, failure: AuditFailure) {
  const created = createdEntityOf(action);
  if (!created) {
    return {
      targetType: failure.targetType ?? "Unknown",
      targetId: failure.targetId ?? null,
      extra: {},
    };
  }
  const input =
    failure.input && typeof failure.input === "object"
      ? (failure.input as Record<string, unknown>)
      : {};
  const name = typeof input.name === "string" ? input.name.slice(0, 100) : null;
  const via =
    failure.targetType && failure.targetType !== created && failure.targetId
      ? { via: { type: failure.targetType, id: failure.targetId } }
      : {};
  return { targetType: created, targetId: null, extra: { ...(name ? { name } : {}), ...via } };
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
  const action = auditAction(failure.action);
  const target = failureTarget(action, failure);
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
      action,
      targetType: target.targetType,
      targetId: target.targetId,
      projectId: failure.projectId ?? null,
      outcome: failure.outcome,
      errorCode: failure.errorCode,
      details: {
        ...(failure.details ?? {}),
        ...target.extra,
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
  /**
   * The target's name today, resolved for this page's rows; for a refused create (no id), the name
   * that was asked for; null when the target is gone or has no page of names.
   */
  targetName: string | null;
  /** A PF target's host (where the PF is shown). */
  targetHostId: string | null;
  projectName: string | null;
}

function detailName(details: Prisma.JsonValue): string | null {
  if (!details || typeof details !== "object" || Array.isArray(details)) return null;
  const name = (details as Record<string, unknown>).name;
  return typeof name === "string" ? name : null;
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
  // Filtering by another project answers like reading it: NOT_FOUND, not an empty page.
  if (input.projectId) requireVisibleProject(actor, input.projectId);
  const where: Prisma.AuditEventWhereInput = {
    AND: [
      auditVisibleWhere(actor),
      input.actor ? { actorName: { contains: likeLiteral(input.actor), mode: "insensitive" } } : {},
      input.action ? actionWhere(input.action) : {},
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
  const names = await resolveTargets(db, [
    ...rows,
    ...rows.flatMap((row) =>
      row.projectId ? [{ targetType: "Project", targetId: row.projectId }] : [],
    ),
  ]);
  return keysetPage(
    rows,
    input,
    total,
    (row): AuditEventView => {
      const target = names.get(`${row.targetType}:${row.targetId ?? ""}`);
      return {
        ...row,
        targetName: target?.name ?? (row.targetId ? null : detailName(row.details)),
        targetHostId: target?.hostId ?? null,
        projectName: row.projectId ? (names.get(`Project:${row.projectId}`)?.name ?? null) : null,
      };
    },
    (row) => row.at,
  );
}

/**
 * An action as typed: a whole word ("vm.start", or the old "vms.start", translated) is matched
 * exactly, on the (action, at) index; a fragment ("start") as a substring.
 */
function actionWhere(action: string): Prisma.AuditEventWhereInput {
  if (/^[A-Za-z]+(\.[A-Za-z]+)+$/.test(action)) return { action: auditAction(action) };
  return { action: { contains: likeLiteral(action), mode: "insensitive" } };
}
