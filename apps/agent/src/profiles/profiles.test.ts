import { describe, expect, it } from "vitest";
import { numaLayout } from "../sim/tree";
import { hostProfileNames, loadHostProfile, loadNicProfile, nicProfileNames } from "./load";

describe("hardware profiles", () => {
  it("all validate, with the driver VF limits seen in the field", () => {
    const limits = Object.fromEntries(nicProfileNames.map((n) => [n, loadNicProfile(n).totalVfs]));
    expect(limits).toEqual({
      "intel-i350": 7,
      "intel-82599": 63,
      "intel-x710": 128,
      "intel-e810": 256,
      "mellanox-cx5": 127,
      "realtek-r8169": 0,
      "intel-e1000e": 0,
      // QEMU 7.2's emulated NVMe with sriov_max_vfs=4, as the kernel test bed boots it.
      "qemu-nvme": 4,
    });
    for (const name of hostProfileNames) expect(loadHostProfile(name).name).toBe(name);
  });

  it("cover the demo hosts", () => {
    const a = loadHostProfile("kvm-i350-82599");
    expect(a.nics.map((n) => n.nic)).toEqual([
      "intel-i350",
      "intel-i350",
      "intel-82599",
      "intel-82599",
    ]);
    expect(loadHostProfile("kvm-e810").nics.map((n) => n.profile.totalVfs)).toEqual([0, 256]);
    expect(loadHostProfile("kvm-bond-82599").nics.filter((n) => n.bond === "bond0")).toHaveLength(
      2,
    );
    expect(loadHostProfile("kvm-no-iommu").cmdline).not.toMatch(/iommu=on/);
    expect(loadHostProfile("kvm-cx5-x710").nics.map((n) => n.nic)).toEqual([
      "mellanox-cx5",
      "mellanox-cx5",
      "intel-x710",
    ]);
  });

  it("model NUMA: the demo host has two nodes with its two cards on different ones", () => {
    const a = loadHostProfile("kvm-i350-82599");
    expect(a.nics.map((n) => [n.ifname, n.numaNode])).toEqual([
      ["em1", 0],
      ["em2", 0],
      ["p1p1", 1],
      ["p1p2", 1],
    ]);
    expect(numaLayout(a)).toEqual([
      { id: 0, cpuList: "0-19", memoryMiB: 98304 },
      { id: 1, cpuList: "20-39", memoryMiB: 98304 },
    ]);
    // Without numaNodes: one node with everything, and PFs without locality (-1).
    const e810 = loadHostProfile("kvm-e810");
    expect(numaLayout(e810)).toHaveLength(1);
    expect(e810.nics.every((n) => n.numaNode === -1)).toBe(true);
    expect(numaLayout({ numaNodes: 3, cpu: { ...a.cpu, count: 8 }, memoryMiB: 3000 })).toEqual([
      { id: 0, cpuList: "0-1", memoryMiB: 1000 },
      { id: 1, cpuList: "2-3", memoryMiB: 1000 },
      { id: 2, cpuList: "4-7", memoryMiB: 1000 },
    ]);
  });

  it("refuses names that could leave the profiles directory", () => {
    expect(() => loadHostProfile("../nics/intel-i350")).toThrow(/invalid host profile name/);
  });
});
