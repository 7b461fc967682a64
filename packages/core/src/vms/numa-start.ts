import type { Tx, VfNumaPolicy } from "@virtfn/db";
import { DomainError, ErrorCode } from "../shared/errors";
import { numaVerdict, wantsNumaNode, type NumaDemand } from "./numa";
import { placementHosts } from "./scheduler";

// The offering's VF NUMA policy on start (vms/numa.ts has the model). A create places the VM on a
// node; a stop releases its VFs and its node's CPUs and memory; so a start chooses again, by the
// same verdict and with the same per-host reasons as a create: required refuses the start
// (NO_NUMA_NODE_AVAILABLE) when no node has the VFs, vCPUs and memory; preferred starts without
// a node then; none never asks.

export interface StartNuma {
  /** The node to take the VFs on and to record on the VM; null: anywhere on the host. */
  node: number | null;
  /** Required: no falling back to the host as a whole. */
  strict: boolean;
}

/** What a stopped VM's start asks of its host's nodes: its VF NICs per L2, its CPU and memory. */
export async function startDemand(
  tx: Tx,
  vm: { id: string; projectId: string },
  offering: { vcpus: number; memoryMiB: number; vfNumaPolicy: VfNumaPolicy },
): Promise<NumaDemand> {
  const nics = await tx.vmNic.findMany({
    where: { vmId: vm.id, type: "VF" },
    select: {
      l3: { select: { name: true, l2Id: true, l2: { select: { physicalInterface: true } } } },
    },
    orderBy: { deviceIndex: "asc" },
  });
  const networks = new Map<string, NumaDemand["networks"][number]>();
  for (const { l3 } of nics) {
    const network = networks.get(l3.l2Id) ?? {
      l2Id: l3.l2Id,
      l3Name: l3.name,
      physicalInterface: l3.l2.physicalInterface,
      vfs: 0,
    };
    network.vfs += 1;
    networks.set(l3.l2Id, network);
  }
  return {
    vcpus: offering.vcpus,
    memoryMiB: offering.memoryMiB,
    numaPolicy: offering.vfNumaPolicy,
    projectId: vm.projectId,
    networks: [...networks.values()],
  };
}

/**
 * The node a stopped VM starts on, judged with what is committed now under the host's lock (the
 * lock a create's reservation takes too, so two of them never count one node's room twice).
 */
export async function startNumaNode(
  tx: Tx,
  vm: { id: string; name: string; projectId: string },
  host: { id: string; name: string },
  offering: { vcpus: number; memoryMiB: number; vfNumaPolicy: VfNumaPolicy },
): Promise<StartNuma> {
  const demand = await startDemand(tx, vm, offering);
  if (!wantsNumaNode(demand)) return { node: null, strict: false };
  await tx.$queryRaw`SELECT id FROM "Host" WHERE id = ${host.id}::uuid FOR NO KEY UPDATE`;
  const [fresh] = await placementHosts(tx, { hostIds: [host.id] });
  const verdict = fresh
    ? numaVerdict(fresh, demand)
    : { node: null, reason: "it no longer exists" };
  if (verdict.node !== null)
    return { node: verdict.node, strict: demand.numaPolicy === "required" };
  if (demand.numaPolicy === "preferred") return { node: null, strict: false };
  const reason = "reason" in verdict ? verdict.reason : "no NUMA node fits";
  throw new DomainError(
    ErrorCode.NO_NUMA_NODE_AVAILABLE,
    "CONFLICT",
    `${vm.name} cannot start on ${host.name}: ${reason}. Its offering requires one NUMA node for its VFs, vCPUs and memory; the VM stays stopped.`,
    {
      l3: demand.networks[0]?.l3Name ?? null,
      policy: "required",
      hosts: [{ name: host.name, reason }],
      hostsTried: [host.name],
    },
  );
}

/** The PFs of these that sit on this NUMA node. */
export async function pfsOnNode(tx: Tx, pfIds: string[], node: number): Promise<string[]> {
  if (pfIds.length === 0) return [];
  const onNode = await tx.physicalNic.findMany({
    where: { id: { in: pfIds }, numaNode: node },
    select: { id: true },
  });
  const ids = new Set(onNode.map((pf) => pf.id));
  return pfIds.filter((id) => ids.has(id));
}
