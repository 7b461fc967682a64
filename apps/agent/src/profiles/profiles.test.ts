import { describe, expect, it } from "vitest";
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

  it("refuses names that could leave the profiles directory", () => {
    expect(() => loadHostProfile("../nics/intel-i350")).toThrow(/invalid host profile name/);
  });
});
