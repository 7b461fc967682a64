import { randomBytes } from "node:crypto";
import { Prisma, queryRows, type Db, type DbOrTx, type Host, type Operation } from "@virtfn/db";
import { checkIdle, requireHostConnected } from "../sriov/rules";
import { activeOperationOn, activeOperationOnHost } from "./busy";
import { checkHostDeletable, checkIommuChange } from "./rules";
import { insertAuditSql, recordAudit } from "../operations/audit";
import {
  createOperation,
  enqueueOperationSql,
  insertOperationSql,
  operationInProgress,
} from "../operations/create";
import { requireAdmin, type Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, notFound } from "../shared/errors";
import { runOneStatement } from "../shared/one-statement";
import {
  addHostInput,
  hostIdInput,
  setIommuInput,
  updateHostInput,
  type AddHostInput,
  type HostIdInput,
  type SetIommuInput,
  type UpdateHostInput,
} from "./schemas";

export interface HostOperation {
  host: Pick<Host, "id" | "name">;
  operation: Operation;
  /** A token the control plane generated for this host: shown once, to install on its agent. */
  agentToken?: string;
}

/** Each host has its own agent token: 256 random bits, never shared with another host. */
function newAgentToken(): string {
  return randomBytes(32).toString("base64url");
}

export async function addHost(
  db: Db,
  actor: Actor,
  rawInput: AddHostInput,
): Promise<HostOperation> {
  requireAdmin(actor, "add hosts");
  const input = addHostInput.parse(rawInput);
  const cluster = await db.cluster.findUnique({ where: { id: input.clusterId } });
  if (!cluster) throw notFound("Cluster", input.clusterId);
  const generated = input.agentToken === undefined ? newAgentToken() : undefined;
  try {
    return await db.$transaction(async (tx) => {
      const host = await tx.host.create({
        data: {
          name: input.name,
          clusterId: input.clusterId,
          agentUrl: input.agentUrl,
          agentToken: input.agentToken ?? generated ?? newAgentToken(),
          iommuEnabled: input.scanIommu,
          connectionState: "Connecting",
        },
      });
      const operation = await createOperation(tx, actor, {
        kind: "host.connect",
        targetType: "Host",
        targetId: host.id,
        targetName: host.name,
        input: { scanIommu: input.scanIommu },
      });
      await recordAudit(tx, actor, {
        action: "host.add",
        targetType: "Host",
        targetId: host.id,
        outcome: "Success",
        details: { name: host.name, agentUrl: host.agentUrl, clusterId: host.clusterId },
      });
      return {
        host: { id: host.id, name: host.name },
        operation,
        ...(generated ? { agentToken: generated } : {}),
      };
    });
  } catch (error) {
    if (isUniqueViolation(error, "agentUrl"))
      throw alreadyExists("host", "agentUrl", input.agentUrl, "agent URL");
    if (isUniqueViolation(error, "name")) throw alreadyExists("host", "name", input.name);
    throw error;
  }
}

export interface HostUpdate {
  host: Pick<Host, "id" | "name" | "agentUrl">;
  /** The host.connect operation that re-connects with the new settings; null when not asked. */
  operation: Operation | null;
  /** What changed, by field name; the token is named, never shown. */
  changed: Array<"name" | "agentUrl" | "agentToken">;
}

/**
 * Admin: fixes a host's name, agent URL or token (after a failed add, or when the agent moved),
 * then re-connects it with the host.connect operation, as reconnectHost does. The token is
 * write-only: it is stored, never returned and never audited.
 */
export async function updateHost(
  db: Db,
  actor: Actor,
  rawInput: UpdateHostInput,
): Promise<HostUpdate> {
  requireAdmin(actor, "edit hosts");
  const input = updateHostInput.parse(rawInput);
  try {
    return await db.$transaction(async (tx) => {
      const current = await tx.host.findUnique({
        where: { id: input.hostId },
        select: { id: true, name: true, agentUrl: true },
      });
      if (!current) throw notFound("Host", input.hostId);
      // A re-connect waits for the host's own operation, as the Reconnect button does, except a
      // connect still retrying (a failed add): each attempt re-reads the host row, so its next
      // one uses the new URL and token, and it is the re-connect.
      const active = input.reconnect ? await activeOperationOn(tx, [current.id]) : null;
      if (active?.kind !== "host.connect") checkIdle(active);
      const changed: HostUpdate["changed"] = [];
      if (input.name !== undefined && input.name !== current.name) changed.push("name");
      if (input.agentUrl !== undefined && input.agentUrl !== current.agentUrl)
        changed.push("agentUrl");
      if (input.agentToken !== undefined) changed.push("agentToken");
      const host = await tx.host.update({
        where: { id: current.id },
        data: {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.agentUrl !== undefined ? { agentUrl: input.agentUrl } : {}),
          ...(input.agentToken !== undefined ? { agentToken: input.agentToken } : {}),
          ...(input.reconnect ? { connectionState: "Connecting" as const } : {}),
        },
        select: { id: true, name: true, agentUrl: true },
      });
      const operation = !input.reconnect
        ? null
        : active
          ? await tx.operation.findUniqueOrThrow({ where: { id: active.id } })
          : await createOperation(tx, actor, {
              kind: "host.connect",
              targetType: "Host",
              targetId: host.id,
              targetName: host.name,
              input: { scanIommu: false },
            });
      await recordAudit(tx, actor, {
        action: "host.update",
        targetType: "Host",
        targetId: host.id,
        outcome: "Success",
        details: {
          name: host.name,
          changed,
          ...(changed.includes("name") ? { previousName: current.name } : {}),
          ...(changed.includes("agentUrl")
            ? { previousAgentUrl: current.agentUrl, agentUrl: host.agentUrl }
            : {}),
          reconnect: input.reconnect,
        },
      });
      return { host, operation, changed };
    });
  } catch (error) {
    if (input.agentUrl !== undefined && isUniqueViolation(error, "agentUrl"))
      throw alreadyExists("host", "agentUrl", input.agentUrl, "agent URL");
    if (input.name !== undefined && isUniqueViolation(error, "name"))
      throw alreadyExists("host", "name", input.name);
    throw error;
  }
}

/**
 * VFs of the host that VMs reserved or hold: the IOMMU cannot go while there are any. From the
 * counts the database keeps per PF (sriov/capacity.ts): counting the VF rows by host and state
 * read the index entries of every reserved and attached VF of the fleet.
 */
export async function hostVfsInUse(db: DbOrTx, hostId: string): Promise<number> {
  const [row] = await db.$queryRaw<[{ n: number }]>`
    SELECT coalesce(sum(c.n), 0)::int AS n
    FROM "PhysicalNic" pf JOIN "VfStateCount" c ON c."pfId" = pf.id
    WHERE pf."hostId" = ${hostId}::uuid AND c.state IN ('Reserved', 'Attached')`;
  return row.n;
}

async function hostOrThrow(db: Db, hostId: string): Promise<Host> {
  const host = await db.host.findUnique({ where: { id: hostId } });
  if (!host) throw notFound("Host", hostId);
  return host;
}

export async function reconnectHost(
  db: Db,
  actor: Actor,
  rawInput: HostIdInput,
): Promise<HostOperation> {
  requireAdmin(actor, "reconnect hosts");
  const { hostId } = hostIdInput.parse(rawInput);
  // One statement, so one round trip: the host's own operation (of any kind) makes it busy, as
  // checkIdle(activeOperationOn) has it; the host is marked Connecting only when the operation
  // was written (a busy target writes none), and the operation, its outbox entry, the mark and
  // the audit event commit together or not at all.
  return runOneStatement(db, async (client) => {
    // Through the pool's pg client where it can (queryRows): Prisma's own cost per statement is
    // as large as this statement's.
    const [operation] = (await queryRows(
      client,
      Prisma.sql`
      WITH busy AS (
        SELECT 1 FROM "Operation"
         WHERE "targetId" = ${hostId} AND status IN ('Pending', 'Running')),
      host AS (
        SELECT id, name FROM "Host"
         WHERE id = ${hostId}::uuid AND NOT EXISTS (SELECT 1 FROM busy)),
      op AS (${insertOperationSql(
        actor,
        {
          kind: "host.connect",
          targetType: "Host",
          targetId: hostId,
          targetName: Prisma.sql`host.name`,
          input: { scanIommu: false },
        },
        Prisma.sql`FROM host`,
      )}),
      marked AS (
        UPDATE "Host" SET "connectionState" = 'Connecting', "updatedAt" = now()
         WHERE id IN (SELECT "targetId"::uuid FROM op)),
      audited AS (${insertAuditSql(
        actor,
        { action: "host.reconnect", targetType: "Host", targetId: hostId, outcome: "Success" },
        Prisma.sql`FROM op`,
      )})
      ${enqueueOperationSql("host.connect")}`,
    )) as Array<Operation | undefined>;
    if (operation) return { host: { id: hostId, name: operation.targetName }, operation };
    // Thrown inside, so that a client adding to the commit (runOneStatement) adds nothing.
    return refuseReconnect(client, hostId);
  });
}

/** Throws why a reconnect wrote nothing, as the checks in a transaction had it: busy, then not found. */
async function refuseReconnect(db: DbOrTx, hostId: string): Promise<never> {
  checkIdle(await activeOperationOn(db, [hostId]));
  const host = await db.host.findUnique({ where: { id: hostId }, select: { name: true } });
  if (!host) throw notFound("Host", hostId);
  // The operation that made it busy has finished since: still, this request was refused.
  throw await operationInProgress(db, {
    targetType: "Host",
    targetId: hostId,
    targetName: host.name,
  });
}

/**
 * Admin: replaces the host's agent token with a new one, returned once. Until the agent is given
 * the new token its calls are refused (the host shows Disconnected); then reconnect it. The token
 * never enters the audit log.
 */
export async function rotateHostToken(
  db: Db,
  actor: Actor,
  rawInput: HostIdInput,
): Promise<{ host: Pick<Host, "id" | "name">; agentToken: string }> {
  requireAdmin(actor, "rotate agent tokens");
  const { hostId } = hostIdInput.parse(rawInput);
  const agentToken = newAgentToken();
  return db.$transaction(async (tx) => {
    const host = await tx.host.findUnique({
      where: { id: hostId },
      select: { id: true, name: true },
    });
    if (!host) throw notFound("Host", hostId);
    await tx.host.update({ where: { id: host.id }, data: { agentToken } });
    await recordAudit(tx, actor, {
      action: "host.rotateToken",
      targetType: "Host",
      targetId: host.id,
      outcome: "Success",
      details: { name: host.name },
    });
    return { host, agentToken };
  });
}

/** Turning IOMMU on writes the kernel argument; it becomes active after the host reboots. */
export async function setHostIommu(
  db: Db,
  actor: Actor,
  rawInput: SetIommuInput,
): Promise<HostOperation> {
  requireAdmin(actor, "change IOMMU settings");
  const { hostId, enabled } = setIommuInput.parse(rawInput);
  const host = await hostOrThrow(db, hostId);
  requireHostConnected(host);
  checkIommuChange(host, enabled, enabled ? 0 : await hostVfsInUse(db, hostId));
  checkIdle(await activeOperationOnHost(db, hostId));
  return db.$transaction(async (tx) => {
    await tx.host.update({ where: { id: host.id }, data: { iommuEnabled: enabled } });
    const operation = await createOperation(tx, actor, {
      kind: "host.setIommu",
      targetType: "Host",
      targetId: host.id,
      targetName: host.name,
      input: { enabled },
    });
    await recordAudit(tx, actor, {
      action: "host.setIommu",
      targetType: "Host",
      targetId: host.id,
      outcome: "Success",
      details: { enabled },
    });
    return { host: { id: host.id, name: host.name }, operation };
  });
}

/** Reboots through the agent. Only simulated hosts accept it; a real agent refuses. */
export async function rebootHost(
  db: Db,
  actor: Actor,
  rawInput: HostIdInput,
): Promise<HostOperation> {
  requireAdmin(actor, "reboot hosts");
  const { hostId } = hostIdInput.parse(rawInput);
  const host = await hostOrThrow(db, hostId);
  requireHostConnected(host);
  checkIdle(await activeOperationOnHost(db, hostId));
  return db.$transaction(async (tx) => {
    const operation = await createOperation(tx, actor, {
      kind: "host.reboot",
      targetType: "Host",
      targetId: host.id,
      targetName: host.name,
    });
    await recordAudit(tx, actor, {
      action: "host.reboot",
      targetType: "Host",
      targetId: host.id,
      outcome: "Success",
    });
    return { host: { id: host.id, name: host.name }, operation };
  });
}

export async function deleteHost(db: Db, actor: Actor, rawInput: HostIdInput): Promise<void> {
  requireAdmin(actor, "delete hosts");
  const { hostId } = hostIdInput.parse(rawInput);
  const host = await hostOrThrow(db, hostId);
  await db.$transaction(async (tx) => {
    checkHostDeletable(host, await tx.vm.count({ where: { hostId } }));
    checkIdle(await activeOperationOnHost(tx, hostId));
    await tx.host.delete({ where: { id: hostId } });
    await recordAudit(tx, actor, {
      action: "host.delete",
      targetType: "Host",
      targetId: hostId,
      outcome: "Success",
      details: { name: host.name },
    });
  });
}
