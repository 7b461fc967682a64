import { describe, expect, it } from "vitest";
import {
  checkAssign,
  checkCreatableChoice,
  checkDevicesOnOneHost,
  checkMarkAssignable,
  checkSplitNotAssignable,
  checkUnmarkAssignable,
  unavailableReason,
  type MarkContext,
} from "./rules";
import { migrationVerdict, vmActions } from "../vms/rules";

const device = { pciAddress: "0000:3b:00.0", iommuGroup: 40, sriovNumVfs: null, missing: false };
const ctx: MarkContext = {
  host: { name: "kvm-1", iommuActive: true },
  groupPeers: [],
  pf: null,
  l2Names: [],
};
const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("marking a device assignable", () => {
  it("allows a present device alone in its group on a host with an active IOMMU", () => {
    expect(codeOf(() => checkMarkAssignable(device, ctx))).toBeNull();
  });

  it("refuses without an active IOMMU or an IOMMU group", () => {
    const off = { ...ctx, host: { name: "kvm-1", iommuActive: false } };
    expect(codeOf(() => checkMarkAssignable(device, off))).toBe("IOMMU_NOT_READY");
    expect(codeOf(() => checkMarkAssignable({ ...device, iommuGroup: null }, ctx))).toBe(
      "IOMMU_NOT_READY",
    );
  });

  it("refuses a split PF: VFs on, or a split wanted", () => {
    expect(codeOf(() => checkMarkAssignable({ ...device, sriovNumVfs: 4 }, ctx))).toBe(
      "PCI_DEVICE_SPLIT",
    );
    const wanted = { ...ctx, pf: { name: "ens1f0", numVfs: 0, desiredNumVfs: 8 } };
    expect(codeOf(() => checkMarkAssignable(device, wanted))).toBe("PCI_DEVICE_SPLIT");
    const unsplit = { ...ctx, pf: { name: "ens1f0", numVfs: 0, desiredNumVfs: 0 } };
    expect(codeOf(() => checkMarkAssignable({ ...device, sriovNumVfs: 0 }, unsplit))).toBeNull();
  });

  it("refuses a device whose IOMMU group holds other functions, a missing one, and an L2 carrier", () => {
    const shared = { ...ctx, groupPeers: ["0000:3b:00.1"] };
    expect(codeOf(() => checkMarkAssignable(device, shared))).toBe("IOMMU_GROUP_SHARED");
    expect(codeOf(() => checkMarkAssignable({ ...device, missing: true }, ctx))).toBe(
      "PCI_DEVICE_MISSING",
    );
    expect(codeOf(() => checkMarkAssignable(device, { ...ctx, l2Names: ["prod"] }))).toBe(
      "PCI_DEVICE_IN_USE",
    );
  });

  it("unmarking waits until no VM is given the device", () => {
    expect(codeOf(() => checkUnmarkAssignable(device, ["vm-1"]))).toBe("PCI_DEVICE_ASSIGNED");
    expect(codeOf(() => checkUnmarkAssignable(device, []))).toBeNull();
  });
});

describe("split, assignment, start and migration", () => {
  it("a PF marked assignable is not split", () => {
    expect(codeOf(() => checkSplitNotAssignable({ name: "ens1f0" }, { assignable: true }))).toBe(
      "PCI_DEVICE_ASSIGNABLE",
    );
    expect(
      codeOf(() => checkSplitNotAssignable({ name: "ens1f0" }, { assignable: false })),
    ).toBeNull();
    expect(codeOf(() => checkSplitNotAssignable({ name: "ens1f0" }, null))).toBeNull();
  });

  it("a device goes to a stopped VM on its host, only when assignable and present", () => {
    const d = { ...device, assignable: true, hostId: "h1" };
    const vm = { name: "vm-1", state: "Stopped", hostId: "h1" };
    expect(codeOf(() => checkAssign(d, vm))).toBeNull();
    expect(codeOf(() => checkAssign({ ...d, assignable: false }, vm))).toBe(
      "PCI_DEVICE_NOT_ASSIGNABLE",
    );
    expect(codeOf(() => checkAssign({ ...d, missing: true }, vm))).toBe("PCI_DEVICE_MISSING");
    expect(codeOf(() => checkAssign(d, { ...vm, hostId: "h2" }))).toBe("PCI_DEVICE_UNAVAILABLE");
    expect(codeOf(() => checkAssign(d, { ...vm, state: "Running" }))).toBe("VM_NOT_STOPPED");
  });

  it("a start cannot hold a device that is held, unmarked or missing", () => {
    const free = { pciAddress: "0000:3b:00.0", assignable: true, missing: false, holderVm: null };
    expect(unavailableReason(free)).toBeNull();
    expect(unavailableReason({ ...free, holderVm: "vm-2" })).toMatch(/held by VM vm-2/);
    expect(unavailableReason({ ...free, assignable: false })).toMatch(/no longer marked/);
    expect(unavailableReason({ ...free, missing: true })).toMatch(/no longer reported/);
  });

  it("a VM given whole devices does not migrate, live or cold, and its page says so", () => {
    const given = { nics: [], pciDevices: ["0000:3b:00.0"] };
    for (const state of ["Running", "Stopped"] as const) {
      expect(migrationVerdict({ ...given, state }, "live").code).toBe("PCI_DEVICE_NOT_MIGRATABLE");
      expect(vmActions({ ...given, state }).migrate.reason).toContain("0000:3b:00.0");
    }
    expect(migrationVerdict({ state: "Stopped", nics: [], pciDevices: [] }, "live").allowed).toBe(
      true,
    );
  });
});

describe("choosing devices for a new VM", () => {
  const onHost = (pciDeviceId: string, host: string, unavailable: string | null = null) => ({
    pciDeviceId,
    pciAddress: `0000:${pciDeviceId}:00.0`,
    host: { id: host, name: `kvm-${host}` },
    unavailable,
  });
  const gpuA = onHost("3b", "1");
  const nicA = onHost("5e", "1");
  const gpuB = onHost("3b", "2");

  it("allows any free device while none is chosen, and more on the chosen ones' host", () => {
    expect(codeOf(() => checkCreatableChoice(gpuB, []))).toBeNull();
    expect(codeOf(() => checkCreatableChoice(nicA, [gpuA]))).toBeNull();
  });

  it("refuses a device on another host than the chosen ones: a VM runs on one host", () => {
    expect(codeOf(() => checkCreatableChoice(gpuB, [gpuA]))).toBe("PCI_DEVICE_UNAVAILABLE");
    expect(() => checkCreatableChoice(gpuB, [gpuA])).toThrow(/different hosts \(kvm-1, kvm-2\)/);
    expect(codeOf(() => checkDevicesOnOneHost([gpuA.host, gpuB.host]))).toBe(
      "PCI_DEVICE_UNAVAILABLE",
    );
    expect(codeOf(() => checkDevicesOnOneHost([gpuA.host, nicA.host]))).toBeNull();
  });

  it("refuses a device a create could not hold now, with why", () => {
    const held = onHost("3b", "1", "0000:3b:00.0 is held by VM web-1");
    expect(() => checkCreatableChoice(held, [])).toThrow("0000:3b:00.0 is held by VM web-1.");
  });
});
