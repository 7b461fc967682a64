import { describe, expect, it } from "vitest";
import {
  hostVfAvailability,
  resolveInterface,
  type AvailabilityHost,
  type AvailabilityNetwork,
} from "./availability";

const vfs = (available: number, attached = 0) => ({
  vfTotal: available + attached,
  vfAvailable: available,
});

function host(overrides: Partial<AvailabilityHost> = {}): AvailabilityHost {
  return {
    id: "h1",
    name: "kvm-01",
    clusterId: "c1",
    clusterName: "cluster-a",
    connectionState: "Connected",
    connectionReason: null,
    iommuEnabled: true,
    iommuKernelArgSet: true,
    iommuActive: true,
    rebootRequired: false,
    physicalNics: [
      { name: "em1", bondName: null, virtualizationState: "Virtualizable", ...vfs(0) },
      { name: "p2p1", bondName: "bond0", virtualizationState: "Virtualized", ...vfs(2, 1) },
      { name: "p2p2", bondName: "bond0", virtualizationState: "Virtualizable", ...vfs(0) },
      { name: "eno1", bondName: null, virtualizationState: "NotVirtualizable", ...vfs(0) },
    ],
    ...overrides,
  };
}

const network: AvailabilityNetwork = {
  l2Name: "l2-sriov",
  l3Name: "l3-sriov",
  physicalInterface: "em1",
  l2SriovEnabled: true,
  l3SriovEnabled: true,
  attachedClusterIds: new Set(["c1"]),
};

describe("R3 availability", () => {
  it("R3: an SR-IOV L2 whose interface is not split on a host offers no VFs there, and says so", () => {
    const row = hostVfAvailability(host(), network);
    expect(row).toMatchObject({ available: 0, total: 0, reason: "INTERFACE_NOT_SPLIT" });
    expect(row.message).toBe("SR-IOV enabled, no VFs on host kvm-01: interface em1 is not split");
  });

  it("never resolves an interface name to a PF without a netdev", () => {
    const nvme = {
      name: null,
      bondName: null,
      virtualizationState: "Virtualized" as const,
      ...vfs(4),
    };
    const pfs = [...host().physicalNics, nvme];
    expect(resolveInterface(pfs, "0000:01:00.0")).toEqual([]);
    expect(resolveInterface(pfs, "bond0").map((pf) => pf.name)).toEqual(["p2p1", "p2p2"]);
  });

  it("resolves a bond to its slaves and counts the split ones", () => {
    expect(resolveInterface(host().physicalNics, "bond0").map((pf) => pf.name)).toEqual([
      "p2p1",
      "p2p2",
    ]);
    const row = hostVfAvailability(host(), { ...network, physicalInterface: "bond0" });
    expect(row).toMatchObject({
      available: 2,
      total: 3,
      reason: null,
      interfaces: ["p2p1", "p2p2"],
    });
  });

  it("names every other reason", () => {
    const reason = (h: AvailabilityHost, n: Partial<AvailabilityNetwork> = {}) =>
      hostVfAvailability(h, { ...network, ...n }).reason;
    expect(reason(host(), { l3SriovEnabled: false })).toBe("SRIOV_DISABLED");
    expect(reason(host(), { attachedClusterIds: new Set() })).toBe("CLUSTER_NOT_ATTACHED");
    expect(reason(host({ connectionState: "Disconnected" }))).toBe("HOST_DISCONNECTED");
    expect(reason(host({ maintenance: true }))).toBe("HOST_IN_MAINTENANCE");
    expect(reason(host(), { physicalInterface: "em9" })).toBe("INTERFACE_NOT_FOUND");
    expect(reason(host({ iommuActive: false, rebootRequired: true }))).toBe("IOMMU_NOT_READY");
    expect(reason(host(), { physicalInterface: "eno1" })).toBe("INTERFACE_NOT_SPLIT");
    const full = host({
      physicalNics: [
        { name: "em1", bondName: null, virtualizationState: "Virtualized", ...vfs(0, 4) },
      ],
    });
    expect(hostVfAvailability(full, network)).toMatchObject({
      reason: "ALL_VFS_IN_USE",
      total: 4,
      available: 0,
    });
  });
});
