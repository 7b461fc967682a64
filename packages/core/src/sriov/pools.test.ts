import { describe, expect, it } from "vitest";
import { numaVerdict } from "../vms/numa";
import { judgeHost, type CreateDemand } from "../vms/placement";
import type { PlacementHost } from "../vms/scheduler";
import { hostVfAvailability } from "./availability";
import { openVfs, poolAdmits, poolNote } from "./pools-placement";
import {
  checkHoldersFit,
  checkPoolRange,
  checkResizeKeepsPools,
  parseVfRange,
  poolsCutBy,
} from "./pools-rules";

const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("VF pool rules", () => {
  it("reads a range as the K8s operator writes it", () => {
    expect(parseVfRange("#0-3")).toEqual({ first: 0, last: 3 });
    expect(parseVfRange("4-7")).toEqual({ first: 4, last: 7 });
    expect(parseVfRange("#5")).toEqual({ first: 5, last: 5 });
    for (const bad of ["", "#", "3-1", "a-b", "#-1", "0-3,5"])
      expect(codeOf(() => parseVfRange(bad))).toBe("VF_POOL_INVALID_RANGE");
  });

  it("keeps a pool inside the split and off the other pools", () => {
    const pf = { name: "em1", numVfs: 8 };
    const others = [{ name: "gold", first: 0, last: 3 }];
    expect(codeOf(() => checkPoolRange(pf, { first: 4, last: 7 }, others))).toBeNull();
    expect(codeOf(() => checkPoolRange(pf, { first: 4, last: 8 }, others))).toBe(
      "VF_POOL_OUT_OF_RANGE",
    );
    expect(codeOf(() => checkPoolRange(pf, { first: 3, last: 4 }, others))).toBe("VF_POOL_OVERLAP");
    expect(
      codeOf(() => checkPoolRange({ name: "em2", numVfs: 0 }, { first: 0, last: 0 }, [])),
    ).toBe("VF_POOL_OUT_OF_RANGE");
  });

  it("refuses a resize that would cut a pool, naming it; growing is fine", () => {
    const pools = [
      { name: "gold", first: 0, last: 3 },
      { name: "tail", first: 6, last: 7 },
    ];
    expect(poolsCutBy(pools, 8)).toEqual([]);
    expect(poolsCutBy(pools, 7).map((p) => p.name)).toEqual(["tail"]);
    expect(codeOf(() => checkResizeKeepsPools({ name: "em1" }, pools, 16))).toBeNull();
    expect(() => checkResizeKeepsPools({ name: "em1" }, pools, 4)).toThrow(/tail \(#6-7\)/);
    expect(() => checkResizeKeepsPools({ name: "em1" }, pools, 0)).toThrow(
      /Restoring would cut VF pools gold \(#0-3\), tail \(#6-7\)/,
    );
  });

  it("refuses holders that could not have got their VF through the pool", () => {
    const pool = { name: "gold", l2Ids: ["l2-gold"], projectIds: ["p1"] };
    const holder = { vfIndex: 1, vmName: "web-1", l3Name: "web", l2Id: "l2-gold", projectId: "p1" };
    expect(codeOf(() => checkHoldersFit(pool, [holder]))).toBeNull();
    expect(codeOf(() => checkHoldersFit(pool, [{ ...holder, projectId: "p2" }]))).toBe(
      "VF_POOL_HELD_OUTSIDE",
    );
    expect(() => checkHoldersFit(pool, [{ ...holder, l2Id: "l2-plain" }])).toThrow(
      /VF #1 \(VM web-1 on L3 web\)/,
    );
  });

  it("admits by L2, and by project only when the pool names projects", () => {
    expect(poolAdmits({ l2Ids: ["a"], projectIds: [] }, "a", "p")).toBe(true);
    expect(poolAdmits({ l2Ids: ["a"], projectIds: [] }, "b", "p")).toBe(false);
    expect(poolAdmits({ l2Ids: ["a"], projectIds: ["p"] }, "a", "p")).toBe(true);
    expect(poolAdmits({ l2Ids: ["a"], projectIds: ["p"] }, "a", "q")).toBe(false);
    expect(poolAdmits({ l2Ids: ["a"], projectIds: ["p"] }, "a", undefined)).toBe(false);
  });
});

describe("VF pools in placement", () => {
  const gold = { name: "gold", l2Ids: ["l2-gold"], projectIds: ["p1"], availableVfs: 3 };
  const pf = { id: "pf", name: "em1", bondName: null, availableVfs: 5, numaNode: 0, pools: [gold] };
  const host: PlacementHost = {
    id: "h",
    name: "kvm-1",
    clusterId: "c1",
    connectionState: "Connected",
    iommuEnabled: true,
    iommuKernelArgSet: true,
    iommuActive: true,
    rebootRequired: false,
    cpuCount: 64,
    memoryMiB: 65536,
    usedVcpus: 0,
    usedMemoryMiB: 0,
    physicalNics: [pf],
    numaNodes: [{ id: 0, cpuCount: 32, memoryMiB: 32768, usedVcpus: 0, usedMemoryMiB: 0 }],
  };
  const demand = (l2Id: string, vfs: number, projectId = "p1"): CreateDemand => ({
    vcpus: 1,
    memoryMiB: 1024,
    projectId,
    networks: [{ l2Id, l3Name: "web", physicalInterface: "em1", clusterIds: new Set(["c1"]), vfs }],
  });

  it("counts a pool's free VFs only for the L2s and projects it admits", () => {
    expect(openVfs([pf], "l2-gold", "p1")).toBe(5);
    expect(openVfs([pf], "l2-plain", "p1")).toBe(2);
    expect(openVfs([pf], "l2-gold", "p2")).toBe(2);
    expect(openVfs([{ ...pf, pools: null }], "l2-plain", "p1")).toBe(5);
    expect(poolNote([pf], "l2-plain", "p1")).toBe(
      " (3 more free in pools not open to it: em1#gold)",
    );
    expect(poolNote([pf], "l2-gold", "p1")).toBe("");
  });

  it("the judge refuses a host whose free VFs are all in pools closed to the NIC, saying so", () => {
    expect(judgeHost(host, demand("l2-gold", 5))).toBeNull();
    expect(judgeHost(host, demand("l2-plain", 2))).toBeNull();
    expect(judgeHost(host, demand("l2-plain", 3))).toMatchObject({
      kind: "noFreeVf",
      reason:
        "SR-IOV enabled, 2 free VF(s) on em1 for L3 web, 3 needed (3 more free in pools not open to it: em1#gold)",
    });
    expect(judgeHost(host, demand("l2-gold", 3, "p2"))?.kind).toBe("noFreeVf");
  });

  it("the NUMA verdict counts per node only the VFs the pools let through", () => {
    const required = { ...demand("l2-plain", 3), numaPolicy: "required" as const };
    expect(numaVerdict(host, required)).toMatchObject({
      node: null,
      reason: expect.stringContaining("node0 has 2 free VF(s) for L3 web"),
    });
    expect(numaVerdict(host, { ...demand("l2-gold", 3), numaPolicy: "required" })).toEqual({
      node: 0,
    });
  });
});

describe("VF pools in the per-host availability (R3's words)", () => {
  const row = (pools: Array<{ l2Ids: string[]; availableVfs: number }>) =>
    hostVfAvailability(
      {
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
            vfTotal: 8,
            vfAvailable: 4,
            pools: pools.map((p, i) => ({ name: `p${i}`, projectIds: ["any"], ...p })),
          },
        ],
      },
      {
        l2Id: "l2-plain",
        l2Name: "plain",
        l3Name: "plain-l3",
        physicalInterface: "em1",
        l2SriovEnabled: true,
        l3SriovEnabled: true,
        attachedClusterIds: new Set(["c1"]),
      },
    );

  it("leaves out free VFs in pools of other L2s, and says where they are", () => {
    expect(row([])).toMatchObject({ available: 4, reason: null });
    expect(row([{ l2Ids: ["l2-plain"], availableVfs: 3 }])).toMatchObject({ available: 4 });
    const some = row([{ l2Ids: ["l2-gold"], availableVfs: 3 }]);
    expect(some).toMatchObject({ available: 1, reason: null });
    expect(some.message).toBe(
      "1 of 8 VFs available on host kvm-01 (em1; 3 more in pools of other L2s)",
    );
    const none = row([{ l2Ids: ["l2-gold"], availableVfs: 4 }]);
    expect(none).toMatchObject({ available: 0, reason: "VFS_IN_OTHER_POOLS" });
    expect(none.message).toBe(
      "SR-IOV enabled, no VFs on host kvm-01: its 4 free VF(s) are in VF pools of other L2s (em1#p0)",
    );
  });
});
