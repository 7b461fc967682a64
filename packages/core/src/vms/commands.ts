import type { Db, Tx, Vm } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { createOperation } from "../operations/create";
import type { OperationKind } from "../operations/kinds";
import type { Actor } from "../shared/actor";
import { DomainError, ErrorCode, isDomainError } from "../shared/errors";
import { checkAcceptsPlacements } from "../hosts/rules";
import { requireHostConnected } from "../sriov/rules";
import { lockVm, TX_OPTIONS } from "./access";
import { noHost, type VmOperation } from "./create";
import { acquirePciDevices } from "../passthru/reserve";
import { rebuildFdbRows } from "./fdb";
import { pfsOnNode, startNumaNode, type StartNuma } from "./numa-start";
import { noVfError, reserveVf, usablePfIds } from "./reserve";
import { enforce, vmActions } from "./rules";
import { placementHosts, rankHosts, recheckHostUnderLock } from "./scheduler";
import { vmIdInput, type VmIdInput } from "./schemas";

export { createVm, requireSriovL3, type VmOperation } from "./create";

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

async function startOperation(
  tx: Tx,
  actor: Actor | null,
  vm: Vm,
  kind: OperationKind,
  changes: Partial<Pick<Vm, "state" | "desiredState" | "numaNode">>,
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
 * of the L2 there that its pool (if any) lets through to the VM's project (sriov/pools.ts).
 * With `numaNode`, only VFs of PFs on that node (vms/numa-start.ts picked it under the host's
 * lock). Throws NO_VF_AVAILABLE naming the L3, which rolls back the caller's transaction.
 */
export async function reacquireVfs(
  tx: Tx,
  vmId: string,
  host: { id: string; name: string },
  numaNode: number | null = null,
): Promise<string[]> {
  const nics = await tx.vmNic.findMany({
    where: { vmId, type: "VF", vfId: null },
    include: { l3: { include: { l2: true } }, vm: { select: { projectId: true } } },
    orderBy: { deviceIndex: "asc" },
  });
  const taken: string[] = [];
  for (const nic of nics) {
    const usable = await usablePfIds(tx, host.id, nic.l3.l2.physicalInterface);
    const pfIds = numaNode === null ? usable : await pfsOnNode(tx, usable, numaNode);
    const vfFor = { l2Id: nic.l3.l2Id, projectId: nic.vm.projectId };
    const vf = await reserveVf(tx, pfIds, vfFor, nic.lastVfId);
    if (!vf) {
      const where = numaNode === null ? "" : ` NUMA node ${numaNode} of`;
      throw noVfError(nic.l3.name, `on${where} host ${host.name}; the VM stays stopped`, {
        nicId: nic.id,
        host: host.name,
        ...(numaNode === null ? {} : { numaNode }),
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

/**
 * reacquireVfs on the start's node; returns the VFs and the node the VM ends up bound to. With
 * policy preferred, a node whose VFs went meanwhile (an attach on a running VM does not wait for
 * the host's lock) falls back to the host as a whole, and the VM then starts without a node, as
 * when no node fit: the savepoint undoes the partial reservation. With required, the refusal
 * stands and the VM stays stopped.
 */
async function reacquireVfsNear(
  tx: Tx,
  vmId: string,
  host: { id: string; name: string },
  numa: StartNuma,
): Promise<{ vfs: string[]; node: number | null }> {
  if (numa.node === null || numa.strict)
    return { vfs: await reacquireVfs(tx, vmId, host, numa.node), node: numa.node };
  await tx.$executeRawUnsafe("SAVEPOINT start_on_node");
  try {
    return { vfs: await reacquireVfs(tx, vmId, host, numa.node), node: numa.node };
  } catch (error) {
    if (!isDomainError(error) || error.code !== ErrorCode.NO_VF_AVAILABLE) throw error;
    await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT start_on_node");
    return { vfs: await reacquireVfs(tx, vmId, host, null), node: null };
  }
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
    // A start is a new placement on the host: maintenance refuses it (the VM stays stopped).
    checkAcceptsPlacements(host);
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
    // Under the host's lock (recheckHostUnderLock): the node its offering's policy asks for.
    const numa = await startNumaNode(tx, vm, host, offering);
    const { vfs, node } = await reacquireVfsNear(tx, vm.id, host, numa);
    // Whole devices in the same transaction: all or nothing with the VFs (issue 17).
    const hostdevs = await acquirePciDevices(tx, vm, host);
    await rebuildFdbRows(tx, vm.id);
    return startOperation(
      tx,
      actor,
      vm,
      "vm.start",
      { state: "Starting", desiredState: "Running", numaNode: node },
      {
        vfs: vfs.join(","),
        numaNode: node,
        ...(hostdevs.length > 0 ? { hostdevs: hostdevs.join(",") } : {}),
      },
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
