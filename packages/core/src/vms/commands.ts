import { Prisma, type Db, type Operation, type Tx, type Vm } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { createOperation } from "../operations/create";
import type { OperationKind } from "../operations/kinds";
import type { Actor } from "../shared/actor";
import { isUniqueViolation, retryTransaction } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { requireHostConnected } from "../sriov/rules";
import { lockVm, requireProjectWriter, TX_OPTIONS } from "./access";
import { rebuildFdbRows } from "./fdb";
import {
  judgeHost,
  lockAndReserve,
  placementError,
  tryOrder,
  type CreateDemand,
  type HostReason,
  type VfNetwork,
  type VfRequest,
} from "./placement";
import { insertNic, noVfError, reserveVf, usablePfIds, type ReservedVf } from "./reserve";
import { defaultNicIndex, enforce, queuesFor, vmActions } from "./rules";
import {
  placementHosts,
  rankHosts,
  recheckHostUnderLock,
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
    include: {
      ipRanges: { select: { startIp: true, endIp: true } },
      l2: { include: { clusters: { select: { clusterId: true } } } },
    },
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

/** The networks a create needs, one per L2, with the VF NICs wanted on each (in NIC order). */
function createDemand(
  offering: { vcpus: number; memoryMiB: number },
  nics: Array<{ l3: L3Row; sriov: boolean }>,
): CreateDemand {
  const networks = new Map<string, VfNetwork>();
  for (const nic of nics) {
    const network = networks.get(nic.l3.l2Id) ?? {
      ...placementNetwork(nic.l3),
      l3Name: nic.l3.name,
      vfs: 0,
    };
    if (nic.sriov && network.vfs === 0) network.l3Name = nic.l3.name;
    if (nic.sriov) network.vfs += 1;
    networks.set(nic.l3.l2Id, network);
  }
  return { vcpus: offering.vcpus, memoryMiB: offering.memoryMiB, networks: [...networks.values()] };
}

/**
 * Creates a VM (R7, all or nothing). Hosts are judged on a snapshot read outside any lock, and
 * concurrent creates spread over the best few (tryOrder). One transaction then writes the VM, its
 * NICs (IPs probed by index), FDB rows and the vm.create operation first, and only then locks a
 * host and reserves the VFs (lockAndReserve): the lock is held for a handful of statements. If no
 * host can serve every VF NIC, the error's code fits the cause and lists each host's reason, and
 * nothing is left behind. A transaction that cannot start in time, or loses a deadlock, is run
 * again (it touches nothing outside the database); then DATABASE_BUSY.
 */
export async function createVm(
  db: Db,
  actor: Actor,
  rawInput: CreateVmInput,
): Promise<VmOperation> {
  const input = createVmInput.parse(rawInput);
  requireProjectWriter(actor, input.projectId);
  const [project, offering, image, l3s] = await Promise.all([
    db.project.findUnique({ where: { id: input.projectId } }),
    db.instanceOffering.findUnique({ where: { id: input.offeringId } }),
    db.image.findUnique({ where: { id: input.imageId } }),
    loadL3s(
      db,
      input.nics.map((nic) => nic.l3Id),
    ),
  ]);
  if (!project) throw notFound("Project", input.projectId);
  if (!offering) throw notFound("Instance offering", input.offeringId);
  if (!image) throw notFound("Image", input.imageId);
  const nics = input.nics.map((nic) => {
    const l3 = l3s.get(nic.l3Id);
    if (!l3) throw notFound("L3 network", nic.l3Id);
    if (nic.sriov) requireSriovL3(l3);
    return { l3, sriov: nic.sriov };
  });
  const defaultIndex = defaultNicIndex(input.nics);
  const demand = createDemand(offering, nics);
  const clusterIds = [...(demand.networks[0]?.clusterIds ?? [])].filter((id) =>
    demand.networks.every((network) => network.clusterIds.has(id)),
  );
  if (clusterIds.length === 0)
    throw noHost([], "no cluster is attached to the L2 of every chosen L3");
  const requests: VfRequest[] = nics.flatMap((nic, index) => {
    const network = demand.networks.find((n) => n.l2Id === nic.l3.l2Id);
    return nic.sriov && network ? [{ index, network }] : [];
  });
  const firstVfL3 = requests[0]?.network.l3Name ?? null;

  return retryTransaction(async () => {
    const snapshot: HostReason[] = [];
    const qualifying: PlacementHost[] = [];
    for (const host of await placementHosts(db, { clusterIds })) {
      const refusal = judgeHost(host, demand);
      if (refusal) snapshot.push(refusal);
      else qualifying.push(host);
    }
    if (qualifying.length === 0) throw placementError(snapshot, firstVfL3);
    const order = tryOrder(qualifying, demand);
    const first = order[0] as PlacementHost;
    try {
      return await db.$transaction(async (tx) => {
        const vm = await tx.vm.create({
          data: {
            projectId: project.id,
            name: input.name,
            offeringId: offering.id,
            imageId: image.id,
            state: "Creating",
            desiredState: "Running",
            hostId: first.id,
            clusterId: first.clusterId,
          },
        });
        const rows: Array<{ id: string; ip: string; mac: string }> = [];
        for (const [index, nic] of nics.entries()) {
          const row = await insertNic(
            tx,
            {
              vmId: vm.id,
              l3Id: nic.l3.id,
              l3Name: nic.l3.name,
              deviceIndex: index,
              type: nic.sriov ? "VF" : "VNIC",
              isDefault: index === defaultIndex,
              queues: nic.sriov ? 1 : queuesFor(offering.vcpus),
              vfId: null,
            },
            nic.l3,
          );
          rows.push(row);
        }
        if (nics.some((nic) => !nic.sriov && nic.l3.l2.sriovEnabled))
          await rebuildFdbRows(tx, vm.id);
        const operation = await createOperation(tx, actor, {
          kind: "vm.create",
          targetType: "Vm",
          targetId: vm.id,
          targetName: vm.name,
          projectId: vm.projectId,
        });

        const refused: HostReason[] = [];
        let placed: { host: PlacementHost; reserved: Map<number, ReservedVf> } | null = null;
        for (const host of order) {
          if (host !== first) {
            await tx.vm.update({
              where: { id: vm.id },
              data: { hostId: host.id, clusterId: host.clusterId },
            });
            if (nics.some((nic) => !nic.sriov && nic.l3.l2.sriovEnabled))
              await rebuildFdbRows(tx, vm.id);
          }
          await tx.$executeRawUnsafe("SAVEPOINT place_vm");
          const attempt = await lockAndReserve(tx, host, demand, requests);
          if (attempt.ok) {
            placed = { host, reserved: attempt.reserved };
            break;
          }
          // Rolling back to the savepoint releases this host's locks before the next is tried.
          await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT place_vm");
          refused.push(attempt.refusal);
        }
        if (!placed) throw placementError([...snapshot, ...refused], firstVfL3);
        const { host, reserved } = placed;
        const links = [...reserved.entries()].flatMap(([index, vf]) => {
          const row = rows[index];
          return row ? [Prisma.sql`(${row.id}::uuid, ${vf.id}::uuid)`] : [];
        });
        if (links.length > 0) {
          await tx.$executeRaw`
            UPDATE "VmNic" AS n SET "vfId" = l.vf
            FROM (VALUES ${Prisma.join(links)}) AS l(nic, vf) WHERE n.id = l.nic`;
        }
        await recordAudit(tx, actor, {
          action: "vm.create",
          targetType: "Vm",
          targetId: vm.id,
          projectId: vm.projectId,
          outcome: "Success",
          details: {
            name: vm.name,
            host: host.name,
            offering: offering.name,
            image: image.name,
            nics: rows.map((row, index) => ({
              ...row,
              l3: nics[index]?.l3.name ?? "",
              type: nics[index]?.sriov ? "VF" : "VNIC",
              vf: reserved.get(index)?.pciAddress ?? null,
            })),
          },
        });
        return {
          vm: summary({ ...vm, hostId: host.id, clusterId: host.clusterId }),
          operation,
        };
      }, TX_OPTIONS);
    } catch (error) {
      if (isUniqueViolation(error, "Vm_projectId_name_key"))
        throw alreadyExists("VM", "name", input.name);
      throw error;
    }
  });
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
