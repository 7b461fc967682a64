// Zones and clusters: created, renamed, and deleted only when empty, by admins, audited. A delete
// locks the row first, so that a cluster, host, L2 or VM being added at the same moment either
// lands before the check (and blocks the delete) or fails on the foreign key after it.
import type { Cluster, Db, Tx, Zone } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { requireAdmin, type Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import {
  clusterIdInput,
  createClusterInput,
  createZoneInput,
  renameClusterInput,
  renameZoneInput,
  zoneIdInput,
  type ClusterIdInput,
  type CreateClusterInput,
  type CreateZoneInput,
  type RenameClusterInput,
  type RenameZoneInput,
  type ZoneIdInput,
} from "./schemas";

async function lockZone(tx: Tx, zoneId: string): Promise<Zone> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM "Zone" WHERE id = ${zoneId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw notFound("Zone", zoneId);
  return tx.zone.findUniqueOrThrow({ where: { id: zoneId } });
}

async function lockCluster(tx: Tx, clusterId: string): Promise<Cluster> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM "Cluster" WHERE id = ${clusterId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw notFound("Cluster", clusterId);
  return tx.cluster.findUniqueOrThrow({ where: { id: clusterId } });
}

export async function createZone(db: Db, actor: Actor, rawInput: CreateZoneInput): Promise<Zone> {
  requireAdmin(actor, "manage zones");
  const input = createZoneInput.parse(rawInput);
  try {
    return await db.$transaction(async (tx) => {
      const zone = await tx.zone.create({ data: input });
      await recordAudit(tx, actor, {
        action: "zone.create",
        targetType: "Zone",
        targetId: zone.id,
        outcome: "Success",
        details: input,
      });
      return zone;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists("zone", "name", input.name);
    throw error;
  }
}

export async function renameZone(db: Db, actor: Actor, rawInput: RenameZoneInput): Promise<Zone> {
  requireAdmin(actor, "manage zones");
  const input = renameZoneInput.parse(rawInput);
  try {
    return await db.$transaction(async (tx) => {
      const before = await lockZone(tx, input.zoneId);
      const zone = await tx.zone.update({
        where: { id: input.zoneId },
        data: {
          name: input.name,
          ...(input.description !== undefined ? { description: input.description } : {}),
        },
      });
      await recordAudit(tx, actor, {
        action: "zone.rename",
        targetType: "Zone",
        targetId: zone.id,
        outcome: "Success",
        details: { from: before.name, to: zone.name },
      });
      return zone;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists("zone", "name", input.name);
    throw error;
  }
}

/** Refused with ZONE_NOT_EMPTY, naming its clusters, L2 networks and VXLAN pools. */
export async function deleteZone(db: Db, actor: Actor, rawInput: ZoneIdInput): Promise<void> {
  requireAdmin(actor, "manage zones");
  const { zoneId } = zoneIdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const zone = await lockZone(tx, zoneId);
    const named = { select: { id: true, name: true }, orderBy: { name: "asc" as const } };
    // One after the other: a transaction is one connection, and pg runs one query at a time.
    const clusters = await tx.cluster.findMany({ where: { zoneId }, ...named });
    const l2Networks = await tx.l2Network.findMany({ where: { zoneId }, ...named });
    const vxlanPools = await tx.vxlanPool.findMany({ where: { zoneId }, ...named });
    if (clusters.length + l2Networks.length + vxlanPools.length > 0) {
      const parts = [
        clusters.length ? `${clusters.length} cluster(s)` : null,
        l2Networks.length ? `${l2Networks.length} L2 network(s)` : null,
        vxlanPools.length ? `${vxlanPools.length} VXLAN pool(s)` : null,
      ].filter(Boolean);
      throw new DomainError(
        ErrorCode.ZONE_NOT_EMPTY,
        "CONFLICT",
        `Zone ${zone.name} still has ${parts.join(", ")}; delete them first.`,
        { zoneId, clusters, l2Networks, vxlanPools },
      );
    }
    await tx.zone.delete({ where: { id: zoneId } });
    await recordAudit(tx, actor, {
      action: "zone.delete",
      targetType: "Zone",
      targetId: zoneId,
      outcome: "Success",
      details: { name: zone.name },
    });
  });
}

export async function createCluster(
  db: Db,
  actor: Actor,
  rawInput: CreateClusterInput,
): Promise<Cluster> {
  requireAdmin(actor, "manage clusters");
  const input = createClusterInput.parse(rawInput);
  try {
    return await db.$transaction(async (tx) => {
      // Shares the zone's row lock with other creates, and waits for a delete of the zone.
      const zone = await tx.$queryRaw<Array<{ name: string }>>`
        SELECT name FROM "Zone" WHERE id = ${input.zoneId}::uuid FOR SHARE`;
      if (zone.length === 0) throw notFound("Zone", input.zoneId);
      const cluster = await tx.cluster.create({ data: input });
      await recordAudit(tx, actor, {
        action: "cluster.create",
        targetType: "Cluster",
        targetId: cluster.id,
        outcome: "Success",
        details: { ...input, zoneName: zone[0]?.name },
      });
      return cluster;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists("cluster in this zone", "name", input.name);
    throw error;
  }
}

export async function renameCluster(
  db: Db,
  actor: Actor,
  rawInput: RenameClusterInput,
): Promise<Cluster> {
  requireAdmin(actor, "manage clusters");
  const input = renameClusterInput.parse(rawInput);
  try {
    return await db.$transaction(async (tx) => {
      const before = await lockCluster(tx, input.clusterId);
      const cluster = await tx.cluster.update({
        where: { id: input.clusterId },
        data: { name: input.name },
      });
      await recordAudit(tx, actor, {
        action: "cluster.rename",
        targetType: "Cluster",
        targetId: cluster.id,
        outcome: "Success",
        details: { from: before.name, to: cluster.name },
      });
      return cluster;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists("cluster in this zone", "name", input.name);
    throw error;
  }
}

/** Refused with CLUSTER_NOT_EMPTY, naming its hosts, VMs and attached L2 networks. */
export async function deleteCluster(db: Db, actor: Actor, rawInput: ClusterIdInput): Promise<void> {
  requireAdmin(actor, "manage clusters");
  const { clusterId } = clusterIdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const cluster = await lockCluster(tx, clusterId);
    const named = { select: { id: true, name: true }, orderBy: { name: "asc" as const } };
    const hosts = await tx.host.findMany({ where: { clusterId }, ...named });
    const vms = await tx.vm.findMany({ where: { clusterId }, ...named, take: 50 });
    const attachments = await tx.l2ClusterAttachment.findMany({
      where: { clusterId },
      select: { l2: { select: { id: true, name: true } } },
    });
    const l2Networks = attachments.map((a) => a.l2);
    if (hosts.length + vms.length + l2Networks.length > 0) {
      const parts = [
        hosts.length ? `${hosts.length} host(s)` : null,
        vms.length ? `${vms.length}${vms.length === 50 ? "+" : ""} VM(s)` : null,
        l2Networks.length ? `${l2Networks.length} attached L2 network(s)` : null,
      ].filter(Boolean);
      throw new DomainError(
        ErrorCode.CLUSTER_NOT_EMPTY,
        "CONFLICT",
        `Cluster ${cluster.name} still has ${parts.join(", ")}; remove them first.`,
        { clusterId, hosts, vms, l2Networks },
      );
    }
    await tx.cluster.delete({ where: { id: clusterId } });
    await recordAudit(tx, actor, {
      action: "cluster.delete",
      targetType: "Cluster",
      targetId: clusterId,
      outcome: "Success",
      details: { name: cluster.name, zoneId: cluster.zoneId },
    });
  });
}
