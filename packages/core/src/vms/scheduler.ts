import type { DbOrTx, HostConnectionState, Tx } from "@virtfn/db";
import { iommuReadiness } from "../hosts/rules";
import { resolveInterface } from "../sriov/availability";

// Placement: a pure ranking over facts, and one query that gathers them.

export interface PlacementPf {
  id: string;
  name: string;
  bondName: string | null;
  availableVfs: number;
}

export interface PlacementHost {
  id: string;
  name: string;
  clusterId: string;
  connectionState: HostConnectionState;
  iommuEnabled: boolean;
  iommuKernelArgSet: boolean;
  iommuActive: boolean;
  rebootRequired: boolean;
  cpuCount: number;
  memoryMiB: number;
  usedVcpus: number;
  usedMemoryMiB: number;
  physicalNics: PlacementPf[];
}

export interface PlacementNetwork {
  l2Id: string;
  physicalInterface: string;
  clusterIds: ReadonlySet<string>;
}

export interface PlacementDemand {
  vcpus: number;
  memoryMiB: number;
  networks: PlacementNetwork[];
  /** VF NICs wanted per L2 id. */
  vfsByL2: ReadonlyMap<string, number>;
}

export interface Placement {
  /** Hosts that can run the VM, best first; VFs are only certain once reserved. */
  eligible: PlacementHost[];
  /** Why every other host was left out, for the NO_HOST_AVAILABLE message. */
  rejected: Array<{ host: string; reason: string }>;
}

export function freeVfsFor(host: PlacementHost, physicalInterface: string): number {
  return resolveInterface(host.physicalNics, physicalInterface).reduce(
    (sum, pf) => sum + pf.availableVfs,
    0,
  );
}

function rejection(host: PlacementHost, demand: PlacementDemand): string | null {
  const missing = demand.networks.find((network) => !network.clusterIds.has(host.clusterId));
  if (missing) return "its cluster is not attached to every L2 of the VM";
  if (host.connectionState !== "Connected") return `it is ${host.connectionState.toLowerCase()}`;
  if (demand.vfsByL2.size > 0 && iommuReadiness(host).state !== "ready")
    return "its IOMMU is not ready for VF NICs";
  if (host.usedVcpus + demand.vcpus > host.cpuCount) {
    return `not enough CPU (${host.cpuCount - host.usedVcpus} of ${host.cpuCount} vCPUs free, ${demand.vcpus} needed)`;
  }
  if (host.usedMemoryMiB + demand.memoryMiB > host.memoryMiB) {
    return `not enough memory (${host.memoryMiB - host.usedMemoryMiB} MiB free, ${demand.memoryMiB} needed)`;
  }
  return null;
}

/**
 * Hosts that fit CPU, memory, networks and IOMMU. Hosts whose counted free VFs cover the demand
 * come first, then the emptiest; the rest stay in the list, because counts are only a hint and
 * the reservation decides.
 */
export function rankHosts(hosts: PlacementHost[], demand: PlacementDemand): Placement {
  const eligible: PlacementHost[] = [];
  const rejected: Placement["rejected"] = [];
  for (const host of hosts) {
    const reason = rejection(host, demand);
    if (reason) rejected.push({ host: host.name, reason });
    else eligible.push(host);
  }
  const vfsCovered = (host: PlacementHost) =>
    demand.networks.every(
      (network) =>
        freeVfsFor(host, network.physicalInterface) >= (demand.vfsByL2.get(network.l2Id) ?? 0),
    );
  const freeMemory = (host: PlacementHost) => host.memoryMiB - host.usedMemoryMiB;
  eligible.sort(
    (a, b) =>
      Number(vfsCovered(b)) - Number(vfsCovered(a)) ||
      freeMemory(b) - freeMemory(a) ||
      a.name.localeCompare(b.name),
  );
  return { eligible, rejected };
}

/** States whose VMs occupy CPU and memory on their host. */
export const OCCUPYING_STATES = [
  "Creating",
  "Starting",
  "Running",
  "Stopping",
  "Rebooting",
  "Migrating",
  "Deleting",
] as const;

/** The facts rankHosts needs, for hosts in the given clusters (or one host). */
export async function placementHosts(
  db: DbOrTx,
  where: { clusterIds?: string[]; hostIds?: string[] },
): Promise<PlacementHost[]> {
  const rows = await db.host.findMany({
    where: {
      ...(where.clusterIds ? { clusterId: { in: where.clusterIds } } : {}),
      ...(where.hostIds ? { id: { in: where.hostIds } } : {}),
    },
    select: {
      id: true,
      name: true,
      clusterId: true,
      connectionState: true,
      iommuEnabled: true,
      iommuKernelArgSet: true,
      iommuActive: true,
      rebootRequired: true,
      cpuCount: true,
      memoryMiB: true,
      physicalNics: {
        select: {
          id: true,
          name: true,
          bondName: true,
          _count: { select: { virtualFunctions: { where: { state: "Available" } } } },
        },
      },
      vms: {
        where: { state: { in: [...OCCUPYING_STATES] } },
        select: { offering: { select: { vcpus: true, memoryMiB: true } } },
      },
    },
    orderBy: { name: "asc" },
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    clusterId: row.clusterId,
    connectionState: row.connectionState,
    iommuEnabled: row.iommuEnabled,
    iommuKernelArgSet: row.iommuKernelArgSet,
    iommuActive: row.iommuActive,
    rebootRequired: row.rebootRequired,
    cpuCount: row.cpuCount,
    memoryMiB: row.memoryMiB,
    usedVcpus: row.vms.reduce((sum, vm) => sum + vm.offering.vcpus, 0),
    usedMemoryMiB: row.vms.reduce((sum, vm) => sum + vm.offering.memoryMiB, 0),
    physicalNics: row.physicalNics.map((pf) => ({
      id: pf.id,
      name: pf.name,
      bondName: pf.bondName,
      availableVfs: pf._count.virtualFunctions,
    })),
  }));
}

/**
 * Locks a host's row and re-checks its CPU and memory with what is committed now. Placements
 * on one host then run one after another, so concurrent creates cannot overcommit it; the
 * lock lasts until the caller's transaction (or savepoint) ends.
 */
export async function recheckHostUnderLock(
  tx: Tx,
  hostId: string,
  demand: Pick<PlacementDemand, "vcpus" | "memoryMiB">,
): Promise<string | null> {
  await tx.$queryRaw`SELECT id FROM "Host" WHERE id = ${hostId}::uuid FOR UPDATE`;
  const [fresh] = await placementHosts(tx, { hostIds: [hostId] });
  if (!fresh) return "it no longer exists";
  if (fresh.usedVcpus + demand.vcpus > fresh.cpuCount) {
    return `not enough CPU (${fresh.cpuCount - fresh.usedVcpus} of ${fresh.cpuCount} vCPUs free, ${demand.vcpus} needed)`;
  }
  if (fresh.usedMemoryMiB + demand.memoryMiB > fresh.memoryMiB) {
    return `not enough memory (${fresh.memoryMiB - fresh.usedMemoryMiB} MiB free, ${demand.memoryMiB} needed)`;
  }
  return null;
}
