import { describe, expect, it } from "vitest";
import { hostVfAvailability, type AvailabilityHost } from "./availability";
import { linkDownWarning, noVfsAnywhereWarnings } from "./warnings";

const host: AvailabilityHost = {
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
    {
      name: "em1",
      bondName: null,
      virtualizationState: "Virtualized",
      linkUp: false,
      vfTotal: 4,
      vfAvailable: 4,
    },
    {
      name: "em2",
      bondName: null,
      virtualizationState: "Virtualized",
      linkUp: true,
      vfTotal: 4,
      vfAvailable: 4,
    },
  ],
};

const network = {
  l2Name: "l2",
  l3Name: "l3",
  physicalInterface: "em1",
  l2SriovEnabled: true,
  l3SriovEnabled: true,
  attachedClusterIds: new Set(["c1"]),
};

describe("SR-IOV warnings", () => {
  it("flags a PF whose link is down where its VFs are offered, and still offers them", () => {
    const down = hostVfAvailability(host, network);
    expect(down.available).toBe(4);
    expect(down.warnings).toEqual([expect.stringMatching(/^Link down on em1 \(kvm-01\)/)]);
    expect(hostVfAvailability(host, { ...network, physicalInterface: "em2" }).warnings).toEqual([]);
    expect(linkDownWarning({ name: "em1" }, "kvm-01")).toBeNull();
  });

  it("flags an L2 with SR-IOV on and no VF on any host, and nothing else", () => {
    const l2 = {
      l2Id: "a",
      name: "l2-a",
      sriovEnabled: true,
      physicalInterface: "em1",
      vfTotal: 0,
    };
    const warnings = noVfsAnywhereWarnings([
      l2,
      { ...l2, l2Id: "b", vfTotal: 8 },
      { ...l2, l2Id: "c", sriovEnabled: false },
    ]);
    expect(warnings).toEqual([
      expect.objectContaining({ code: "SRIOV_NO_VFS_ANYWHERE", l2Id: "a" }),
    ]);
    expect(warnings[0]?.message).toMatch(
      /SR-IOV is on for L2 l2-a, but no host offers a VF on em1/,
    );
  });
});
