import { describe, expect, it } from "vitest";
import {
  checkAcceptsPlacements,
  checkMaintenanceChange,
  iommuReadiness,
  pfL2Carriage,
  pfLabel,
  virtualizationStateOf,
} from "./rules";

describe("a PF without a netdev", () => {
  const nvme = { name: null, pciAddress: "0000:01:00.0" };
  it("cannot carry an L2, and says so", () => {
    expect(pfL2Carriage(nvme)).toEqual({
      canCarryL2: false,
      message: "0000:01:00.0 has no network interface, so it cannot carry an L2 network.",
    });
    expect(pfL2Carriage({ name: "em1", pciAddress: "0000:02:00.0" })).toEqual({
      canCarryL2: true,
      message: null,
    });
  });

  it("is called by its PCI address", () => {
    expect(pfLabel(nvme)).toBe("0000:01:00.0");
    expect(pfLabel({ name: "em1", pciAddress: "0000:02:00.0" })).toBe("em1");
  });
});

describe("virtualizationStateOf", () => {
  it("is NotVirtualizable without SR-IOV or with totalVfs = 0", () => {
    expect(virtualizationStateOf({ sriovCapable: false, totalVfs: 0, numVfs: 0 })).toBe(
      "NotVirtualizable",
    );
    expect(virtualizationStateOf({ sriovCapable: true, totalVfs: 0, numVfs: 0 })).toBe(
      "NotVirtualizable",
    );
  });
  it("is Virtualizable when capable and not split, Virtualized once split", () => {
    expect(virtualizationStateOf({ sriovCapable: true, totalVfs: 7, numVfs: 0 })).toBe(
      "Virtualizable",
    );
    expect(virtualizationStateOf({ sriovCapable: true, totalVfs: 7, numVfs: 3 })).toBe(
      "Virtualized",
    );
  });
});

describe("iommuReadiness", () => {
  const base = {
    iommuEnabled: false,
    iommuKernelArgSet: false,
    iommuActive: false,
    rebootRequired: false,
  };
  it("is ready only when IOMMU is observed active", () => {
    expect(iommuReadiness({ ...base, iommuActive: true }).state).toBe("ready");
    expect(iommuReadiness({ ...base, iommuEnabled: true, iommuKernelArgSet: true }).state).not.toBe(
      "ready",
    );
  });
  it("asks for a reboot when the argument is set but not yet booted", () => {
    expect(
      iommuReadiness({ ...base, iommuEnabled: true, iommuKernelArgSet: true, rebootRequired: true })
        .state,
    ).toBe("rebootRequired");
  });
  it("points at the BIOS when the argument is booted but IOMMU is still inactive", () => {
    const readiness = iommuReadiness({ ...base, iommuEnabled: true, iommuKernelArgSet: true });
    expect(readiness.state).toBe("biosDisabled");
    expect(readiness.message).toMatch(/BIOS/);
  });
  it("says IOMMU is off when neither desired nor configured", () => {
    expect(iommuReadiness(base).state).toBe("disabled");
  });
});

describe("maintenance", () => {
  it("refuses new placements on a host in maintenance with HOST_IN_MAINTENANCE, in words", () => {
    expect(() => checkAcceptsPlacements({ name: "kvm-01", maintenance: false })).not.toThrow();
    expect(() => checkAcceptsPlacements({ name: "kvm-01", maintenance: true })).toThrow(
      expect.objectContaining({
        code: "HOST_IN_MAINTENANCE",
        message: expect.stringContaining("kvm-01 is in maintenance"),
      }),
    );
  });

  it("refuses entering twice or leaving a maintenance the host is not in", () => {
    expect(() => checkMaintenanceChange({ name: "h", maintenance: false }, true)).not.toThrow();
    expect(() => checkMaintenanceChange({ name: "h", maintenance: true }, false)).not.toThrow();
    expect(() => checkMaintenanceChange({ name: "h", maintenance: true }, true)).toThrow(
      expect.objectContaining({ code: "HOST_MAINTENANCE_UNCHANGED" }),
    );
    expect(() => checkMaintenanceChange({ name: "h", maintenance: false }, false)).toThrow(
      expect.objectContaining({ code: "HOST_MAINTENANCE_UNCHANGED" }),
    );
  });
});
