import type { VfNumaPolicy } from "@virtfn/db";
import { resolveInterface } from "../sriov/availability";
import { openVfs } from "../sriov/pools-placement";
import type { PlacementHost, PlacementNumaNode } from "./scheduler";

// NUMA placement of VF NICs. The model, kept simple on purpose:
// - A host's NUMA nodes come from its agent (CPUs and memory per node); a PF sits on one node or
//   on none (the kernel's -1).
// - A VM placed with a node (policy required, or preferred when a node fits) records it on
//   Vm.numaNode, and its vCPUs and memory count against that node's CPUs and memory. All of its VF
//   NICs come from PFs on that node.
// - A VM placed without a node (policy none, or preferred when no node fits) counts only against
//   the host's totals, as before: the kernel balances it over the nodes. The host-wide check still
//   holds for everyone, so nothing is overcommitted; a node-bound VM only adds the node check.
// So a node's "free" is its capacity minus the node-bound VMs on it: floating VMs are not charged
// to any node, which is the price of not pinning them (and what lets a strict policy still use
// the half of the CPUs that Nova's users complain strict affinity wastes).

/** The part of a create demand the NUMA judge reads. */
export interface NumaDemand {
  vcpus: number;
  memoryMiB: number;
  numaPolicy?: VfNumaPolicy;
  /** With l2Id per network: VFs in pools closed to them are not counted (sriov/pools.ts). */
  projectId?: string;
  networks: Array<{ l2Id?: string; l3Name: string; physicalInterface: string; vfs: number }>;
}

/** Whether the demand asks for a node at all: a policy other than none, and VF NICs to place. */
export function wantsNumaNode(demand: NumaDemand): boolean {
  return (
    (demand.numaPolicy ?? "none") !== "none" && demand.networks.some((network) => network.vfs > 0)
  );
}

/**
 * Free VFs of an L2's interface on one node, counting only PFs no split or restore is busy with,
 * and leaving out those in pools closed to the L2 and project when the network names its L2.
 */
function freeVfsOnNode(
  host: PlacementHost,
  network: NumaDemand["networks"][number],
  node: number,
  projectId: string | undefined,
): number {
  const pfs = resolveInterface(host.physicalNics, network.physicalInterface).filter(
    (pf) => pf.busy !== true && pf.numaNode === node,
  );
  return network.l2Id === undefined
    ? pfs.reduce((sum, pf) => sum + pf.availableVfs, 0)
    : openVfs(pfs, network.l2Id, projectId);
}

/** Null when the node can take the VM, else what it lacks first ("has 1 free VF for L3 web"). */
function nodeShortfall(
  host: PlacementHost,
  node: PlacementNumaNode,
  demand: NumaDemand,
): string | null {
  for (const network of demand.networks) {
    if (network.vfs === 0) continue;
    const free = freeVfsOnNode(host, network, node.id, demand.projectId);
    if (free < network.vfs) return `node${node.id} has ${free} free VF(s) for L3 ${network.l3Name}`;
  }
  const cpus = node.cpuCount - node.usedVcpus;
  if (cpus < demand.vcpus) return `node${node.id} has ${Math.max(0, cpus)} vCPUs free`;
  const memory = node.memoryMiB - node.usedMemoryMiB;
  if (memory < demand.memoryMiB) return `node${node.id} has ${Math.max(0, memory)} MiB free`;
  return null;
}

export type NumaVerdict = { node: number } | { node: null; reason: string };

/**
 * The node to place the VM on: of the nodes that have every VF, the vCPUs and the memory, the one
 * with the most vCPUs free (ties to the lower id); else null with the reason per node, as in "no
 * NUMA node with 2 free VFs for L3 web and 4 vCPUs, 4096 MiB free: node0 has 1 free VF(s) for L3
 * web; node1 has 0 vCPUs free".
 */
export function numaVerdict(host: PlacementHost, demand: NumaDemand): NumaVerdict {
  const nodes = host.numaNodes ?? [];
  const wanted = demand.networks
    .filter((network) => network.vfs > 0)
    .map((network) => `${network.vfs} free VF(s) for L3 ${network.l3Name}`)
    .join(", ");
  const want = `no NUMA node with ${wanted} and ${demand.vcpus} vCPUs, ${demand.memoryMiB} MiB free`;
  if (nodes.length === 0) return { node: null, reason: `${want}: it reports no NUMA nodes` };
  let best: PlacementNumaNode | null = null;
  const shortfalls: string[] = [];
  for (const node of nodes) {
    const short = nodeShortfall(host, node, demand);
    if (short) shortfalls.push(short);
    else if (best === null || node.cpuCount - node.usedVcpus > best.cpuCount - best.usedVcpus)
      best = node;
  }
  return best ? { node: best.id } : { node: null, reason: `${want}: ${shortfalls.join("; ")}` };
}

/** The node a create on this host asks the reservation for: null when it does not need one. */
export function numaNodeFor(host: PlacementHost, demand: NumaDemand): number | null {
  return wantsNumaNode(demand) ? numaVerdict(host, demand).node : null;
}
