import { z } from "zod";
import { Prisma, queryRows, type Db, type VmState } from "@virtfn/db";
import { VmState as VmStates } from "@virtfn/db/enums";
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

const hostVmRow = z.object({
  id: z.string(),
  name: z.string(),
  state: z.enum(VmStates),
  projectId: z.string(),
  projectName: z.string(),
  vcpus: z.number().int(),
  memoryMiB: z.number().int(),
  numaNode: z.number().int().nullable(),
  vfNics: z.number().int(),
});

export async function hostAllocation(db: Db, hostId: string): Promise<HostAllocation> {
  const [[facts], vms] = await Promise.all([
    placementHosts(db, { hostIds: [hostId] }),
    firstVms(db, hostId),
  ]);
  return {
    cpu: { used: facts?.usedVcpus ?? 0, total: facts?.cpuCount ?? 0 },
    memoryMiB: { used: facts?.usedMemoryMiB ?? 0, total: facts?.memoryMiB ?? 0 },
    numaNodes: facts?.numaNodes ?? null,
    vms: vms.map((vm) => ({ ...vm, occupies: occupying.has(vm.state) })),
  };
}

/**
 * The first VMS_SHOWN VMs on the host by name, each with its VF NICs counted, in one statement
 * through the pool (queryRows: Prisma 6.19 compiles each query on the event loop, issue 9). The
 * NICs are counted per VM shown, never grouped over the fleet's VF NICs.
 */
async function firstVms(db: Db, hostId: string): Promise<Array<z.infer<typeof hostVmRow>>> {
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT v.id::text AS id, v.name, v.state, p.id::text AS "projectId", p.name AS "projectName",
           o.vcpus, o."memoryMiB", v."numaNode",
           (SELECT count(*)::int FROM "VmNic" n WHERE n."vmId" = v.id AND n.type = 'VF') AS "vfNics"
      FROM "Vm" v
      JOIN "Project" p ON p.id = v."projectId"
      JOIN "InstanceOffering" o ON o.id = v."offeringId"
     WHERE v."hostId" = ${hostId}::uuid
     ORDER BY v.name, v.id
     LIMIT ${VMS_SHOWN}`,
  );
  return z.array(hostVmRow).parse(rows);
}
