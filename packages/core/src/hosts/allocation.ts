import type { Db, VfState, VmState } from "@virtfn/db";
import { emptyStates } from "../sriov/queries";
import { OCCUPYING_STATES, placementHosts, type PlacementNumaNode } from "../vms/scheduler";

// What a host gives its VMs, for the host page: CPU and memory used of total (the same SQL sums
// placement judges by, so the page and the scheduler cannot disagree), the NUMA nodes with what
// node-bound VMs use of each, and the VMs placed there. Counting happens in SQL; only the first
// VMS_SHOWN VMs are read as rows.

export const VMS_SHOWN = 50;

export interface HostVm {
  id: string;
  name: string;
  state: VmState;
  projectId: string;
  projectName: string;
  vcpus: number;
  memoryMiB: number;
  /** The NUMA node the VM is bound to, or null when it floats over the host (vms/numa.ts). */
  numaNode: number | null;
  vfNics: number;
  /** Whether its vCPUs and memory count as used (running, or reserved by a transition). */
  occupies: boolean;
}

export interface HostAllocation {
  cpu: { used: number; total: number };
  memoryMiB: { used: number; total: number };
  /** The host's NUMA nodes as its agent reports them, with their node-bound use; null if none. */
  numaNodes: PlacementNumaNode[] | null;
  /** The first VMS_SHOWN VMs on the host by name; `vmCount` on the host says how many there are. */
  vms: HostVm[];
}

const occupying: ReadonlySet<string> = new Set(OCCUPYING_STATES);

export async function hostAllocation(db: Db, hostId: string): Promise<HostAllocation> {
  const [[facts], vms] = await Promise.all([
    placementHosts(db, { hostIds: [hostId] }),
    db.vm.findMany({
      where: { hostId },
      select: {
        id: true,
        name: true,
        state: true,
        numaNode: true,
        project: { select: { id: true, name: true } },
        offering: { select: { vcpus: true, memoryMiB: true } },
      },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: VMS_SHOWN,
    }),
  ]);
  const vfNics = await vfNicsByVm(
    db,
    vms.map((vm) => vm.id),
  );
  return {
    cpu: { used: facts?.usedVcpus ?? 0, total: facts?.cpuCount ?? 0 },
    memoryMiB: { used: facts?.usedMemoryMiB ?? 0, total: facts?.memoryMiB ?? 0 },
    numaNodes: facts?.numaNodes ?? null,
    vms: vms.map((vm) => ({
      id: vm.id,
      name: vm.name,
      state: vm.state,
      projectId: vm.project.id,
      projectName: vm.project.name,
      vcpus: vm.offering.vcpus,
      memoryMiB: vm.offering.memoryMiB,
      numaNode: vm.numaNode,
      vfNics: vfNics.get(vm.id) ?? 0,
      occupies: occupying.has(vm.state),
    })),
  };
}

/**
 * VF NICs per VM, for the VMs given. Not Prisma's `_count` on the VM rows: that joins the VMs
 * to a count of every VF NIC of the fleet, grouped by VM, however few VMs the page shows.
 */
async function vfNicsByVm(db: Db, vmIds: string[]): Promise<Map<string, number>> {
  if (vmIds.length === 0) return new Map();
  const rows = await db.vmNic.groupBy({
    by: ["vmId"],
    where: { vmId: { in: vmIds }, type: "VF" },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.vmId, row._count._all]));
}

/** VF rows of each PF by state, from the running counts (a few rows per PF, never one per VF). */
export function vfStatesByPf(
  rows: Array<{ pfId: string; state: VfState; n: number }>,
): Map<string, Record<VfState, number>> {
  const byPf = new Map<string, Record<VfState, number>>();
  for (const row of rows) {
    const states = byPf.get(row.pfId) ?? emptyStates();
    states[row.state] += row.n;
    byPf.set(row.pfId, states);
  }
  return byPf;
}
