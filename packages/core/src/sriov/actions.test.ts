import { describe, expect, it } from "vitest";
import { pfActions, type PfActionFacts } from "./actions";

const ready: PfActionFacts = {
  pf: {
    name: "em1",
    totalVfs: 7,
    numVfs: 0,
    desiredNumVfs: null,
    virtualizationState: "Virtualizable",
  },
  host: {
    name: "kvm-01",
    connectionState: "Connected",
    connectionReason: null,
    iommuEnabled: true,
    iommuKernelArgSet: true,
    iommuActive: true,
    rebootRequired: false,
  },
  activeOperation: null,
  vfsInUse: 0,
};
const split = (numVfs: number, vfsInUse = 0): PfActionFacts => ({
  ...ready,
  pf: { ...ready.pf, numVfs, desiredNumVfs: numVfs, virtualizationState: "Virtualized" },
  vfsInUse,
});

describe("pfActions", () => {
  it("allows a split of an idle capable PF on a connected IOMMU-ready host, with R12's bounds", () => {
    const actions = pfActions(ready);
    expect(actions.split).toEqual({ allowed: true, reason: null, code: null });
    expect(actions.vfCount).toEqual({ min: 1, max: 7 });
  });

  it("refuses a split on a PF without SR-IOV", () => {
    const actions = pfActions({
      ...ready,
      pf: { ...ready.pf, totalVfs: 0, virtualizationState: "NotVirtualizable" },
    });
    expect(actions.split).toMatchObject({ allowed: false, code: "PF_NOT_SRIOV_CAPABLE" });
    expect(actions.restore).toMatchObject({ allowed: false, code: "PF_NOT_SRIOV_CAPABLE" });
  });

  it("refuses a split, resize and restore on a disconnected host, naming the reason", () => {
    const actions = pfActions({
      ...split(4),
      host: { ...ready.host, connectionState: "Disconnected", connectionReason: "timed out" },
    });
    for (const verdict of [actions.split, actions.resize, actions.restore]) {
      expect(verdict).toMatchObject({ allowed: false, code: "HOST_NOT_CONNECTED" });
      expect(verdict.reason).toContain("timed out");
    }
  });

  it("refuses a split until the IOMMU is active, saying to reboot", () => {
    const actions = pfActions({
      ...ready,
      host: { ...ready.host, iommuActive: false, rebootRequired: true },
    });
    expect(actions.split).toMatchObject({ allowed: false, code: "IOMMU_NOT_READY" });
    expect(actions.split.reason).toMatch(/reboot/);
  });

  it("refuses every PF action while an operation runs on the PF or its host", () => {
    const actions = pfActions({
      ...split(4),
      activeOperation: { id: "op", kind: "pf.split", targetName: "kvm-01/em1" },
    });
    for (const verdict of [actions.split, actions.resize, actions.restore])
      expect(verdict).toMatchObject({ allowed: false, code: "OPERATION_IN_PROGRESS" });
  });

  it("R12: refuses a resize while any VF is in use, and allows it when none is", () => {
    expect(pfActions(split(4, 1)).resize).toMatchObject({ allowed: false, code: "VFS_IN_USE" });
    expect(pfActions(split(4, 1)).resize.reason).toContain("1 of them are in use");
    expect(pfActions(split(4, 0)).resize.allowed).toBe(true);
  });

  it("refuses a restore of a PF with no VFs and none desired", () => {
    expect(pfActions(ready).restore).toMatchObject({ allowed: false, code: "PF_NOT_SPLIT" });
    expect(pfActions(split(4, 2)).restore.allowed).toBe(true);
  });
});
