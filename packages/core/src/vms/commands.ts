import type { Db, Operation, Tx, Vm } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { createOperation } from "../operations/create";
import type { OperationKind } from "../operations/kinds";
import type { Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { requireHostConnected } from "../sriov/rules";
import { lockVm, requireProjectWriter, TX_OPTIONS } from "./access";
import { rebuildFdbRows } from "./fdb";
import { insertNic, noVfError, reserveVf, usablePfIds, type ReservedVf } from "./reserve";
import { defaultNicIndex, enforce, queuesFor, vmActions } from "./rules";
import {
  placementHosts,
  rankHosts,
  recheckHostUnderLock,
  type PlacementDemand,
  type PlacementHost,
  type PlacementNetwork,
} from "./scheduler";
import { createVmInput, vmIdInput, type CreateVmInput, type VmIdInput } from "./schemas";

export interface VmOperation {
  vm: Pick<Vm, "id" | "name" | "projectId" | "state" | "desiredState" | "hostId" | "clusterId">;
  operation: Operation;
}

function summary(vm: Vm): VmOperation["vm"] {
  return {
    id: vm.id,
    name: vm.name,
    projectId: vm.projectId,
    state: vm.state,
    desiredState: vm.desiredState,
    hostId: vm.hostId,
    clusterId: vm.clusterId,
  };
}

function noHost(rejected: Array<{ host: string; reason: string }>, why?: string): DomainError {
  const detail =
    why ??
    (rejected.length === 0
      ? "there are no hosts"
      : rejected.map((r) => `${r.host}: ${r.reason}`).join("; "));
  return new DomainError(
    ErrorCode.NO_HOST_AVAILABLE,
    "CONFLICT",
    `No host can run this VM: ${detail}.`,
    { rejected },
  );
}

/** Loads the L3s a request names, with their L2 and its clusters; each must exist. */
async function loadL3s(db: Db | Tx, l3Ids: string[]) {
  const rows = await db.l3Network.findMany({
    where: { id: { in: [...new Set(l3Ids)] } },
    include: { l2: { include: { clusters: { select: { clusterId: true } } } } },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const id of l3Ids) if (!byId.has(id)) throw notFound("L3 network", id);
  return byId;
}

type L3Row = Awaited<ReturnType<typeof loadL3s>> extends Map<string, infer R> ? R : never;

/** A VF NIC needs SR-IOV on its L3 and on the L3's L2 (R1, R2). */
export function requireSriovL3(l3: {
  name: string;
  sriovEnabled: boolean;
  l2: { name: string; sriovEnabled: boolean };
}): void {
  if (!l3.sriovEnabled || !l3.l2.sriovEnabled) {
    const where = l3.l2.sriovEnabled ? `L3 ${l3.name}` : `L2 ${l3.l2.name} of L3 ${l3.name}`;
    throw new DomainError(
      ErrorCode.L3_SRIOV_DISABLED,
      "BAD_REQUEST",
      `SR-IOV is not enabled on ${where}: a NIC there cannot be a VF.`,
      {
        l3: l3.name,
      },
    );
  }
}

function placementNetwork(l3: L3Row): PlacementNetwork {
  return {
    l2Id: l3.l2Id,
    physicalInterface: l3.l2.physicalInterface,
    clusterIds: new Set(l3.l2.clusters.map((c) => c.clusterId)),
  };
}

function demandFor(
  offering: { vcpus: number; memoryMiB: number },
  nics: Array<{ l3: L3Row; sriov: boolean }>,
): PlacementDemand {
  const networks = new Map<string, PlacementNetwork>();
  const vfsByL2 = new Map<string, number>();
  for (const nic of nics) {
    networks.set(nic.l3.l2Id, placementNetwork(nic.l3));
    if (nic.sriov) vfsByL2.set(nic.l3.l2Id, (vfsByL2.get(nic.l3.l2Id) ?? 0) + 1);
  }
  return {
    vcpus: offering.vcpus,
    memoryMiB: offering.memoryMiB,
    networks: [...networks.values()],
    vfsByL2,
  };
}

/**
 * Reserves one VF per VF NIC on this host, or none (R7): null plus the L3 that ran out. The
 * caller wraps it in a savepoint so that a short host gives its VFs back before the next is tried.
 */
async function reserveOnHost(
  tx: Tx,
  host: PlacementHost,
  nics: Array<{ l3: L3Row; sriov: boolean; prefer?: string | null }>,
): Promise<{ reserved: Map<number, ReservedVf>; shortL3: string | null }> {
  const reserved = new Map<number, ReservedVf>();
  for (const [index, nic] of nics.entries()) {
    if (!nic.sriov) continue;
    const pfIds = await usablePfIds(tx, host.id, nic.l3.l2.physicalInterface);
    const vf = await reserveVf(tx, pfIds, nic.prefer ?? null);
    if (!vf) return { reserved, shortL3: nic.l3.name };
    reserved.set(index, vf);
  }
  return { reserved, shortL3: null };
}

/**
 * Creates a VM in one transaction (R7, all or nothing): the scheduler ranks hosts, the VFs are
 * reserved on the first host that has them all (SKIP LOCKED), and the VM, its NICs (IP, MAC, VF),
 * its FDB rows, a vm.create operation and the audit event commit together. If any VF NIC gets no
 * VF on any candidate host, NO_VF_AVAILABLE names its L3 and nothing is left behind.
 */
export async function createVm(
  db: Db,
  actor: Actor,
  rawInput: CreateVmInput,
): Promise<VmOperation> {
  const input = createVmInput.parse(rawInput);
  requireProjectWriter(actor, input.projectId);
  const [project, offering, image] = await Promise.all([
    db.project.findUnique({ where: { id: input.projectId } }),
    db.instanceOffering.findUnique({ where: { id: input.offeringId } }),
    db.image.findUnique({ where: { id: input.imageId } }),
  ]);
  if (!project) throw notFound("Project", input.projectId);
  if (!offering) throw notFound("Instance offering", input.offeringId);
  if (!image) throw notFound("Image", input.imageId);
  const l3s = await loadL3s(
    db,
    input.nics.map((nic) => nic.l3Id),
  );
  const nics = input.nics.map((nic) => {
    const l3 = l3s.get(nic.l3Id);
    if (!l3) throw notFound("L3 network", nic.l3Id);
    if (nic.sriov) requireSriovL3(l3);
    return { l3, sriov: nic.sriov };
  });
  const defaultIndex = defaultNicIndex(input.nics);
  const demand = demandFor(offering, nics);
  const clusterIds = [...(demand.networks[0]?.clusterIds ?? [])].filter((id) =>
    demand.networks.every((network) => network.clusterIds.has(id)),
  );
  if (clusterIds.length === 0)
    throw noHost([], "no cluster is attached to the L2 of every chosen L3");
  const placement = rankHosts(await placementHosts(db, { clusterIds }), demand);
  if (placement.eligible.length === 0) throw noHost(placement.rejected);

  try {
    return await db.$transaction(async (tx) => {
      const clash = await tx.vm.findUnique({
        where: { projectId_name: { projectId: project.id, name: input.name } },
      });
      if (clash) throw alreadyExists("VM", "name", input.name);
      let chosen: PlacementHost | null = null;
      let reserved = new Map<number, ReservedVf>();
      // The L3 named in the error is the one that ran out on the host that got furthest.
      let short: { l3: string; got: number } | null = null;
      const filledUp: Array<{ host: string; reason: string }> = [];
      for (const host of placement.eligible) {
        await tx.$executeRawUnsafe("SAVEPOINT place_vm");
        // Host row first, then PFs and VFs: the same order as the reconciler's host sync, so the
        // two cannot deadlock. The counts read before the transaction may be stale: re-check.
        const full = await recheckHostUnderLock(tx, host.id, demand);
        if (full !== null) {
          // Rolling back to the savepoint releases the host lock before the next host is tried.
          await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT place_vm");
          filledUp.push({ host: host.name, reason: full });
          continue;
        }
        const attempt = await reserveOnHost(tx, host, nics);
        if (attempt.shortL3 === null) {
          await tx.$executeRawUnsafe("RELEASE SAVEPOINT place_vm");
          chosen = host;
          reserved = attempt.reserved;
          break;
        }
        await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT place_vm");
        if (short === null || attempt.reserved.size > short.got)
          short = { l3: attempt.shortL3, got: attempt.reserved.size };
      }
      if (!chosen && short === null) throw noHost(filledUp);
      if (!chosen) {
        throw noVfError(short?.l3 ?? "?", null, {
          hostsTried: placement.eligible.map((host) => host.name),
        });
      }
      const vm = await tx.vm.create({
        data: {
          projectId: project.id,
          name: input.name,
          offeringId: offering.id,
          imageId: image.id,
          state: "Creating",
          desiredState: "Running",
          hostId: chosen.id,
          clusterId: chosen.clusterId,
        },
      });
      const created = [];
      for (const [index, nic] of nics.entries()) {
        const vf = reserved.get(index) ?? null;
        const row = await insertNic(tx, {
          vmId: vm.id,
          l3Id: nic.l3.id,
          l3Name: nic.l3.name,
          deviceIndex: index,
          type: nic.sriov ? "VF" : "VNIC",
          isDefault: index === defaultIndex,
          queues: nic.sriov ? 1 : queuesFor(offering.vcpus),
          vfId: vf?.id ?? null,
        });
        created.push({
          ...row,
          l3: nic.l3.name,
          type: nic.sriov ? "VF" : "VNIC",
          vf: vf?.pciAddress ?? null,
        });
      }
      await rebuildFdbRows(tx, vm.id);
      const operation = await createOperation(tx, actor, {
        kind: "vm.create",
        targetType: "Vm",
        targetId: vm.id,
        targetName: vm.name,
        projectId: vm.projectId,
      });
      await recordAudit(tx, actor, {
        action: "vm.create",
        targetType: "Vm",
        targetId: vm.id,
        projectId: vm.projectId,
        outcome: "Success",
        details: {
          name: vm.name,
          host: chosen.name,
          offering: offering.name,
          image: image.name,
          nics: created,
        },
      });
      return { vm: summary(vm), operation };
    }, TX_OPTIONS);
  } catch (error) {
    if (isUniqueViolation(error, "Vm_projectId_name_key"))
      throw alreadyExists("VM", "name", input.name);
    throw error;
  }
}

async function startOperation(
  tx: Tx,
  actor: Actor | null,
  vm: Vm,
  kind: OperationKind,
  changes: Partial<Pick<Vm, "state" | "desiredState">>,
  details: Record<string, string | number | boolean | null> = {},
  input: Record<string, string> = {},
): Promise<VmOperation> {
  // The operation first: if another one runs on this VM, nothing else changes.
  const operation = await createOperation(tx, actor, {
    kind,
    targetType: "Vm",
    targetId: vm.id,
    targetName: vm.name,
    projectId: vm.projectId,
    input,
  });
  const updated = await tx.vm.update({ where: { id: vm.id }, data: changes });
  await recordAudit(tx, actor, {
    action: kind,
    targetType: "Vm",
    targetId: vm.id,
    projectId: vm.projectId,
    outcome: "Success",
    details: { name: vm.name, from: vm.state, ...details },
  });
  return { vm: summary(updated), operation };
}

/**
 * Takes VFs back for a VM's VF NICs on its host (R8): the previous VF if free, else any free VF
 * of the L2 there. Throws NO_VF_AVAILABLE naming the L3, which rolls back the caller's transaction.
 */
export async function reacquireVfs(
  tx: Tx,
  vmId: string,
  host: { id: string; name: string },
): Promise<string[]> {
  const nics = await tx.vmNic.findMany({
    where: { vmId, type: "VF", vfId: null },
    include: { l3: { include: { l2: true } } },
    orderBy: { deviceIndex: "asc" },
  });
  const taken: string[] = [];
  for (const nic of nics) {
    const pfIds = await usablePfIds(tx, host.id, nic.l3.l2.physicalInterface);
    const vf = await reserveVf(tx, pfIds, nic.lastVfId);
    if (!vf) {
      throw noVfError(nic.l3.name, `on host ${host.name}; the VM stays stopped`, {
        nicId: nic.id,
        host: host.name,
      });
    }
    const { count } = await tx.vmNic.updateMany({
      where: { id: nic.id, vfId: null },
      data: { vfId: vf.id },
    });
    if (count === 0) throw new Error(`NIC ${nic.id} changed while its VF was being reserved`);
    taken.push(vf.pciAddress);
  }
  return taken;
}

/** Starts a stopped VM on its host (R8: its VF NICs get VFs back in this transaction). */
export async function startVm(db: Db, actor: Actor, rawInput: VmIdInput): Promise<VmOperation> {
  const { vmId } = vmIdInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const vm = await lockVm(tx, actor, vmId);
    enforce(vmActions({ state: vm.state, nics: [] }).start, { vm: vm.name });
    if (!vm.hostId) throw noHost([], "the VM has no host");
    const host = await tx.host.findUniqueOrThrow({ where: { id: vm.hostId } });
    requireHostConnected(host);
    const offering = await tx.instanceOffering.findUniqueOrThrow({ where: { id: vm.offeringId } });
    const vfNics = await tx.vmNic.count({ where: { vmId, type: "VF" } });
    const [placed] = await placementHosts(tx, { hostIds: [host.id] });
    if (placed) {
      const { rejected } = rankHosts([placed], {
        vcpus: offering.vcpus,
        memoryMiB: offering.memoryMiB,
        networks: [],
        vfsByL2: new Map(vfNics > 0 ? [["any", vfNics]] : []),
      });
      const why = rejected[0]?.reason ?? (await recheckHostUnderLock(tx, host.id, offering));
      if (why) {
        throw new DomainError(
          ErrorCode.INSUFFICIENT_CAPACITY,
          "CONFLICT",
          `${vm.name} cannot start on ${host.name}: ${why}.`,
          {
            host: host.name,
          },
        );
      }
    }
    const vfs = await reacquireVfs(tx, vm.id, host);
    await rebuildFdbRows(tx, vm.id);
    return startOperation(
      tx,
      actor,
      vm,
      "vm.start",
      { state: "Starting", desiredState: "Running" },
      { vfs: vfs.join(",") },
    );
  }, TX_OPTIONS);
}

/** Stops a running VM; the vm.stop operation releases its VFs (R8). */
export async function stopVm(db: Db, actor: Actor, rawInput: VmIdInput): Promise<VmOperation> {
  const { vmId } = vmIdInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const vm = await lockVm(tx, actor, vmId);
    enforce(vmActions({ state: vm.state, nics: [] }).stop, { vm: vm.name });
    return startOperation(tx, actor, vm, "vm.stop", { state: "Stopping", desiredState: "Stopped" });
  }, TX_OPTIONS);
}

/** Reboots a running VM; it keeps its VFs. */
export async function rebootVm(db: Db, actor: Actor, rawInput: VmIdInput): Promise<VmOperation> {
  const { vmId } = vmIdInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const vm = await lockVm(tx, actor, vmId);
    enforce(vmActions({ state: vm.state, nics: [] }).reboot, { vm: vm.name });
    return startOperation(tx, actor, vm, "vm.reboot", { state: "Rebooting" });
  }, TX_OPTIONS);
}

/** Deletes a VM: the vm.delete operation removes the domain, releases VFs and FDB entries, then the rows. */
export async function deleteVm(db: Db, actor: Actor, rawInput: VmIdInput): Promise<VmOperation> {
  const { vmId } = vmIdInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const vm = await lockVm(tx, actor, vmId);
    // A VM stuck in a transition with no operation left (a failed retry) can still be deleted;
    // one with a live operation is refused by createOperation (OPERATION_IN_PROGRESS).
    return startOperation(tx, actor, vm, "vm.delete", {
      state: "Deleting",
      desiredState: "Stopped",
    });
  }, TX_OPTIONS);
}
