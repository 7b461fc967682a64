import type { Db } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import type { Actor } from "../shared/actor";
import { DomainError, ErrorCode, notFound } from "../shared/errors";
import { lockNic, lockVm, TX_OPTIONS } from "./access";
import { requireSriovL3, type VmOperation } from "./commands";
import { rebuildFdbRows, requestFdbSync } from "./fdb";
import { insertNic, noVfError, reserveVf, usablePfIds } from "./reserve";
import { enforce, nicLabel, queuesFor, typeChangeVerdict, vmActions } from "./rules";
import {
  attachNicInput,
  nicIdInput,
  setNicTypeInput,
  type AttachNicInput,
  type NicIdInput,
  type SetNicTypeInput,
} from "./schemas";
import { createOperation } from "../operations/create";

/**
 * Adds a NIC to a running or stopped VM. A VF NIC on a running VM gets its VF reserved here (no
 * VF: NO_VF_AVAILABLE and nothing changes); on a stopped VM it gets one at the next start (R8).
 */
export async function attachNic(
  db: Db,
  actor: Actor,
  rawInput: AttachNicInput,
): Promise<VmOperation & { nicId: string }> {
  const input = attachNicInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const vm = await lockVm(tx, actor, input.vmId);
    enforce(vmActions({ state: vm.state, nics: [] }).attachNic, { vm: vm.name });
    const l3 = await tx.l3Network.findUnique({
      where: { id: input.l3Id },
      include: { l2: { include: { clusters: { select: { clusterId: true } } } } },
    });
    if (!l3) throw notFound("L3 network", input.l3Id);
    if (input.sriov) requireSriovL3(l3);
    if (!vm.clusterId || !l3.l2.clusters.some((c) => c.clusterId === vm.clusterId)) {
      throw new DomainError(
        ErrorCode.L2_NOT_ON_CLUSTER,
        "CONFLICT",
        `L2 ${l3.l2.name} of L3 ${l3.name} is not attached to the VM's cluster.`,
        { l3: l3.name },
      );
    }
    const offering = await tx.instanceOffering.findUniqueOrThrow({ where: { id: vm.offeringId } });
    let vfId: string | null = null;
    if (input.sriov && vm.state === "Running" && vm.hostId) {
      const host = await tx.host.findUniqueOrThrow({ where: { id: vm.hostId } });
      const vf = await reserveVf(tx, await usablePfIds(tx, host.id, l3.l2.physicalInterface), {
        l2Id: l3.l2.id,
        projectId: vm.projectId,
      });
      if (!vf) throw noVfError(l3.name, `on host ${host.name}`, { host: host.name });
      vfId = vf.id;
    }
    const last = await tx.vmNic.findFirst({
      where: { vmId: vm.id },
      orderBy: { deviceIndex: "desc" },
    });
    const nic = await insertNic(tx, {
      vmId: vm.id,
      l3Id: l3.id,
      l3Name: l3.name,
      deviceIndex: (last?.deviceIndex ?? -1) + 1,
      type: input.sriov ? "VF" : "VNIC",
      isDefault: last === null,
      queues: input.sriov ? 1 : queuesFor(offering.vcpus),
      vfId,
    });
    await rebuildFdbRows(tx, vm.id);
    const operation = await createOperation(tx, actor, {
      kind: "vm.attachNic",
      targetType: "Vm",
      targetId: vm.id,
      targetName: vm.name,
      projectId: vm.projectId,
      input: { nicId: nic.id },
    });
    await recordAudit(tx, actor, {
      action: "vm.attachNic",
      targetType: "Vm",
      targetId: vm.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: {
        name: vm.name,
        nicId: nic.id,
        l3: l3.name,
        sriov: input.sriov,
        ip: nic.ip,
        mac: nic.mac,
      },
    });
    return { vm, operation, nicId: nic.id };
  }, TX_OPTIONS);
}

/** Removes a NIC from a running (hot-unplug) or stopped VM; its VF, IP, MAC and FDB entries go with it. */
export async function detachNic(db: Db, actor: Actor, rawInput: NicIdInput): Promise<VmOperation> {
  const { nicId } = nicIdInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const { vm, nic } = await lockNic(tx, actor, nicId);
    enforce(vmActions({ state: vm.state, nics: [] }).detachNic, { vm: vm.name });
    const operation = await createOperation(tx, actor, {
      kind: "vm.detachNic",
      targetType: "Vm",
      targetId: vm.id,
      targetName: vm.name,
      projectId: vm.projectId,
      input: { nicId: nic.id },
    });
    await recordAudit(tx, actor, {
      action: "vm.detachNic",
      targetType: "Vm",
      targetId: vm.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: { name: vm.name, nicId: nic.id, nic: nicLabel(nic), mac: nic.mac },
    });
    return { vm, operation };
  }, TX_OPTIONS);
}

/**
 * VF ↔ vNIC, only while the VM is stopped (R10), and to VF only without QoS (R4), security groups
 * (R5) or an EIP on a Public/Flat L3 (R6). A stopped VM holds no VF, so this is a row change; the
 * next start acquires a VF (R8) and redefines the domain.
 */
export async function setNicType(db: Db, actor: Actor, rawInput: SetNicTypeInput) {
  const input = setNicTypeInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const { vm, nic } = await lockNic(tx, actor, input.nicId);
    const active = await tx.operation.findFirst({
      where: { targetType: "Vm", targetId: vm.id, status: { in: ["Pending", "Running"] } },
    });
    if (active) {
      throw new DomainError(
        ErrorCode.OPERATION_IN_PROGRESS,
        "CONFLICT",
        `${vm.name} is busy with ${active.kind}; wait for it to finish.`,
        {
          operationId: active.id,
        },
      );
    }
    const verdict = typeChangeVerdict(
      {
        deviceIndex: nic.deviceIndex,
        type: nic.type,
        l3Name: nic.l3.name,
        l3Category: nic.l3.category,
        sriovAvailable: nic.l3.sriovEnabled && nic.l3.l2.sriovEnabled,
        hasQos: nic.qos !== null,
        securityGroupCount: nic._count.securityGroups,
        hasEip: nic.eip !== null,
      },
      vm.state,
      input.type,
    );
    enforce(verdict, { nicId: nic.id, vm: vm.name });
    if (nic.type === input.type) return { id: nic.id, type: nic.type };
    const offering = await tx.instanceOffering.findUniqueOrThrow({ where: { id: vm.offeringId } });
    const updated = await tx.vmNic.update({
      where: { id: nic.id },
      data: {
        type: input.type,
        lastVfId: null,
        queues: input.type === "VF" ? 1 : queuesFor(offering.vcpus),
      },
    });
    await rebuildFdbRows(tx, vm.id);
    // The stopped VM's domain waits for its next start, but its vNIC's entry must not: a MAC
    // left in (or missing from) the PF's FDB misdirects traffic on the L2 now.
    if (vm.hostId) await requestFdbSync(tx, [vm.hostId]);
    await recordAudit(tx, actor, {
      action: "vmNic.setType",
      targetType: "VmNic",
      targetId: nic.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: { vm: vm.name, nic: nicLabel(nic), from: nic.type, to: input.type },
    });
    return { id: updated.id, type: updated.type };
  }, TX_OPTIONS);
}

/**
 * What a NIC's VF honestly is (issue 10): a VF NIC on a VM that should be running but holds no
 * VF lost it (a forced restore took it, R11); on a stopped VM it was released (R8) and the next
 * start takes one back. null for vNICs.
 */
export type NicVfStatus = "Attached" | "Reserved" | "Missing" | "VF lost" | "Released";

export function nicVfStatus(
  nic: { type: "VF" | "VNIC"; vf: { state: string } | null },
  vmState: string,
): NicVfStatus | null {
  if (nic.type !== "VF") return null;
  if (nic.vf) {
    if (nic.vf.state === "Missing") return "Missing";
    return nic.vf.state === "Attached" ? "Attached" : "Reserved";
  }
  return ["Running", "Rebooting", "Migrating"].includes(vmState) ? "VF lost" : "Released";
}
