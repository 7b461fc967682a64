import { z } from "zod";
import type { Db, Prisma } from "@virtfn/db";
import { OperationStatus } from "@virtfn/db";
import { canSeeInventory, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
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
import { retryVerdict, type RetryVerdict } from "./retry";
import { writtenOperation } from "./written";

export const listOperationsInput = pageInput.extend({
  status: z.enum(OperationStatus).optional(),
  kind: z.string().max(64).optional(),
  targetId: z.string().max(64).optional(),
  search: z.string().trim().max(100).optional(),
  sort: z.enum(["createdAt", "kind", "status", "targetName"]).default("createdAt"),
  order: sortOrder.default("desc"),
});
export type ListOperationsInput = z.input<typeof listOperationsInput>;

export interface OperationView {
  id: string;
  kind: string;
  status: OperationStatus;
  targetType: string;
  targetId: string;
  targetName: string;
  progress: number;
  progressMessage: string;
  /** Progress as data (operations/progress.ts): the phase and its counts, null outside one. */
  progressPhase: string | null;
  progressDone: number | null;
  progressTotal: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  requester: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  result: Prisma.JsonValue | null;
}

const operationSelect = {
  id: true,
  kind: true,
  status: true,
  targetType: true,
  targetId: true,
  targetName: true,
  progress: true,
  progressMessage: true,
  progressPhase: true,
  progressDone: true,
  progressTotal: true,
  errorCode: true,
  errorMessage: true,
  attempts: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  result: true,
  requester: { select: { username: true } },
} satisfies Prisma.OperationSelect;

type OperationRow = Prisma.OperationGetPayload<{ select: typeof operationSelect }>;

function toView(row: OperationRow): OperationView {
  const { requester, ...rest } = row;
  return { ...rest, requester: requester?.username ?? null };
}

/**
 * The view of an operation a command has just committed, from the row the command returned, or
 * null when `value` is not such a row. Answering a command this way needs no read: a read that
 * fails under load after the commit would answer an error for a command that took effect.
 */
export function viewOfWrittenOperation(
  value: unknown,
  requester: string | null,
): OperationView | null {
  const row = writtenOperation.safeParse(value);
  return row.success ? { ...row.data, requester } : null;
}

/** Project scope only: matching the requester as well let a project key read its user's other projects. */
function visibleTo(actor: Actor): Prisma.OperationWhereInput {
  return visibleProjects(actor);
}

export async function listOperations(
  db: Db,
  actor: Actor,
  rawInput: ListOperationsInput,
): Promise<Page<OperationView>> {
  const input = listOperationsInput.parse(rawInput);
  const where: Prisma.OperationWhereInput = {
    AND: [
      visibleTo(actor),
      input.status ? { status: input.status } : {},
      input.kind ? { kind: input.kind } : {},
      input.targetId ? { targetId: input.targetId } : {},
      input.search
        ? { targetName: { contains: likeLiteral(input.search), mode: "insensitive" } }
        : {},
    ],
  };
  const keyset: Keyset = {
    field: input.sort,
    order: input.order,
    date: input.sort === "createdAt",
    ...(input.sort === "status" ? { values: Object.values(OperationStatus) } : {}),
  };
  const [rows, total] = await Promise.all([
    db.operation.findMany({
      where: { AND: [where, keysetWhere<Prisma.OperationWhereInput>(input, keyset)] },
      select: operationSelect,
      orderBy: keysetOrder<Prisma.OperationOrderByWithRelationInput>(keyset),
      take: keysetTake(input),
    }),
    keysetTotal(input, keyset, (take) =>
      db.operation.count({ where, take, ...projectCountOrder(!canSeeInventory(actor)) }),
    ),
  ]);
  return keysetPage(rows, input, total, toView, (row) => row[input.sort]);
}

export async function getOperation(db: Db, actor: Actor, id: string): Promise<OperationView> {
  const row = await db.operation.findFirst({
    where: { AND: [{ id }, visibleTo(actor)] },
    select: operationSelect,
  });
  if (!row) throw notFound("Operation", id);
  return toView(row);
}

// ─── One operation in detail ──────────────────────────────────────────────────────────────────

/** Kinds whose work is an agent task; the agent keys its tasks by the operation id. */
const AGENT_TASK_KINDS = new Set(["pf.split", "pf.restore", "pf.reapply"]);

/** How many child operations the detail lists (a fleet rollout may have thousands). */
const CHILDREN_SHOWN = 100;

export interface OperationLink {
  id: string;
  kind: string;
  status: OperationStatus;
  targetType: string;
  targetId: string;
  targetName: string;
  progress: number;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface OperationDetail extends OperationView {
  projectId: string | null;
  /** The task on the host agent that did the work (pf.split, pf.restore, pf.reapply), else null. */
  agentTaskId: string | null;
  /** A PF target's host, so that the target can link to where the PF is shown. */
  targetHostId: string | null;
  /** The fleet rollout operation that started this one, if any. */
  parent: OperationLink | null;
  /** The operations this one started (a fleet rollout's per-PF splits), oldest first. */
  children: OperationLink[];
  /** How many children there are; `children` holds the first CHILDREN_SHOWN. */
  childCount: number;
  /** Whether the caller may run this operation's request again, and why not. */
  retry: RetryVerdict;
}

const linkSelect = {
  id: true,
  kind: true,
  status: true,
  targetType: true,
  targetId: true,
  targetName: true,
  progress: true,
  errorCode: true,
  errorMessage: true,
  createdAt: true,
  finishedAt: true,
} satisfies Prisma.OperationSelect;

async function rolloutLinks(db: Db, op: { id: string; kind: string }) {
  if (op.kind === "fleet.setVfCount") {
    const rollout = await db.fleetRollout.findUnique({
      where: { operationId: op.id },
      select: { id: true },
    });
    if (!rollout) return { parentId: null, childIds: [], childCount: 0 };
    const where = { rolloutId: rollout.id, operationId: { not: null } };
    const [items, childCount] = await Promise.all([
      db.fleetRolloutItem.findMany({
        where,
        select: { operationId: true },
        orderBy: [{ startedAt: "asc" }, { id: "asc" }],
        take: CHILDREN_SHOWN,
      }),
      db.fleetRolloutItem.count({ where }),
    ]);
    const childIds = items.flatMap((item) => (item.operationId ? [item.operationId] : []));
    return { parentId: null, childIds, childCount };
  }
  if (op.kind !== "pf.split" && op.kind !== "pf.restore") {
    return { parentId: null, childIds: [], childCount: 0 };
  }
  const item = await db.fleetRolloutItem.findFirst({
    where: { operationId: op.id },
    select: { rollout: { select: { operationId: true } } },
  });
  return { parentId: item?.rollout.operationId ?? null, childIds: [], childCount: 0 };
}

/** An operation with its agent task, parent and children, and whether it can be retried. */
export async function getOperationDetail(
  db: Db,
  actor: Actor,
  id: string,
): Promise<OperationDetail> {
  const row = await db.operation.findFirst({
    where: { AND: [{ id }, visibleTo(actor)] },
    select: { ...operationSelect, projectId: true },
  });
  if (!row) throw notFound("Operation", id);
  const { projectId, ...viewRow } = row;
  const [links, pf] = await Promise.all([
    rolloutLinks(db, row),
    row.targetType === "PhysicalNic" && canSeeInventory(actor)
      ? db.physicalNic.findUnique({ where: { id: row.targetId }, select: { hostId: true } })
      : null,
  ]);
  const related = await db.operation.findMany({
    where: {
      AND: [
        { id: { in: [...links.childIds, ...(links.parentId ? [links.parentId] : [])] } },
        visibleTo(actor),
      ],
    },
    select: linkSelect,
  });
  const byId = new Map(related.map((op) => [op.id, op]));
  return {
    ...toView(viewRow),
    projectId,
    agentTaskId: AGENT_TASK_KINDS.has(row.kind) && row.status !== "Pending" ? row.id : null,
    targetHostId: pf?.hostId ?? null,
    parent: links.parentId ? (byId.get(links.parentId) ?? null) : null,
    children: links.childIds.flatMap((childId) => {
      const child = byId.get(childId);
      return child ? [child] : [];
    }),
    childCount: links.childCount,
    retry: retryVerdict(actor, row),
  };
}
