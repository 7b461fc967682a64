import type { Db } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { requireAdmin, requireInventoryReader, type Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import {
  createVxlanPoolInput,
  listVxlanPoolsInput,
  vxlanPoolIdInput,
  type CreateVxlanPoolInput,
  type ListVxlanPoolsInput,
  type VxlanPoolIdInput,
} from "./schemas";

export interface VxlanPoolView {
  id: string;
  zoneId: string;
  zoneName: string;
  name: string;
  vniStart: number;
  vniEnd: number;
  /** VNIs already taken by L2 networks of this pool, for the L2 form. */
  usedVnis: number[];
  createdAt: Date;
}

const poolInclude = {
  zone: { select: { name: true } },
  l2Networks: { select: { vni: true }, orderBy: { vni: "asc" as const } },
};

function toView(row: {
  id: string;
  zoneId: string;
  name: string;
  vniStart: number;
  vniEnd: number;
  createdAt: Date;
  zone: { name: string };
  l2Networks: Array<{ vni: number | null }>;
}): VxlanPoolView {
  return {
    id: row.id,
    zoneId: row.zoneId,
    zoneName: row.zone.name,
    name: row.name,
    vniStart: row.vniStart,
    vniEnd: row.vniEnd,
    usedVnis: row.l2Networks.flatMap((l2) => (l2.vni === null ? [] : [l2.vni])),
    createdAt: row.createdAt,
  };
}

export async function createVxlanPool(
  db: Db,
  actor: Actor,
  rawInput: CreateVxlanPoolInput,
): Promise<VxlanPoolView> {
  requireAdmin(actor, "create VXLAN pools");
  const input = createVxlanPoolInput.parse(rawInput);
  try {
    return await db.$transaction(async (tx) => {
      const zone = await tx.zone.findUnique({ where: { id: input.zoneId } });
      if (!zone) throw notFound("Zone", input.zoneId);
      const pool = await tx.vxlanPool.create({ data: input, include: poolInclude });
      await recordAudit(tx, actor, {
        action: "vxlanPool.create",
        targetType: "VxlanPool",
        targetId: pool.id,
        outcome: "Success",
        details: { name: pool.name, vniStart: pool.vniStart, vniEnd: pool.vniEnd },
      });
      return toView(pool);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists("VXLAN pool", "name", input.name);
    throw error;
  }
}

export async function listVxlanPools(
  db: Db,
  actor: Actor,
  rawInput: ListVxlanPoolsInput = {},
): Promise<VxlanPoolView[]> {
  requireInventoryReader(actor);
  const input = listVxlanPoolsInput.parse(rawInput);
  const rows = await db.vxlanPool.findMany({
    where: input.zoneId ? { zoneId: input.zoneId } : {},
    include: poolInclude,
    orderBy: { name: "asc" },
  });
  return rows.map(toView);
}

/** R16 in spirit: a pool whose VNIs are in use by L2 networks stays. */
export async function deleteVxlanPool(
  db: Db,
  actor: Actor,
  rawInput: VxlanPoolIdInput,
): Promise<void> {
  requireAdmin(actor, "delete VXLAN pools");
  const { poolId } = vxlanPoolIdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const pool = await tx.vxlanPool.findUnique({
      where: { id: poolId },
      include: { l2Networks: { select: { name: true } } },
    });
    if (!pool) throw notFound("VXLAN pool", poolId);
    if (pool.l2Networks.length > 0) {
      throw new DomainError(
        ErrorCode.NETWORK_IN_USE,
        "CONFLICT",
        `VXLAN pool ${pool.name} cannot be deleted: L2 networks ${pool.l2Networks.map((l2) => l2.name).join(", ")} use it.`,
        { l2s: pool.l2Networks.map((l2) => l2.name) },
      );
    }
    await tx.vxlanPool.delete({ where: { id: poolId } });
    await recordAudit(tx, actor, {
      action: "vxlanPool.delete",
      targetType: "VxlanPool",
      targetId: poolId,
      outcome: "Success",
      details: { name: pool.name },
    });
  });
}
