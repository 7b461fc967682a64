import { describe, expect, it } from "vitest";
import { fleetPfRefusal, resolveBudget } from "./fleet-rules";
import { fleetRolloutInput, maxUnavailableSpec } from "./fleet-schemas";

const pf = { name: "p1p1", totalVfs: 63, numVfs: 0, virtualizationState: "Virtualizable" as const };
const host = {
  name: "kvm-01",
  connectionState: "Connected" as const,
  connectionReason: null,
  iommuEnabled: true,
  iommuKernelArgSet: true,
  iommuActive: true,
  rebootRequired: false,
};
const ok = { pf, host, vfsInUse: 0, holders: [] };

describe("fleet rollout budget", () => {
  it("a percentage is of the cluster's hosts, rounded up, at least 1; a number is as given", () => {
    expect(resolveBudget("10%", 12)).toBe(2);
    expect(resolveBudget("10%", 1000)).toBe(100);
    expect(resolveBudget("10%", 10)).toBe(1);
    expect(resolveBudget("10%", 0)).toBe(1);
    expect(resolveBudget("50%", 5)).toBe(3);
    expect(resolveBudget("2", 12)).toBe(2);
    expect(resolveBudget("3", 1)).toBe(3);
  });

  it("maxUnavailable defaults to 10 % (never unbounded) and refuses 0, 0 % and over 100 %", () => {
    const input = fleetRolloutInput.parse({
      action: "restore",
      selection: { clusterIds: ["5f0c6a52-3c1c-4a43-9d55-1b0d2b9a1f10"], interfaceName: "p1p1" },
    });
    expect(input.maxUnavailable).toBe("10%");
    expect(input.onFailure).toBe("pause");
    for (const bad of [0, "0", "0%", "101%", "-1", "ten", "1.5"]) {
      expect(maxUnavailableSpec.safeParse(bad).success, String(bad)).toBe(false);
    }
    expect(maxUnavailableSpec.parse(4)).toBe("4");
    expect(maxUnavailableSpec.parse("25%")).toBe("25%");
  });

  it("a split needs a count, and a selection needs an interface, a model or a list", () => {
    const clusterIds = ["5f0c6a52-3c1c-4a43-9d55-1b0d2b9a1f10"];
    expect(
      fleetRolloutInput.safeParse({ action: "split", selection: { clusterIds, model: "82599" } })
        .success,
    ).toBe(false);
    expect(
      fleetRolloutInput.safeParse({ action: "split", count: 4, selection: { clusterIds } }).success,
    ).toBe(false);
  });
});

describe("fleet rollout PF rules: the single-PF refusals, with their reasons", () => {
  it("a PF that may go has no refusal", () => {
    expect(fleetPfRefusal(ok, { action: "split", count: 8 })).toBeNull();
    expect(fleetPfRefusal(ok, { action: "restore", force: false })).toBeNull();
  });

  it("refuses a PF without SR-IOV, on a disconnected host, without IOMMU, out of range or with VFs in use", () => {
    const cases: Array<[Parameters<typeof fleetPfRefusal>[0], number, string]> = [
      [
        { ...ok, pf: { ...pf, totalVfs: 0, virtualizationState: "NotVirtualizable" } },
        4,
        "PF_NOT_SRIOV_CAPABLE",
      ],
      [{ ...ok, host: { ...host, connectionState: "Disconnected" } }, 4, "HOST_NOT_CONNECTED"],
      [{ ...ok, host: { ...host, iommuActive: false } }, 4, "IOMMU_NOT_READY"],
      [ok, 64, "VF_COUNT_OUT_OF_RANGE"],
      [ok, 0, "VF_COUNT_OUT_OF_RANGE"],
      [
        { ...ok, pf: { ...pf, numVfs: 4, virtualizationState: "Virtualized" }, vfsInUse: 1 },
        8,
        "VFS_IN_USE",
      ],
    ];
    for (const [facts, count, code] of cases) {
      const refusal = fleetPfRefusal(facts, { action: "split", count });
      expect(refusal, code).toMatchObject({ code });
      expect(refusal?.message).toContain(
        code === "HOST_NOT_CONNECTED" || code === "IOMMU_NOT_READY" ? "kvm-01" : "p1p1",
      );
    }
  });

  it("R11: a restore with VMs on the VFs is refused with them named, unless forced", () => {
    const held = {
      ...ok,
      pf: { ...pf, numVfs: 4, virtualizationState: "Virtualized" as const },
      vfsInUse: 1,
      holders: [{ id: "vm-1", name: "web-1" }],
    };
    expect(fleetPfRefusal(held, { action: "restore", force: false })).toMatchObject({
      code: "VFS_ATTACHED",
      message: expect.stringContaining("web-1"),
    });
    expect(fleetPfRefusal(held, { action: "restore", force: true })).toBeNull();
    // A restore does not need IOMMU: it only takes VFs away.
    expect(
      fleetPfRefusal(
        { ...ok, host: { ...host, iommuActive: false } },
        { action: "restore", force: false },
      ),
    ).toBeNull();
  });
});
