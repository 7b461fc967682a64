import { Prisma, type Db, type DbOrTx, type L2Type, type Tx } from "@virtfn/db";
import { l2Include, NO_USAGE, readL2s, usageOf, type L2Row, type L2Usage } from "./l2-read";
import { l2Actions, type NetworkActions } from "./actions";
import { recordAudit } from "../operations/audit";
import { requireAdmin, requireInventoryReader, type Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { pageWindow, toPage, type Page } from "../shared/pagination";
import {
  createL2Input,
  l2ClusterInput,
  l2IdInput,
  listL2Input,
  updateL2Input,
  type CreateL2Input,
  type L2ClusterInput,
  type L2IdInput,
  type ListL2Input,
  type UpdateL2Input,
} from "./schemas";
import {
  checkL2Deletable,
  checkL2SriovAllowed,
  checkL2SriovChange,
  l3SriovToggleState,
  type ToggleState,
} from "./sriovRules";
import { rebuildFdbRowsOnL2, requestFdbSync } from "../vms/fdb";
import { hostsWithVfNicsWhere, requestVfPortSync } from "../vms/vf-ports";
import { likeLiteral } from "../shared/visibility";

export interface L2View {
  id: string;
  zoneId: string;
  zoneName: string;
  name: string;
  description: string;
  type: L2Type;
  vlanId: number | null;
  vxlanPoolId: string | null;
  vxlanPoolName: string | null;
  vni: number | null;
  physicalInterface: string;
  sriovEnabled: boolean;
  /** VF port policy (issue 16). */
  vfAllowTrust: boolean;
  vfSpoofCheck: boolean;
  /** Whether an L3 on this L2 may enable SR-IOV, and why not (R1, R2), for the L3 form. */
  l3SriovToggle: ToggleState;
  /** The first few attached clusters by name (L2_CLUSTERS_NAMED); listL2Clusters pages them all. */
  clusters: Array<{ id: string; name: string }>;
  clusterCount: number;
  l3Count: number;
  /** Edit, delete and the SR-IOV flip, decided by the update and delete commands' checks. */
  actions: NetworkActions;
  createdAt: Date;
  updatedAt: Date;
}

async function views(db: DbOrTx, rows: L2Row[]): Promise<L2View[]> {
  const usage = await usageOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toView(row, usage.get(row.id) ?? NO_USAGE));
}

async function view(db: DbOrTx, row: L2Row): Promise<L2View> {
  const [one] = await views(db, [row]);
  if (!one) throw notFound("L2 network", row.id);
  return one;
}

function toView(row: L2Row, usage: L2Usage): L2View {
  return {
    id: row.id,
    zoneId: row.zoneId,
    zoneName: row.zone.name,
    name: row.name,
    description: row.description,
    type: row.type,
    vlanId: row.vlanId,
    vxlanPoolId: row.vxlanPoolId,
    vxlanPoolName: row.vxlanPool?.name ?? null,
    vni: row.vni,
    physicalInterface: row.physicalInterface,
    sriovEnabled: row.sriovEnabled,
    vfAllowTrust: row.vfAllowTrust,
    vfSpoofCheck: row.vfSpoofCheck,
    l3SriovToggle: l3SriovToggleState(row),
    clusters: usage.clusters,
    clusterCount: usage.clusterCount,
    l3Count: row._count.l3Networks,
    actions: l2Actions({
      l2: row,
      l3Names: usage.l3Names,
      sriovL3s: row.l3Networks.map((l3) => l3.name),
      vfNics: usage.vfNics,
    }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Serialises changes to one L2 and its L3s, so that R2 and the range overlap check cannot race. */
export async function lockL2(tx: Tx, l2Id: string) {
  await tx.$queryRaw`SELECT id FROM "L2Network" WHERE id = ${l2Id}::uuid FOR UPDATE`;
  const l2 = await tx.l2Network.findUnique({ where: { id: l2Id } });
  if (!l2) throw notFound("L2 network", l2Id);
  return l2;
}

async function requireClustersInZone(tx: Tx, zoneId: string, clusterIds: string[]): Promise<void> {
  if (clusterIds.length === 0) return;
  const clusters = await tx.cluster.findMany({
    where: { id: { in: clusterIds } },
    select: { id: true, name: true, zoneId: true },
  });
  for (const id of clusterIds) {
    const cluster = clusters.find((c) => c.id === id);
    if (!cluster) throw notFound("Cluster", id);
    if (cluster.zoneId !== zoneId) {
      throw new DomainError(
        ErrorCode.CLUSTER_NOT_IN_ZONE,
        "BAD_REQUEST",
        `Cluster ${cluster.name} is in another zone; an L2 can only be attached to clusters of its own zone.`,
        { cluster: cluster.name },
      );
    }
  }
}

function uniqueViolationToDomain(
  error: unknown,
  input: { name?: string | undefined; vni?: number | undefined },
): unknown {
  if (isUniqueViolation(error, "vni")) {
    return new DomainError(
      ErrorCode.VNI_IN_USE,
      "CONFLICT",
      `VNI ${input.vni} is already used by another L2 of this pool.`,
      {
        vni: input.vni,
      },
    );
  }
  if (isUniqueViolation(error) && input.name !== undefined)
    return alreadyExists("L2 network", "name", input.name);
  return error;
}

export async function createL2Network(
  db: Db,
  actor: Actor,
  rawInput: CreateL2Input,
): Promise<L2View> {
  requireAdmin(actor, "create L2 networks");
  const input = createL2Input.parse(rawInput);
  checkL2SriovAllowed(input, input.sriovEnabled);
  try {
    return await db.$transaction(async (tx) => {
      const zone = await tx.zone.findUnique({ where: { id: input.zoneId } });
      if (!zone) throw notFound("Zone", input.zoneId);
      if (input.type === "Vxlan" && input.vxlanPoolId !== undefined && input.vni !== undefined) {
        const pool = await tx.vxlanPool.findUnique({ where: { id: input.vxlanPoolId } });
        if (!pool || pool.zoneId !== input.zoneId) throw notFound("VXLAN pool", input.vxlanPoolId);
        if (input.vni < pool.vniStart || input.vni > pool.vniEnd) {
          throw new DomainError(
            ErrorCode.VNI_OUT_OF_RANGE,
            "BAD_REQUEST",
            `VNI ${input.vni} is outside pool ${pool.name} (${pool.vniStart}–${pool.vniEnd}).`,
            { vni: input.vni, min: pool.vniStart, max: pool.vniEnd },
          );
        }
      }
      await requireClustersInZone(tx, input.zoneId, input.clusterIds);
      const created = await tx.l2Network.create({
        data: {
          zoneId: input.zoneId,
          name: input.name,
          description: input.description,
          type: input.type,
          vlanId: input.vlanId ?? null,
          vxlanPoolId: input.vxlanPoolId ?? null,
          vni: input.vni ?? null,
          physicalInterface: input.physicalInterface,
          sriovEnabled: input.sriovEnabled,
          clusters: { create: input.clusterIds.map((clusterId) => ({ clusterId })) },
        },
        include: l2Include,
      });
      await recordAudit(tx, actor, {
        action: "l2.create",
        targetType: "L2Network",
        targetId: created.id,
        outcome: "Success",
        details: {
          name: created.name,
          type: created.type,
          vlanId: created.vlanId,
          vni: created.vni,
          physicalInterface: created.physicalInterface,
          sriovEnabled: created.sriovEnabled,
          clusterIds: input.clusterIds,
        },
      });
      return view(tx, created);
    });
  } catch (error) {
    throw uniqueViolationToDomain(error, input);
  }
}

/** Name, description and the SR-IOV flag (R1, R2) can change; the segment itself cannot. */
export async function updateL2Network(
  db: Db,
  actor: Actor,
  rawInput: UpdateL2Input,
): Promise<L2View> {
  requireAdmin(actor, "change L2 networks");
  const input = updateL2Input.parse(rawInput);
  try {
    return await db.$transaction(async (tx) => {
      const l2 = await lockL2(tx, input.l2Id);
      if (input.sriovEnabled !== undefined && input.sriovEnabled !== l2.sriovEnabled) {
        // One query at a time: a transaction is one connection.
        const sriovL3s = await tx.l3Network.findMany({
          where: { l2Id: l2.id, sriovEnabled: true },
          select: { name: true },
          orderBy: { name: "asc" },
        });
        const vfNics = await tx.vmNic.count({ where: { type: "VF", l3: { l2Id: l2.id } } });
        checkL2SriovChange(l2, input.sriovEnabled, {
          sriovL3s: sriovL3s.map((l3) => l3.name),
          vfNics,
        });
      }
      const changes = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.sriovEnabled !== undefined ? { sriovEnabled: input.sriovEnabled } : {}),
        ...(input.vfAllowTrust !== undefined ? { vfAllowTrust: input.vfAllowTrust } : {}),
        ...(input.vfSpoofCheck !== undefined ? { vfSpoofCheck: input.vfSpoofCheck } : {}),
      };
      const updated = await tx.l2Network.update({
        where: { id: l2.id },
        data: changes,
        include: l2Include,
      });
      // The desired FDB rows change with the flag, and the hosts follow at once.
      if (input.sriovEnabled !== undefined && input.sriovEnabled !== l2.sriovEnabled)
        await requestFdbSync(tx, await rebuildFdbRowsOnL2(tx, l2.id));
      // A policy change is a desired-port change for every VF NIC on the L2: the hosts follow.
      if (input.vfAllowTrust !== undefined || input.vfSpoofCheck !== undefined)
        await requestVfPortSync(tx, await hostsWithVfNicsWhere(tx, { l3: { l2Id: l2.id } }));
      await recordAudit(tx, actor, {
        action: "l2.update",
        targetType: "L2Network",
        targetId: l2.id,
        outcome: "Success",
        details: { before: { name: l2.name, sriovEnabled: l2.sriovEnabled }, changes },
      });
      return view(tx, updated);
    });
  } catch (error) {
    throw uniqueViolationToDomain(error, input);
  }
}

export async function deleteL2Network(db: Db, actor: Actor, rawInput: L2IdInput): Promise<void> {
  requireAdmin(actor, "delete L2 networks");
  const { l2Id } = l2IdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const l2 = await lockL2(tx, l2Id);
    const l3s = await tx.l3Network.findMany({
      where: { l2Id },
      select: { name: true },
      orderBy: { name: "asc" },
    });
    checkL2Deletable(
      l2.name,
      l3s.map((l3) => l3.name),
    );
    await tx.l2Network.delete({ where: { id: l2Id } });
    await recordAudit(tx, actor, {
      action: "l2.delete",
      targetType: "L2Network",
      targetId: l2Id,
      outcome: "Success",
      details: { name: l2.name },
    });
  });
}

export async function attachL2Cluster(
  db: Db,
  actor: Actor,
  rawInput: L2ClusterInput,
): Promise<L2View> {
  requireAdmin(actor, "attach L2 networks to clusters");
  const input = l2ClusterInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const l2 = await lockL2(tx, input.l2Id);
    await requireClustersInZone(tx, l2.zoneId, [input.clusterId]);
    const existing = await tx.l2ClusterAttachment.findUnique({
      where: { l2Id_clusterId: { l2Id: l2.id, clusterId: input.clusterId } },
    });
    if (!existing) {
      await tx.l2ClusterAttachment.create({ data: { l2Id: l2.id, clusterId: input.clusterId } });
      await recordAudit(tx, actor, {
        action: "l2.attachCluster",
        targetType: "L2Network",
        targetId: l2.id,
        outcome: "Success",
        details: { clusterId: input.clusterId },
      });
    }
    return view(
      tx,
      await tx.l2Network.findUniqueOrThrow({ where: { id: l2.id }, include: l2Include }),
    );
  });
}

/** Refused while VMs of that cluster have NICs on the L2: their hosts would lose the segment. */
export async function detachL2Cluster(
  db: Db,
  actor: Actor,
  rawInput: L2ClusterInput,
): Promise<L2View> {
  requireAdmin(actor, "detach L2 networks from clusters");
  const input = l2ClusterInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const l2 = await lockL2(tx, input.l2Id);
    const nics = await tx.vmNic.count({
      where: { l3: { l2Id: l2.id }, vm: { clusterId: input.clusterId } },
    });
    if (nics > 0) {
      throw new DomainError(
        ErrorCode.NETWORK_IN_USE,
        "CONFLICT",
        `L2 ${l2.name} cannot be detached from this cluster: ${nics} NIC(s) of its VMs are on it.`,
        { l2: l2.name, nics },
      );
    }
    const { count } = await tx.l2ClusterAttachment.deleteMany({
      where: { l2Id: l2.id, clusterId: input.clusterId },
    });
    if (count > 0) {
      await recordAudit(tx, actor, {
        action: "l2.detachCluster",
        targetType: "L2Network",
        targetId: l2.id,
        outcome: "Success",
        details: { clusterId: input.clusterId },
      });
    }
    return view(
      tx,
      await tx.l2Network.findUniqueOrThrow({ where: { id: l2.id }, include: l2Include }),
    );
  });
}

export async function listL2Networks(
  db: Db,
  actor: Actor,
  rawInput: ListL2Input,
): Promise<Page<L2View>> {
  requireInventoryReader(actor);
  const input = listL2Input.parse(rawInput);
  const conditions = [
    input.zoneId ? Prisma.sql`l."zoneId" = ${input.zoneId}::uuid` : null,
    input.type ? Prisma.sql`l.type = ${input.type}::"L2Type"` : null,
    input.sriovEnabled !== undefined ? Prisma.sql`l."sriovEnabled" = ${input.sriovEnabled}` : null,
    input.search ? Prisma.sql`l.name ILIKE ${`%${likeLiteral(input.search)}%`}` : null,
  ].filter((condition) => condition !== null);
  const { rows, total } = await readL2s(
    db,
    conditions.length > 0 ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`,
    input,
    pageWindow(input),
  );
  return toPage(
    rows.map(({ row, usage }) => toView(row, usage)),
    total,
    input,
  );
}

export async function getL2Network(db: Db, actor: Actor, rawInput: L2IdInput): Promise<L2View> {
  requireInventoryReader(actor);
  const { l2Id } = l2IdInput.parse(rawInput);
  const { rows } = await readL2s(
    db,
    Prisma.sql`l.id = ${l2Id}::uuid`,
    { sort: "name", order: "asc" },
    { skip: 0, take: 1 },
  );
  const [one] = rows;
  if (!one) throw notFound("L2 network", l2Id);
  return toView(one.row, one.usage);
}
