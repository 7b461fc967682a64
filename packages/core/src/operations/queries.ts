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
