import type { Db, DbOrTx, Tx } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { createOperation } from "../operations/create";
import type { Actor } from "../shared/actor";
import { DomainError, ErrorCode, notFound } from "../shared/errors";
import { requireHostConnected } from "../sriov/rules";
import { lockVm, TX_OPTIONS, visibleVm } from "./access";
import type { VmOperation } from "./commands";
import {
  judgeHost,
  reserveOnHost,
  tryOrder,
  type CreateDemand,
  type HostReason,
  type VfNetwork,
  type VfRequest,
} from "./placement";
import { numaNodeFor } from "./numa";
import { noVfError } from "./reserve";
import { assignedPciAddresses } from "../passthru/queries";
import { enforce, migrationVerdict } from "./rules";
import {
  placementHosts,
  rankHosts,
  recheckHostUnderLock,
  type PlacementHost,
  type PlacementNetwork,
} from "./scheduler";
import { migrateVmInput, type MigrateVmInput } from "./schemas";

type MigrationVm = Awaited<ReturnType<typeof loadForMigration>>;

async function loadForMigration(db: DbOrTx, vmId: string) {
  const vm = await db.vm.findUniqueOrThrow({
    where: { id: vmId },
    include: {
      offering: { select: { vcpus: true, memoryMiB: true, vfNumaPolicy: true } },
      nics: {
        include: {
          l3: { include: { l2: { include: { clusters: { select: { clusterId: true } } } } } },
        },
      },
    },
  });
  return vm;
}

/**
 * What a VM needs on a new host: its CPU and memory, its L2s, a free VF per VF NIC that its
 * pools let through to its project (taken at start for a stopped VM, R8; claimed before the move
 * for a running one, issue 17), and with its offering's NUMA policy required, one node with all
 * of that (a start there asks for it, vms/numa-start.ts).
 */
function stoppedDemand(vm: MigrationVm): CreateDemand {
  const networks = new Map<string, VfNetwork>();
  for (const nic of vm.nics) {
    const network = networks.get(nic.l3.l2Id) ?? {
      l2Id: nic.l3.l2Id,
      l3Name: nic.l3.name,
      physicalInterface: nic.l3.l2.physicalInterface,
      clusterIds: new Set(nic.l3.l2.clusters.map((c) => c.clusterId)),
      vfs: 0,
    };
    if (nic.type === "VF") {
      if (network.vfs === 0) network.l3Name = nic.l3.name;
      network.vfs += 1;
    }
    networks.set(nic.l3.l2Id, network);
  }
  return {
    vcpus: vm.offering.vcpus,
    memoryMiB: vm.offering.memoryMiB,
    networks: [...networks.values()],
    numaPolicy: vm.offering.vfNumaPolicy,
    projectId: vm.projectId,
  };
}

/** The VF NICs of the VM, each with the network of `demand` it needs a VF on. */
function vfRequests(vm: MigrationVm, demand: CreateDemand): VfRequest[] {
  return vm.nics.flatMap((nic, index) => {
    const network = demand.networks.find((n) => n.l2Id === nic.l3.l2Id);
    return nic.type === "VF" && network ? [{ index, network }] : [];
  });
}

/** A running VM live-migrates within its cluster; a stopped one may move anywhere in its zone. */
const liveOnly = (vm: MigrationVm) => vm.state === "Running";

/** Every other host in reach (see liveOnly), judged: null reason means it qualifies. */
async function judgeStoppedTargets(db: DbOrTx, vm: MigrationVm) {
  const zoneClusters = liveOnly(vm)
    ? [{ id: vm.clusterId ?? "" }]
    : await db.cluster.findMany({
        where: { zone: { clusters: { some: { id: vm.clusterId ?? "" } } } },
        select: { id: true },
      });
  const hosts = (await placementHosts(db, { clusterIds: zoneClusters.map((c) => c.id) })).filter(
    (host) => host.id !== vm.hostId,
  );
  const demand = stoppedDemand(vm);
  return {
    demand,
    judged: hosts.map((host) => ({ host, refusal: judgeHost(host, demand) })),
  };
}

/** How many qualifying hosts the candidate list names, and how many hosts it judges at most. */
const CANDIDATES_WANTED = 50;
const CANDIDATES_JUDGED = 512;
const CANDIDATE_PAGE = 64;

/**
 * The other hosts of the VM's zone in name order, judged a page at a time until CANDIDATES_WANTED
 * qualify or CANDIDATES_JUDGED were judged: a zone of 10,000 hosts costs what one of 100 does.
 * `complete` is false when hosts were left unjudged.
 */
async function judgeStoppedCandidates(db: Db, vm: MigrationVm) {
  const demand = stoppedDemand(vm);
  const judged: Array<{ host: PlacementHost; refusal: ReturnType<typeof judgeHost> }> = [];
  if (!vm.clusterId) return { judged, complete: true };
  const zone = await db.cluster.findUnique({
    where: { id: vm.clusterId },
    select: { zoneId: true },
  });
  if (!zone) return { judged, complete: true };
  let qualifying = 0;
  let after: string | undefined;
  for (;;) {
    const page = await db.host.findMany({
      where: {
        cluster: { zoneId: zone.zoneId },
        ...(liveOnly(vm) && vm.clusterId ? { clusterId: vm.clusterId } : {}),
        ...(vm.hostId ? { id: { not: vm.hostId } } : {}),
        ...(after !== undefined ? { name: { gt: after } } : {}),
      },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
      take: CANDIDATE_PAGE,
    });
    if (page.length === 0) return { judged, complete: true };
    after = page.at(-1)?.name;
    for (const host of await placementHosts(db, { hostIds: page.map((h) => h.id) })) {
      const refusal = judgeHost(host, demand);
      judged.push({ host, refusal });
      if (!refusal) qualifying += 1;
    }
    if (page.length < CANDIDATE_PAGE) return { judged, complete: true };
    if (qualifying >= CANDIDATES_WANTED || judged.length >= CANDIDATES_JUDGED) {
      return { judged, complete: false };
    }
  }
}

export interface MigrationCandidate {
  hostId: string;
  name: string;
  clusterId: string;
  /** Null when the host qualifies; else why not, for people. */
  reason: string | null;
}

/**
 * The hosts the VM could move to, each with the reason it does not qualify (its cluster lacks an
 * L2, IOMMU not ready, no room, no free VF for a VF NIC). A stopped VM may go anywhere in its
 * zone; a running one live-migrates within its cluster, and a migratable VF NIC needs a free VF
 * there as it would at start (issue 17). R9 itself is judged by migrateVm.
 */
export async function migrationCandidates(
  db: Db,
  actor: Actor,
  rawInput: { vmId: string },
): Promise<{
  vmId: string;
  canChoose: boolean;
  hosts: MigrationCandidate[];
  /** False when the list stopped early (enough hosts qualify); the others were not judged. */
  complete: boolean;
}> {
  const { vmId } = migrateVmInput.pick({ vmId: true }).parse(rawInput);
  await visibleVm(db, actor, vmId, false);
  const vm = await loadForMigration(db, vmId);
  const { judged, complete } = await judgeStoppedCandidates(db, vm);
  return {
    vmId,
    canChoose: actor.role === "Admin",
    complete,
    hosts: judged.map(({ host, refusal }) => ({
      hostId: host.id,
      name: host.name,
      clusterId: host.clusterId,
      reason: refusal?.reason ?? null,
    })),
  };
}

/**
 * Moves a VM to another host. Running: live migration within its cluster, refused with a VF NIC
 * that is not migratable (R9, naming the NIC and how to make it so); with migratable VF NICs, a
 * VF is claimed on the destination for each now, all or nothing, and the phased run takes over
 * (migrate-run.ts). Stopped: only to a host that could start it: its L2s attached, IOMMU ready
 * for VF NICs, room for its CPU and memory, and a free VF for every VF NIC (the VFs are taken at
 * start, R8). Admins may name the target; tenants get the scheduler's pick.
 */
export async function migrateVm(
  db: Db,
  actor: Actor,
  rawInput: MigrateVmInput,
): Promise<VmOperation> {
  const input = migrateVmInput.parse(rawInput);
  if (input.targetHostId && actor.role !== "Admin") {
    throw new DomainError(
      ErrorCode.ADMIN_ONLY,
      "FORBIDDEN",
      "Only admins choose a migration target; leave the host out and the scheduler picks one.",
      { targetHostId: input.targetHostId },
    );
  }
  return db.$transaction(async (tx) => {
    const locked = await lockVm(tx, actor, input.vmId);
    const vm = await loadForMigration(tx, locked.id);
    const facts = {
      state: vm.state,
      nics: vm.nics.map((nic) => ({
        deviceIndex: nic.deviceIndex,
        type: nic.type,
        l3Name: nic.l3.name,
        migratable: nic.migratable,
      })),
      pciDevices: await assignedPciAddresses(tx, vm.id),
    };
    // The same verdict the VM page shows: VF NICs (R9) and whole devices, live or cold.
    enforce(migrationVerdict(facts, "live"), { vm: vm.name });
    const fromState = vm.state === "Running" ? "Running" : "Stopped";
    if (input.targetHostId) {
      const target = await tx.host.findUnique({ where: { id: input.targetHostId } });
      if (!target) throw notFound("Host", input.targetHostId);
      requireHostConnected(target);
    }
    const withVfs = fromState === "Running" && vm.nics.some((nic) => nic.type === "VF");
    const claim = withVfs ? await claimTarget(tx, vm, input.targetHostId) : null;
    const target =
      claim?.host ??
      (fromState === "Running"
        ? await liveTarget(tx, vm, input.targetHostId)
        : await stoppedTarget(tx, vm, input.targetHostId));
    const operation = await createOperation(tx, actor, {
      kind: "vm.migrate",
      targetType: "Vm",
      targetId: vm.id,
      targetName: vm.name,
      projectId: vm.projectId,
      input: { targetHostId: target.id, fromState },
    });
    if (claim && vm.hostId) {
      // The phased run (migrate-run.ts) starts from here: the destination VFs are held.
      await tx.migrationRun.create({
        data: {
          operationId: operation.id,
          vmId: vm.id,
          sourceHostId: vm.hostId,
          targetHostId: target.id,
          targetNumaNode: claim.numaNode,
          claims: {
            create: [...claim.reserved].map(([index, vf]) => ({
              nicId: vm.nics[index]?.id ?? "",
              vfId: vf.id,
              sourceVfId: vm.nics[index]?.vfId ?? null,
            })),
          },
        },
      });
    }
    const updated = await tx.vm.update({ where: { id: vm.id }, data: { state: "Migrating" } });
    await recordAudit(tx, actor, {
      action: "vm.migrate",
      targetType: "Vm",
      targetId: vm.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: {
        name: vm.name,
        from: vm.hostId,
        to: target.name,
        live: fromState === "Running",
        claimedVfs: claim ? [...claim.reserved.values()].map((vf) => vf.pciAddress) : [],
        claimedNumaNode: claim?.numaNode ?? null,
      },
    });
    return { vm: { ...updated }, operation };
  }, TX_OPTIONS);
}

/**
 * Issue 17, the claim: a VF on the destination for every VF NIC of a running VM, all or nothing,
 * by core's reservation (reserveOnHost: host and PFs locked, connection, IOMMU, CPU, memory and
 * busy PFs re-checked, VFs taken with SKIP LOCKED). The admin's host or the scheduler's order;
 * a host that refuses under its lock is rolled back to the savepoint and the next one tried.
 * With a NUMA policy the claim is on one node (vms/numa.ts), recorded on the run and counted in
 * that node's sums until the VM is there or the run rolls back (issue 16).
 */
async function claimTarget(tx: Tx, vm: MigrationVm, targetHostId: string | undefined) {
  const { demand, judged } = await judgeStoppedTargets(tx, vm);
  const pool = targetHostId ? judged.filter(({ host }) => host.id === targetHostId) : judged;
  if (targetHostId && pool.length === 0) {
    throw noTarget(vm, [
      { host: targetHostId, reason: "it is the VM's host or outside its cluster" },
    ]);
  }
  const refused: HostReason[] = pool.flatMap(({ refusal }) => (refusal ? [refusal] : []));
  const qualifying = pool.flatMap(({ host, refusal }) => (refusal ? [] : [host]));
  const requests = vfRequests(vm, demand);
  for (const host of tryOrder(qualifying, demand)) {
    // A node-bound VM claims one node of the destination, as a create would place it; preferred
    // falls back to the host as a whole when that node is refused under the lock.
    const node = numaNodeFor(host, demand);
    const nodes = node !== null && demand.numaPolicy === "preferred" ? [node, null] : [node];
    for (const numaNode of nodes) {
      await tx.$executeRawUnsafe("SAVEPOINT migration_claim");
      const attempt = await reserveOnHost(tx, host, demand, requests, numaNode);
      if (attempt.ok) return { host, reserved: attempt.reserved, numaNode };
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT migration_claim");
      if (numaNode === null || nodes.length === 1) refused.push(attempt.refusal);
    }
  }
  const noVf = refused.find((r) => r.kind === "noFreeVf" || r.kind === "interface");
  if (noVf?.l3) {
    throw noVfError(noVf.l3, `on ${targetHostId ? noVf.name : "any host of the cluster"}`, {
      hosts: refused.map((r) => ({ name: r.name, reason: r.reason })),
    });
  }
  throw noTarget(
    vm,
    refused.map((r) => ({ host: r.name, reason: r.reason })),
  );
}

function noTarget(vm: { name: string }, rejected: Array<{ host: string; reason: string }>) {
  const why =
    rejected.map((r) => `${r.host}: ${r.reason}`).join("; ") || "no other connected host in reach";
  return new DomainError(
    ErrorCode.NO_MIGRATION_TARGET,
    "CONFLICT",
    `${vm.name} has nowhere to go: ${why}.`,
    { rejected, hosts: rejected.map((r) => ({ name: r.host, reason: r.reason })) },
  );
}

/**
 * No target, and some host had everything but one NUMA node with it (the furthest a host gets,
 * as for a create): the offering's required policy is what kept the VM, so the code says so.
 */
function noNumaTarget(vm: { name: string }, refusals: HostReason[]) {
  const hosts = refusals.map(({ name, reason }) => ({ name, reason }));
  return new DomainError(
    ErrorCode.NO_NUMA_NODE_AVAILABLE,
    "CONFLICT",
    `${vm.name} has nowhere to go: no host has one NUMA node with its VFs, vCPUs and memory (${hosts.map((h) => `${h.name}: ${h.reason}`).join("; ")}).`,
    {
      policy: "required",
      hosts,
      hostsTried: hosts.map((h) => h.name),
      rejected: hosts.map((h) => ({ host: h.name, reason: h.reason })),
    },
  );
}

/**
 * A running VM with vNICs only goes to a connected host of its cluster with room. The host is
 * locked and its room re-checked with what is committed (recheckHostUnderLock): the operation
 * row this transaction creates claims the VM's vCPUs and memory there (scheduler.ts), so two
 * migrations onto a host with room for one take it one after the other and the second is
 * refused, or goes to the next host.
 */
async function liveTarget(tx: Tx, vm: MigrationVm, targetHostId: string | undefined) {
  const clusterIds = vm.clusterId ? [vm.clusterId] : [];
  const candidates = (
    await placementHosts(tx, targetHostId ? { hostIds: [targetHostId] } : { clusterIds })
  )
    .filter((host) => host.id !== vm.hostId)
    .filter((host) => clusterIds.includes(host.clusterId));
  const networks = new Map<string, PlacementNetwork>();
  for (const nic of vm.nics) {
    networks.set(nic.l3.l2Id, {
      l2Id: nic.l3.l2Id,
      physicalInterface: nic.l3.l2.physicalInterface,
      clusterIds: new Set(nic.l3.l2.clusters.map((c) => c.clusterId)),
    });
  }
  const { eligible, rejected } = rankHosts(candidates, {
    vcpus: vm.offering.vcpus,
    memoryMiB: vm.offering.memoryMiB,
    networks: [...networks.values()],
    vfsByL2: new Map(),
  });
  const refused = rejected.map((r) => ({ host: r.host, reason: r.reason }));
  for (const host of eligible) {
    await tx.$executeRawUnsafe("SAVEPOINT migration_target");
    const why = await recheckHostUnderLock(tx, host.id, vm.offering);
    if (why === null) return host;
    // The savepoint lets go of this host's lock before the next one is tried.
    await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT migration_target");
    refused.push({ host: host.name, reason: why });
  }
  throw noTarget(vm, refused);
}

/** A stopped VM goes only where it could start (see migrateVm): the named host or the scheduler's. */
async function stoppedTarget(tx: Tx, vm: MigrationVm, targetHostId: string | undefined) {
  const { demand, judged } = await judgeStoppedTargets(tx, vm);
  const pool = targetHostId ? judged.filter(({ host }) => host.id === targetHostId) : judged;
  if (targetHostId && pool.length === 0) {
    throw noTarget(vm, [{ host: targetHostId, reason: "it is the VM's host or outside its zone" }]);
  }
  const qualifying = pool.flatMap(({ host, refusal }) => (refusal ? [] : [host]));
  const target = tryOrder(qualifying, demand)[0];
  if (!target) {
    const refusals = pool.flatMap(({ refusal }) => (refusal ? [refusal] : []));
    if (refusals.some((refusal) => refusal.kind === "numa")) throw noNumaTarget(vm, refusals);
    throw noTarget(
      vm,
      pool.flatMap(({ host, refusal }) =>
        refusal ? [{ host: host.name, reason: refusal.reason }] : [],
      ),
    );
  }
  return target;
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
        pciDevices: await assignedPciAddresses(db, vm.id),
      },
      "storage",
    ),
    { vm: vm.name },
  );
}
