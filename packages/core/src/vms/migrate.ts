import type { Db } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { createOperation } from "../operations/create";
import type { Actor } from "../shared/actor";
import { DomainError, ErrorCode, notFound } from "../shared/errors";
import { requireHostConnected } from "../sriov/rules";
import { lockVm, TX_OPTIONS } from "./access";
import type { VmOperation } from "./commands";
import { enforce, migrationVerdict } from "./rules";
import { placementHosts, rankHosts, type PlacementNetwork } from "./scheduler";
import { migrateVmInput, type MigrateVmInput } from "./schemas";

/**
 * Moves a VM to another host. Running: live migration within its cluster, refused with a VF NIC
 * (R9, naming the NIC). Stopped: its VFs are already released (R8), so it may go to any host whose
 * cluster has all its L2s; the next start acquires VFs there.
 */
export async function migrateVm(
  db: Db,
  actor: Actor,
  rawInput: MigrateVmInput,
): Promise<VmOperation> {
  const input = migrateVmInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const vm = await lockVm(tx, actor, input.vmId);
    const nics = await tx.vmNic.findMany({
      where: { vmId: vm.id },
      include: {
        l3: { include: { l2: { include: { clusters: { select: { clusterId: true } } } } } },
      },
    });
    const facts = {
      state: vm.state,
      nics: nics.map((nic) => ({
        deviceIndex: nic.deviceIndex,
        type: nic.type,
        l3Name: nic.l3.name,
      })),
    };
    enforce(migrationVerdict(facts, "live"), { vm: vm.name });
    const fromState = vm.state === "Running" ? "Running" : "Stopped";
    const offering = await tx.instanceOffering.findUniqueOrThrow({ where: { id: vm.offeringId } });
    const networks = new Map<string, PlacementNetwork>();
    const vfsByL2 = new Map<string, number>();
    for (const nic of nics) {
      networks.set(nic.l3.l2Id, {
        l2Id: nic.l3.l2Id,
        physicalInterface: nic.l3.l2.physicalInterface,
        clusterIds: new Set(nic.l3.l2.clusters.map((c) => c.clusterId)),
      });
      if (nic.type === "VF") vfsByL2.set(nic.l3.l2Id, (vfsByL2.get(nic.l3.l2Id) ?? 0) + 1);
    }
    if (input.targetHostId) {
      const target = await tx.host.findUnique({ where: { id: input.targetHostId } });
      if (!target) throw notFound("Host", input.targetHostId);
      requireHostConnected(target);
    }
    const zoneClusters = await tx.cluster.findMany({
      where:
        fromState === "Running" ? { id: vm.clusterId ?? "" } : { vms: { some: { id: vm.id } } },
      select: { id: true, zoneId: true },
    });
    const clusterIds =
      fromState === "Running"
        ? zoneClusters.map((c) => c.id)
        : (
            await tx.cluster.findMany({
              where: { zoneId: { in: zoneClusters.map((c) => c.zoneId) } },
              select: { id: true },
            })
          ).map((c) => c.id);
    const candidates = (
      await placementHosts(
        tx,
        input.targetHostId ? { hostIds: [input.targetHostId] } : { clusterIds },
      )
    )
      .filter((host) => host.id !== vm.hostId)
      .filter((host) => fromState === "Stopped" || clusterIds.includes(host.clusterId));
    // A stopped VM occupies nothing yet, and its VFs are taken at start; ranking still prefers free VFs.
    const demand = {
      vcpus: fromState === "Running" ? offering.vcpus : 0,
      memoryMiB: fromState === "Running" ? offering.memoryMiB : 0,
      networks: [...networks.values()],
      vfsByL2,
    };
    const { eligible, rejected } = rankHosts(candidates, demand);
    const target = eligible[0];
    if (!target) {
      const why =
        rejected.map((r) => `${r.host}: ${r.reason}`).join("; ") ||
        "no other connected host in reach";
      throw new DomainError(
        ErrorCode.NO_MIGRATION_TARGET,
        "CONFLICT",
        `${vm.name} has nowhere to go: ${why}.`,
        { rejected },
      );
    }
    const operation = await createOperation(tx, actor, {
      kind: "vm.migrate",
      targetType: "Vm",
      targetId: vm.id,
      targetName: vm.name,
      projectId: vm.projectId,
      input: { targetHostId: target.id, fromState },
    });
    const updated = await tx.vm.update({ where: { id: vm.id }, data: { state: "Migrating" } });
    await recordAudit(tx, actor, {
      action: "vm.migrate",
      targetType: "Vm",
      targetId: vm.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: { name: vm.name, from: vm.hostId, to: target.name, live: fromState === "Running" },
    });
    return { vm: { ...updated }, operation };
  }, TX_OPTIONS);
}

/**
 * R9 for storage migration. virtfn has no storage backend yet, so the only thing to say is
 * whether it would be allowed; the UI uses vmActions().storageMigrate for the same verdict.
 */
export async function checkStorageMigration(
  db: Db,
  actor: Actor,
  rawInput: { vmId: string },
): Promise<void> {
  const { vmId } = migrateVmInput.pick({ vmId: true }).parse(rawInput);
  const vm = await db.vm.findFirst({
    where: { id: vmId },
    include: { nics: { include: { l3: true } } },
  });
  if (!vm || (actor.role === "Tenant" && !actor.projectIds.includes(vm.projectId)))
    throw notFound("VM", vmId);
  enforce(
    migrationVerdict(
      {
        state: vm.state,
        nics: vm.nics.map((n) => ({ deviceIndex: n.deviceIndex, type: n.type, l3Name: n.l3.name })),
      },
      "storage",
    ),
    { vm: vm.name },
  );
}
