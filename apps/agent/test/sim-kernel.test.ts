import { readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { systemClock } from "../src/platform/clock";
import { errnoOf } from "../src/platform/io";
import { loadHostProfile } from "../src/profiles/load";
import type { HostProfile } from "../src/profiles/schema";
import { parseKernelU16, SimKernel } from "../src/sim/kernel";
import { tempDir } from "./helpers";

const PF = "0000:04:00.0"; // 82599, 63 VFs
const numvfs = `bus/pci/devices/${PF}/sriov_numvfs`;

async function kernel(
  profile: HostProfile | string = "kvm-i350-82599",
  perVfDelayMs = 0,
  stateDir?: string,
): Promise<SimKernel> {
  return SimKernel.open({
    stateDir: stateDir ?? (await tempDir()),
    profile: typeof profile === "string" ? loadHostProfile(profile) : profile,
    perVfDelayMs,
    clock: systemClock,
  });
}

async function errno(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (error) {
    return errnoOf(error);
  }
  return "no error";
}

async function links(k: SimKernel, pci = PF): Promise<string[]> {
  return (await readdir(path.join(k.sysRoot, "bus/pci/devices", pci)))
    .filter((e) => /^virtfn\d+$/.test(e))
    .sort();
}

describe("sim kernel: sriov_numvfs", { timeout: 30_000 }, () => {
  it("creates VFs with virtfnN and physfn links, and sets the count last", async () => {
    const k = await kernel();
    await k.sys.writeFile(numvfs, "3\n");
    expect((await k.sys.readFile(numvfs)).trim()).toBe("3");
    expect(await links(k)).toEqual(["virtfn0", "virtfn1", "virtfn2"]);
    expect(await readlink(path.join(k.sysRoot, "bus/pci/devices", PF, "virtfn2"))).toBe(
      "../0000:04:10.4",
    );
    expect(await readlink(path.join(k.sysRoot, "bus/pci/devices/0000:04:10.4/physfn"))).toBe(
      `../${PF}`,
    );
    expect((await k.sys.readFile("bus/pci/devices/0000:04:10.4/device")).trim()).toBe("0x10ed");
  });

  it("refuses N > sriov_totalvfs with ERANGE", async () => {
    const k = await kernel();
    expect(await errno(k.sys.writeFile(numvfs, "64"))).toBe("ERANGE");
    expect(await links(k)).toEqual([]);
  });

  it("refuses a different non-zero count with EBUSY, accepts the same count and 0", async () => {
    const k = await kernel();
    await k.sys.writeFile(numvfs, "2");
    expect(await errno(k.sys.writeFile(numvfs, "4"))).toBe("EBUSY");
    await k.sys.writeFile(numvfs, "2");
    await k.sys.writeFile(numvfs, "0");
    expect(await links(k)).toEqual([]);
    expect(await readdir(path.join(k.sysRoot, "bus/pci/devices"))).not.toContain("0000:04:10.0");
    await k.sys.writeFile(numvfs, "4");
    expect(await links(k)).toHaveLength(4);
  });

  it("refuses garbage with EINVAL; a concurrent writer waits for the device lock", async () => {
    const k = await kernel("kvm-i350-82599", 2);
    expect(await errno(k.sys.writeFile(numvfs, "seven"))).toBe("EINVAL");
    expect(await errno(k.sys.writeFile(numvfs, "-1"))).toBe("EINVAL");
    const first = errno(k.sys.writeFile(numvfs, "10"));
    // The kernel's second writer blocks in device_lock() and then runs: here it removes the 10.
    expect(await errno(k.sys.writeFile(numvfs, "0"))).toBe("no error");
    expect(await first).toBe("no error");
    expect(await links(k)).toHaveLength(0);
  });

  it("queues concurrent writers on the device lock in the order they wrote", async () => {
    const k = await kernel();
    // Out of order, a non-zero count would meet the other one (EBUSY) or the final count would differ.
    const counts = ["3", "0", "2", "0", "5", "0", "4"];
    const writes = counts.map((count) => errno(k.sys.writeFile(numvfs, count)));
    expect(await Promise.all(writes)).toEqual(counts.map(() => "no error"));
    expect((await k.sys.readFile(numvfs)).trim()).toBe("4");
    expect(await links(k)).toHaveLength(4);
  });

  it("parses the count as kstrtou16 does: 0x hex, 0 octal, one trailing newline", () => {
    expect(parseKernelU16("7\n")).toBe(7);
    expect(parseKernelU16("0x10")).toBe(16);
    expect(parseKernelU16("010")).toBe(8);
    expect(parseKernelU16("+3")).toBe(3);
    for (const bad of ["", " 3", "3 ", "-1", "abc", "08", "65536", "3\n\n"])
      expect(parseKernelU16(bad), bad).toBeNull();
  });

  it("has no sriov files on a NIC without SR-IOV, and read-only identity attributes", async () => {
    const k = await kernel("kvm-e810");
    expect(await errno(k.sys.writeFile("bus/pci/devices/0000:02:00.0/sriov_numvfs", "1"))).toBe(
      "ENOENT",
    );
    expect(await errno(k.sys.writeFile("bus/pci/devices/0000:af:00.0/sriov_totalvfs", "512"))).toBe(
      "EACCES",
    );
  });

  it("lays out 256 E810 VFs across the bus boundary without collisions", async () => {
    const k = await kernel("kvm-e810");
    await k.sys.writeFile("bus/pci/devices/0000:af:00.0/sriov_numvfs", "256");
    const names = await links(k, "0000:af:00.0");
    expect(names).toHaveLength(256);
    const targets = new Set<string>();
    for (const n of names)
      targets.add(
        path.basename(await readlink(path.join(k.sysRoot, "bus/pci/devices/0000:af:00.0", n))),
      );
    expect(targets.size).toBe(256);
    expect(targets.has("0000:b0:00.7")).toBe(true);
  });

  it("unbinding the PF driver takes its VFs; without a driver SR-IOV cannot be configured", async () => {
    const k = await kernel();
    await k.sys.writeFile(numvfs, "5");
    await k.sys.writeFile("bus/pci/drivers/ixgbe/unbind", PF);
    expect(await links(k)).toEqual([]);
    expect((await k.sys.readFile(numvfs)).trim()).toBe("0");
    expect(await errno(k.sys.writeFile(numvfs, "1"))).toBe("ENOENT");
    expect(await errno(k.sys.writeFile("bus/pci/drivers/ixgbe/unbind", PF))).toBe("ENODEV");
    await k.sys.writeFile("bus/pci/drivers/ixgbe/bind", PF);
    await k.sys.writeFile(numvfs, "1");
    expect(await links(k)).toEqual(["virtfn0"]);
  });
});

describe("sim kernel: reboot", { timeout: 30_000 }, () => {
  it("drops every VF, resets sriov_numvfs, empties the FDB and changes the boot id", async () => {
    const k = await kernel();
    await k.sys.writeFile(numvfs, "6");
    k.state = { ...k.state, fdb: [{ pf: "em1", mac: "52:54:00:00:00:01" }] };
    const before = (await k.proc.readFile("sys/kernel/random/boot_id")).trim();
    const after = await k.reboot();
    expect(after).not.toBe(before);
    expect((await k.proc.readFile("sys/kernel/random/boot_id")).trim()).toBe(after);
    expect(await links(k)).toEqual([]);
    expect((await k.sys.readFile(numvfs)).trim()).toBe("0");
    expect(k.state.fdb).toEqual([]);
  });

  it("activates the IOMMU after a reboot only if the argument is configured and VT-d is on", async () => {
    const k = await kernel("kvm-no-iommu");
    expect(await readdir(path.join(k.sysRoot, "class/iommu"))).toEqual([]);
    k.state = { ...k.state, configuredCmdline: `${k.state.configuredCmdline} intel_iommu=on` };
    await k.reboot();
    expect(await readdir(path.join(k.sysRoot, "class/iommu"))).toEqual(["dmar0", "dmar1"]);
    expect(await readFile(path.join(k.procRoot, "cmdline"), "utf8")).toContain("intel_iommu=on");

    const noVtd = loadHostProfile("kvm-no-iommu");
    const k2 = await kernel({ ...noVtd, bios: { ...noVtd.bios, iommu: false } });
    k2.state = { ...k2.state, configuredCmdline: `${k2.state.configuredCmdline} intel_iommu=on` };
    await k2.reboot();
    expect(await readdir(path.join(k2.sysRoot, "class/iommu"))).toEqual([]);
  });

  it("interrupts a split in progress: the write fails and the tree is clean", async () => {
    const k = await kernel("kvm-i350-82599", 2);
    const write = errno(k.sys.writeFile(numvfs, "40"));
    while ((await links(k)).length < 3) await new Promise((r) => setTimeout(r, 2));
    await k.reboot();
    expect(await write).toBe("ENODEV");
    expect(await links(k)).toEqual([]);
    expect((await k.sys.readFile(numvfs)).trim()).toBe("0");
  });
});

describe("sim kernel: a torn split", { timeout: 30_000 }, () => {
  it("is rolled back when the state dir is opened again, leaving numvfs equal to the links", async () => {
    const dir = await tempDir();
    const k = await kernel("kvm-i350-82599", 2, dir);
    const write = k.sys.writeFile(numvfs, "50").catch(() => undefined);
    while ((await links(k)).length < 5) await new Promise((r) => setTimeout(r, 2));
    k.close();
    await write;
    const torn = (await links(k)).length;
    expect(torn).toBeGreaterThan(0);
    expect((await k.sys.readFile(numvfs)).trim()).toBe("0");

    const reopened = await kernel("kvm-i350-82599", 0, dir);
    expect(await links(reopened)).toEqual([]);
    expect((await reopened.sys.readFile(numvfs)).trim()).toBe("0");
    await reopened.sys.writeFile(numvfs, "50");
    expect(await links(reopened)).toHaveLength(50);
  });

  it("refuses a state dir built from another profile", async () => {
    const dir = await tempDir();
    await kernel("kvm-i350-82599", 0, dir);
    await expect(kernel("kvm-e810", 0, dir)).rejects.toThrow(/holds host profile/);
  });
});
