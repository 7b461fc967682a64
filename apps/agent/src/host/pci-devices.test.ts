import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NodeSysfsIo } from "../platform/io";
import { link, put } from "../sim/tree";
import { listPciDevices } from "./pci-devices";

// A fake /sys laid out as the kernel lays it out: attribute files and relative links.
let root = "";
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "virtfn-pci-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function fn(
  pci: string,
  files: { class: string; vendor: string; device: string; numa?: string; numvfs?: string },
  links: { driver?: string; group?: number; physfn?: string } = {},
): Promise<void> {
  const dir = `bus/pci/devices/${pci}`;
  await put(root, `${dir}/class`, files.class);
  await put(root, `${dir}/vendor`, files.vendor);
  await put(root, `${dir}/device`, files.device);
  await put(root, `${dir}/numa_node`, files.numa ?? "-1");
  if (files.numvfs !== undefined) await put(root, `${dir}/sriov_numvfs`, files.numvfs);
  if (links.driver)
    await link(root, `${dir}/driver`, `../../../../bus/pci/drivers/${links.driver}`);
  if (links.group !== undefined)
    await link(root, `${dir}/iommu_group`, `../../../../kernel/iommu_groups/${links.group}`);
  if (links.physfn) await link(root, `${dir}/physfn`, `../${links.physfn}`);
}

describe("PCI devices from /sys/bus/pci/devices", () => {
  it("reports endpoints with class, ids, driver, IOMMU group, NUMA node and VF count; skips VFs and bridges", async () => {
    await fn(
      "0000:00:01.0",
      { class: "0x060400", vendor: "0x8086", device: "0x2030" },
      { group: 1 },
    );
    await fn(
      "0000:3b:00.0",
      { class: "0x030200", vendor: "0x10de", device: "0x1eb8", numa: "1" },
      { driver: "nvidia", group: 40 },
    );
    await fn("0000:3b:00.1", { class: "0x040300", vendor: "0x10de", device: "0x10f8" });
    await fn(
      "0000:af:00.0",
      { class: "0x020000", vendor: "0x8086", device: "0x1593", numa: "0", numvfs: "4" },
      { driver: "ice", group: 7 },
    );
    await fn(
      "0000:af:01.0",
      { class: "0x020000", vendor: "0x8086", device: "0x1889" },
      { driver: "iavf", group: 9, physfn: "0000:af:00.0" },
    );
    await put(root, "bus/pci/devices/not-a-device/class", "0x030000");

    expect(await listPciDevices(new NodeSysfsIo(root))).toEqual([
      {
        pciAddress: "0000:3b:00.0",
        classCode: "0x030200",
        vendorId: "0x10de",
        deviceId: "0x1eb8",
        driver: "nvidia",
        iommuGroup: 40,
        numaNode: 1,
        sriovNumVfs: null,
      },
      {
        pciAddress: "0000:3b:00.1",
        classCode: "0x040300",
        vendorId: "0x10de",
        deviceId: "0x10f8",
        driver: null,
        iommuGroup: null,
        numaNode: null,
        sriovNumVfs: null,
      },
      {
        pciAddress: "0000:af:00.0",
        classCode: "0x020000",
        vendorId: "0x8086",
        deviceId: "0x1593",
        driver: "ice",
        iommuGroup: 7,
        numaNode: 0,
        sriovNumVfs: 4,
      },
    ]);
  });

  it("reports nothing for a host without a PCI bus directory", async () => {
    expect(await listPciDevices(new NodeSysfsIo(root))).toEqual([]);
  });
});
