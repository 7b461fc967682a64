import { describe, expect, it } from "vitest";
import {
  checkResizeAllowed,
  checkRestoreAllowed,
  checkSplitCount,
  requireHostConnected,
  requireIommuReady,
  requireSriovCapable,
  resizePlan,
  splitWarnings,
} from "./rules";

const pf = { name: "em1", totalVfs: 7, numVfs: 0, virtualizationState: "Virtualizable" as const };
const host = {
  name: "kvm-01",
  connectionState: "Connected" as const,
  connectionReason: null,
  iommuEnabled: true,
  iommuKernelArgSet: true,
  iommuActive: true,
  rebootRequired: false,
};

describe("split rules", () => {
  it("R12: the count is 1..totalVfs, and the error carries the bounds", () => {
    expect(() => checkSplitCount(pf, 1)).not.toThrow();
    expect(() => checkSplitCount(pf, 7)).not.toThrow();
    for (const bad of [0, 8, -1, 2.5]) {
      expect(() => checkSplitCount(pf, bad)).toThrow(
        expect.objectContaining({
          code: "VF_COUNT_OUT_OF_RANGE",
          details: expect.objectContaining({ min: 1, max: 7 }),
        }),
      );
    }
  });

  it("R12: non-zero → other non-zero goes through 0 and is refused while VFs are in use", () => {
    expect(resizePlan(4, 2)).toEqual({ from: 4, to: 2, viaZero: true, destroysVfs: true });
    expect(resizePlan(0, 4)).toMatchObject({ viaZero: false, destroysVfs: false });
    expect(resizePlan(4, 4)).toMatchObject({ viaZero: false, destroysVfs: false });
    expect(() => checkResizeAllowed(pf, resizePlan(4, 2), 1)).toThrow(
      expect.objectContaining({ code: "VFS_IN_USE" }),
    );
    expect(() => checkResizeAllowed(pf, resizePlan(4, 2), 0)).not.toThrow();
    expect(() => checkResizeAllowed(pf, resizePlan(0, 2), 3)).not.toThrow();
  });

  it("R11: restore with VMs on the VFs is refused with the VM list, unless forced", () => {
    const vms = [{ id: "a", name: "web-1" }];
    expect(() => checkRestoreAllowed(pf, vms, false)).toThrow(
      expect.objectContaining({ code: "VFS_ATTACHED", details: expect.objectContaining({ vms }) }),
    );
    expect(() => checkRestoreAllowed(pf, vms, true)).not.toThrow();
    expect(() => checkRestoreAllowed(pf, [], false)).not.toThrow();
  });

  it("R13: a bonded PF warns; with several slaves the advice is to split only one", () => {
    expect(splitWarnings({ name: "em1", bondName: null, bondSlaves: [] })).toEqual([]);
    expect(splitWarnings({ name: "em1", bondName: "bond0", bondSlaves: ["em1", "em2"] })).toEqual([
      "em1 is a slave of bond0; with a multi-slave bond split only one slave",
    ]);
    expect(
      splitWarnings({ name: "em1", bondName: "bond0", bondSlaves: ["em1", "em2"] }, ["em2"])[1],
    ).toBe("em2 of bond0 is already split");
  });

  it("refuses PFs without SR-IOV, disconnected hosts and hosts whose IOMMU is not ready", () => {
    expect(() =>
      requireSriovCapable({ ...pf, totalVfs: 0, virtualizationState: "NotVirtualizable" }),
    ).toThrow(expect.objectContaining({ code: "PF_NOT_SRIOV_CAPABLE" }));
    expect(() =>
      requireHostConnected({ ...host, connectionState: "Disconnected", connectionReason: "gone" }),
    ).toThrow(expect.objectContaining({ code: "HOST_NOT_CONNECTED" }));
    expect(() => requireIommuReady({ ...host, iommuActive: false, rebootRequired: true })).toThrow(
      expect.objectContaining({
        code: "IOMMU_NOT_READY",
        message: expect.stringMatching(/reboot the host/),
      }),
    );
    expect(() => requireIommuReady(host)).not.toThrow();
  });
});
