import { randomUUID } from "node:crypto";
import type { Db, Eip, Tx } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import type { Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { requireProjectWriter, TX_OPTIONS } from "../vms/access";
import { freeIps } from "../vms/reserve";
import { eipVerdict, enforce } from "../vms/rules";
import { lockNicFacts } from "./nic";
import {
  attachEipInput,
  createEipInput,
  eipIdInput,
  projectIdInput,
  type AttachEipInput,
  type CreateEipInput,
  type EipIdInput,
  type ProjectIdInput,
} from "./schemas";
import { canSeeProject, requireVisibleProject } from "../shared/visibility";

export async function listEips(db: Db, actor: Actor, rawInput: ProjectIdInput): Promise<Eip[]> {
  const { projectId } = projectIdInput.parse(rawInput);
  requireVisibleProject(actor, projectId);
  return db.eip.findMany({ where: { projectId }, orderBy: { name: "asc" } });
}

/** Allocates a public address from the VIP L3 (a free one of its ranges unless given). */
export async function createEip(db: Db, actor: Actor, rawInput: CreateEipInput): Promise<Eip> {
  const input = createEipInput.parse(rawInput);
  requireProjectWriter(actor, input.projectId);
  try {
    return await db.$transaction(async (tx) => {
      const l3 = await tx.l3Network.findUnique({ where: { id: input.vipL3Id } });
      if (!l3) throw notFound("L3 network", input.vipL3Id);
      const eip = await insertEip(tx, {
        projectId: input.projectId,
        name: input.name,
        l3,
        ip: input.ip ?? null,
      });
      const ip = eip.ip;
      await recordAudit(tx, actor, {
        action: "eip.create",
        targetType: "Eip",
        targetId: eip.id,
        projectId: eip.projectId,
        outcome: "Success",
        details: { name: eip.name, ip, l3: l3.name },
      });
      return eip;
    }, TX_OPTIONS);
  } catch (error) {
    if (isUniqueViolation(error))
      throw alreadyExists("EIP", "ip", input.ip ?? "allocated", "address");
    throw error;
  }
}

/**
 * Inserts the EIP with the given address, or a free one of the L3 (picked at random among the
 * first few, retried when a concurrent request took it: ON CONFLICT DO NOTHING keeps the
 * transaction usable).
 */
async function insertEip(
  tx: Tx,
  args: { projectId: string; name: string; l3: { id: string; name: string }; ip: string | null },
): Promise<Eip> {
  const tried = new Set<string>();
  for (let attempt = 0; attempt < 24; attempt += 1) {
    const candidates = args.ip ? [args.ip] : await freeIps(tx, args.l3.id, tried);
    const ip = candidates[Math.floor(Math.random() * candidates.length)];
    if (!ip) break;
    const id = randomUUID();
    const { count } = await tx.eip.createMany({
      data: [{ id, projectId: args.projectId, name: args.name, vipL3Id: args.l3.id, ip }],
      skipDuplicates: true,
    });
    if (count === 1) return tx.eip.findUniqueOrThrow({ where: { id } });
    if (args.ip) throw alreadyExists("EIP", "ip", args.ip, "address");
    tried.add(ip);
  }
  throw new DomainError(
    ErrorCode.NO_IP_AVAILABLE,
    "CONFLICT",
    `no free IP address on L3 ${args.l3.name}`,
    { l3: args.l3.name },
  );
}

async function visibleEip(
  db: Parameters<Parameters<Db["$transaction"]>[0]>[0],
  actor: Actor,
  eipId: string,
) {
  await db.$queryRaw`SELECT id FROM "Eip" WHERE id = ${eipId}::uuid FOR UPDATE`;
  const eip = await db.eip.findUnique({ where: { id: eipId } });
  if (!eip || !canSeeProject(actor, eip.projectId)) throw notFound("EIP", eipId);
  requireProjectWriter(actor, eip.projectId);
  return eip;
}

export async function deleteEip(db: Db, actor: Actor, rawInput: EipIdInput): Promise<void> {
  const { eipId } = eipIdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const eip = await visibleEip(tx, actor, eipId);
    await tx.eip.delete({ where: { id: eip.id } });
    await recordAudit(tx, actor, {
      action: "eip.delete",
      targetType: "Eip",
      targetId: eip.id,
      projectId: eip.projectId,
      outcome: "Success",
      details: { ip: eip.ip },
    });
  }, TX_OPTIONS);
}

/** R6: a VF NIC on a Public or Flat L3 cannot have an EIP; on VRouter/Vpc it can. */
export async function attachEip(db: Db, actor: Actor, rawInput: AttachEipInput): Promise<Eip> {
  const input = attachEipInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const { vm, nic, facts } = await lockNicFacts(tx, actor, input.nicId);
    const eip = await visibleEip(tx, actor, input.eipId);
    if (eip.projectId !== vm.projectId) {
      throw new DomainError(
        ErrorCode.PROJECT_MISMATCH,
        "BAD_REQUEST",
        "The EIP and the NIC belong to different projects.",
      );
    }
    enforce(eipVerdict(facts), { nicId: nic.id });
    if (eip.nicId === nic.id) return eip;
    if (eip.nicId !== null || nic.eip !== null) {
      throw new DomainError(
        ErrorCode.EIP_ALREADY_ATTACHED,
        "CONFLICT",
        "The EIP or the NIC already has an attachment; detach it first.",
      );
    }
    const updated = await tx.eip.update({ where: { id: eip.id }, data: { nicId: nic.id } });
    await recordAudit(tx, actor, {
      action: "eip.attach",
      targetType: "Eip",
      targetId: eip.id,
      projectId: eip.projectId,
      outcome: "Success",
      details: { nicId: nic.id, vm: vm.name, ip: eip.ip },
    });
    return updated;
  }, TX_OPTIONS);
}

export async function detachEip(db: Db, actor: Actor, rawInput: EipIdInput): Promise<Eip> {
  const { eipId } = eipIdInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const eip = await visibleEip(tx, actor, eipId);
    const updated = await tx.eip.update({ where: { id: eip.id }, data: { nicId: null } });
    await recordAudit(tx, actor, {
      action: "eip.detach",
      targetType: "Eip",
      targetId: eip.id,
      projectId: eip.projectId,
      outcome: "Success",
      details: { nicId: eip.nicId },
    });
    return updated;
  }, TX_OPTIONS);
}
