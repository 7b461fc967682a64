import type { HostConnectionState, VirtualizationState } from "@virtfn/db";
import { iommuReadiness } from "../hosts/rules";
import type { PlacementPool } from "./pools-placement";
import { linkDownWarning } from "./warnings";

/** Free VFs of these PFs in pools not bound to this L2, with the pools' labels; null if none. */
function otherPools(
  pfs: Array<AvailabilityPf & { name: string }>,
  l2Id: string,
): { free: number; labels: string[] } | null {
  const closed = pfs.flatMap((pf) =>
    (pf.pools ?? [])
      .filter((pool) => !pool.l2Ids.includes(l2Id) && pool.availableVfs > 0)
      .map((pool) => ({ label: `${pf.name}#${pool.name}`, free: pool.availableVfs })),
  );
  if (closed.length === 0) return null;
  return { free: closed.reduce((n, p) => n + p.free, 0), labels: closed.map((p) => p.label) };
}

// R3 as a pure function: what a host offers to an L3, and in words why not when it offers nothing.

export type VfUnavailableReason =
  | "INTERFACE_NOT_SPLIT"
  | "IOMMU_NOT_READY"
  | "CLUSTER_NOT_ATTACHED"
  | "ALL_VFS_IN_USE"
  | "HOST_DISCONNECTED"
  | "INTERFACE_NOT_FOUND"
  | "SRIOV_DISABLED"
  | "HOST_IN_MAINTENANCE"
  /** Free VFs exist, but only in VF pools bound to other L2s (sriov/pools.ts). */
  | "VFS_IN_OTHER_POOLS";

export interface HostVfAvailability {
  hostId: string;
  hostName: string;
  clusterId: string;
  clusterName: string;
  /** The PFs the L2's physical interface resolves to on this host (a PF, or a bond's slaves). */
  interfaces: string[];
  /** Allowed but worth knowing: a resolved PF whose link is down (sriov/warnings.ts). */
  warnings: string[];
  available: number;
  total: number;
  reason: VfUnavailableReason | null;
  message: string;
}

export interface AvailabilityPf {
  /** Null for a PF without a netdev: it resolves no interface name, so it carries no L2. */
  name: string | null;
  bondName: string | null;
  virtualizationState: VirtualizationState;
  /** Undefined where the caller did not load it: no link warning then. */
  linkUp?: boolean;
  /** VFs present (not Missing) and free, counted by SQL (sriov/capacity.ts). */
  vfTotal: number;
  vfAvailable: number;
  /** Its VF pools, where the caller loaded them: free VFs in pools of other L2s are not offered. */
  pools?: PlacementPool[] | null;
}

export interface AvailabilityHost {
  id: string;
  name: string;
  clusterId: string;
  clusterName: string;
  connectionState: HostConnectionState;
  connectionReason: string | null;
  iommuEnabled: boolean;
  iommuKernelArgSet: boolean;
  iommuActive: boolean;
  rebootRequired: boolean;
  /** In maintenance: it hands out no VF to a new VM (absent: not in maintenance). */
  maintenance?: boolean;
  physicalNics: AvailabilityPf[];
}

export interface AvailabilityNetwork {
  /** Where known, VF pools bound to other L2s are left out of what the host offers. */
  l2Id?: string;
  l2Name: string;
  l3Name: string;
  physicalInterface: string;
  l2SriovEnabled: boolean;
  l3SriovEnabled: boolean;
  attachedClusterIds: ReadonlySet<string>;
}

/** domain.md: on each host the interface name resolves to a PF, or to the slaves of a bond. */
export function resolveInterface<T extends { name: string | null; bondName: string | null }>(
  pfs: T[],
  name: string,
): Array<T & { name: string }> {
  // A PF without a netdev (an NVMe controller) has no name for an L2 to name.
  const named = pfs.filter((pf): pf is T & { name: string } => pf.name !== null);
  const direct = named.filter((pf) => pf.name === name);
  if (direct.length > 0) return direct;
  return named.filter((pf) => pf.bondName === name).sort((a, b) => a.name.localeCompare(b.name));
}

/** VFs that exist right now; Missing ones are remembered but cannot be handed out. */
export function countVfs(pfs: AvailabilityPf[]): { total: number; available: number } {
  return {
    total: pfs.reduce((sum, pf) => sum + pf.vfTotal, 0),
    available: pfs.reduce((sum, pf) => sum + pf.vfAvailable, 0),
  };
}

export function hostVfAvailability(
  host: AvailabilityHost,
  network: AvailabilityNetwork,
): HostVfAvailability {
  const pfs = resolveInterface(host.physicalNics, network.physicalInterface);
  const { total, available } = countVfs(pfs);
  const base = {
    hostId: host.id,
    hostName: host.name,
    clusterId: host.clusterId,
    clusterName: host.clusterName,
    interfaces: pfs.map((pf) => pf.name),
    warnings: pfs.flatMap((pf) => linkDownWarning(pf, host.name) ?? []),
    total,
  };
  const none = (reason: VfUnavailableReason, why: string): HostVfAvailability => ({
    ...base,
    available: 0,
    reason,
    message: `SR-IOV enabled, no VFs on host ${host.name}: ${why}`,
  });
  const iface = network.physicalInterface;
  if (!network.l2SriovEnabled || !network.l3SriovEnabled) {
    const where = network.l2SriovEnabled ? `L3 ${network.l3Name}` : `L2 ${network.l2Name}`;
    return {
      ...base,
      available: 0,
      reason: "SRIOV_DISABLED",
      message: `SR-IOV is not enabled on ${where}: no VFs on host ${host.name}`,
    };
  }
  if (!network.attachedClusterIds.has(host.clusterId)) {
    return none(
      "CLUSTER_NOT_ATTACHED",
      `cluster ${host.clusterName} is not attached to L2 ${network.l2Name}`,
    );
  }
  if (host.maintenance === true)
    return none(
      "HOST_IN_MAINTENANCE",
      `the host is in maintenance: its ${available} free VF(s) go to no new VM`,
    );
  if (host.connectionState !== "Connected") {
    const why = host.connectionReason ? ` (${host.connectionReason})` : "";
    return none("HOST_DISCONNECTED", `the host is ${host.connectionState.toLowerCase()}${why}`);
  }
  if (pfs.length === 0)
    return none("INTERFACE_NOT_FOUND", `it has no interface or bond named ${iface}`);
  const iommu = iommuReadiness(host);
  if (iommu.state !== "ready")
    return none("IOMMU_NOT_READY", `IOMMU is not ready. ${iommu.message}`);
  if (pfs.every((pf) => pf.virtualizationState === "NotVirtualizable")) {
    return none("INTERFACE_NOT_SPLIT", `interface ${iface} cannot be split (no SR-IOV capability)`);
  }
  if (total === 0) {
    const bonded = pfs.length > 1 || pfs[0]?.name !== iface;
    return none(
      "INTERFACE_NOT_SPLIT",
      bonded
        ? `none of the slaves of bond ${iface} (${base.interfaces.join(", ")}) is split`
        : `interface ${iface} is not split`,
    );
  }
  if (available === 0)
    return none("ALL_VFS_IN_USE", `all ${total} VFs of ${base.interfaces.join(", ")} are in use`);
  // Per L3, not per project: a pool bound to this L2 offers its VFs here, whatever projects it
  // names; only pools of other L2s take theirs away.
  const pooled = network.l2Id === undefined ? null : otherPools(pfs, network.l2Id);
  const offered = pooled ? available - pooled.free : available;
  if (pooled && offered <= 0) {
    return none(
      "VFS_IN_OTHER_POOLS",
      `its ${available} free VF(s) are in VF pools of other L2s (${pooled.labels.join(", ")})`,
    );
  }
  const aside = pooled ? `; ${pooled.free} more in pools of other L2s` : "";
  return {
    ...base,
    available: offered,
    reason: null,
    message: `${offered} of ${total} VFs available on host ${host.name} (${base.interfaces.join(", ")}${aside})`,
  };
}
