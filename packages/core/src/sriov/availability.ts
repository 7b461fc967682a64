import type { HostConnectionState, VirtualizationState } from "@virtfn/db";
import { iommuReadiness } from "../hosts/rules";
import { linkDownWarning } from "./warnings";

// R3 as a pure function: what a host offers to an L3, and in words why not when it offers nothing.

export type VfUnavailableReason =
  | "INTERFACE_NOT_SPLIT"
  | "IOMMU_NOT_READY"
  | "CLUSTER_NOT_ATTACHED"
  | "ALL_VFS_IN_USE"
  | "HOST_DISCONNECTED"
  | "INTERFACE_NOT_FOUND"
  | "SRIOV_DISABLED"
  | "HOST_IN_MAINTENANCE";

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
    return none("HOST_IN_MAINTENANCE", "the host is in maintenance (no new VMs)");
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
  return {
    ...base,
    available,
    reason: null,
    message: `${available} of ${total} VFs available on host ${host.name} (${base.interfaces.join(", ")})`,
  };
}
