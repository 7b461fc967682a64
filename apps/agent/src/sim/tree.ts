import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { HostProfile } from "../profiles/schema";

/** Writes a file, creating its directory. The sim owns its tree, so plain fs is right here. */
export async function put(root: string, rel: string, content: string): Promise<void> {
  const file = path.join(root, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content.endsWith("\n") ? content : `${content}\n`);
}

/** Relative symlinks, as sysfs has, so the tree still resolves after the state dir moves. */
export async function link(root: string, rel: string, target: string): Promise<void> {
  const file = path.join(root, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.rm(file, { force: true });
  await fs.symlink(target, file);
}

function cpuinfo(profile: HostProfile): string {
  const blocks: string[] = [];
  for (let i = 0; i < profile.cpu.count; i += 1) {
    blocks.push(
      [
        `processor\t: ${i}`,
        `vendor_id\t: ${profile.cpu.vendor}`,
        `model name\t: ${profile.cpu.model}`,
        `flags\t\t: ${profile.cpu.flags.join(" ")}`,
        "",
      ].join("\n"),
    );
  }
  return blocks.join("\n");
}

/** The profile's NUMA nodes: contiguous CPU blocks and an even share of memory each. */
export function numaLayout(
  profile: Pick<HostProfile, "numaNodes" | "cpu" | "memoryMiB">,
): Array<{ id: number; cpuList: string; memoryMiB: number }> {
  const nodes = profile.numaNodes;
  const per = Math.floor(profile.cpu.count / nodes);
  return Array.from({ length: nodes }, (_, id) => {
    const lo = id * per;
    // The last node takes the remainder when the CPUs do not split evenly.
    const hi = id === nodes - 1 ? profile.cpu.count - 1 : lo + per - 1;
    return {
      id,
      cpuList: hi > lo ? `${lo}-${hi}` : `${lo}`,
      memoryMiB: Math.floor(profile.memoryMiB / nodes),
    };
  });
}

/**
 * The IOMMU group of each PCI function the profile names: a NIC PF has one of its own (numbered
 * from 1), another function the one its entry gives.
 */
export function iommuGroups(
  profile: Pick<HostProfile, "nics" | "pciDevices">,
): Map<string, number> {
  const groups = new Map<string, number>();
  profile.nics.forEach((nic, i) => groups.set(nic.pciAddress, i + 1));
  for (const entry of profile.pciDevices) groups.set(entry.pciAddress, entry.iommuGroup);
  return groups;
}

/**
 * The profile's non-NIC PCI functions (a GPU and its audio). Idempotent: a sim host whose state
 * predates them gets them when it is opened again.
 */
export async function putPciDevices(
  sysRoot: string,
  profile: Pick<HostProfile, "pciDevices">,
): Promise<void> {
  for (const entry of profile.pciDevices) {
    const dev = `bus/pci/devices/${entry.pciAddress}`;
    await put(sysRoot, `${dev}/vendor`, entry.vendorId);
    await put(sysRoot, `${dev}/device`, entry.deviceId);
    await put(sysRoot, `${dev}/class`, entry.classCode);
    await put(sysRoot, `${dev}/numa_node`, String(entry.numaNode));
    if (entry.driver !== null) {
      await fs.mkdir(path.join(sysRoot, `bus/pci/drivers/${entry.driver}`), { recursive: true });
      await link(sysRoot, `${dev}/driver`, `../../drivers/${entry.driver}`);
    }
  }
}

/** Builds the first-boot /sys and /proc of a host profile. */
export async function buildTree(
  sysRoot: string,
  procRoot: string,
  profile: HostProfile,
  cmdline: string,
): Promise<void> {
  await put(procRoot, "cpuinfo", cpuinfo(profile));
  await put(
    procRoot,
    "meminfo",
    `MemTotal:       ${profile.memoryMiB * 1024} kB\nMemFree:        ${profile.memoryMiB * 512} kB`,
  );
  await put(procRoot, "cmdline", cmdline);
  await put(procRoot, "sys/kernel/hostname", profile.hostname);
  await put(procRoot, "sys/kernel/random/boot_id", randomUUID());
  await put(
    sysRoot,
    "module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
    profile.allowUnsafeInterrupts ? "Y" : "N",
  );
  await fs.mkdir(path.join(sysRoot, "class/iommu"), { recursive: true });
  for (const node of numaLayout(profile)) {
    const dir = `devices/system/node/node${node.id}`;
    await put(sysRoot, `${dir}/cpulist`, node.cpuList);
    await put(
      sysRoot,
      `${dir}/meminfo`,
      `Node ${node.id} MemTotal:       ${node.memoryMiB * 1024} kB\nNode ${node.id} MemFree:        ${node.memoryMiB * 512} kB`,
    );
  }
  await fs.mkdir(path.join(sysRoot, "bus/pci/drivers/vfio-pci"), { recursive: true });

  for (const nic of profile.nics) {
    const p = nic.profile;
    const dev = `bus/pci/devices/${nic.pciAddress}`;
    await put(sysRoot, `${dev}/vendor`, p.vendorId);
    await put(sysRoot, `${dev}/device`, p.deviceId);
    await put(sysRoot, `${dev}/class`, "0x020000");
    await put(sysRoot, `${dev}/numa_node`, String(nic.numaNode));
    await fs.mkdir(path.join(sysRoot, `bus/pci/drivers/${p.driver}`), { recursive: true });
    await link(sysRoot, `${dev}/driver`, `../../drivers/${p.driver}`);
    if (p.totalVfs > 0) {
      await put(sysRoot, `${dev}/sriov_totalvfs`, String(p.totalVfs));
      await put(sysRoot, `${dev}/sriov_numvfs`, "0");
      await put(sysRoot, `${dev}/sriov_offset`, String(nic.vfOffset ?? p.vfOffset ?? 1));
      await put(sysRoot, `${dev}/sriov_stride`, String(p.vfStride ?? 1));
      if (p.vfDriver !== undefined)
        await fs.mkdir(path.join(sysRoot, `bus/pci/drivers/${p.vfDriver}`), { recursive: true });
    }
    if (nic.ifname === null) continue;
    const net = `class/net/${nic.ifname}`;
    await put(sysRoot, `${net}/address`, nic.mac);
    await put(sysRoot, `${net}/operstate`, nic.link);
    await put(
      sysRoot,
      `${net}/speed`,
      nic.link === "up" && nic.speedMbps !== null ? String(nic.speedMbps) : "-1",
    );
    await link(sysRoot, `${net}/device`, `../../../${dev}`);
    if (nic.bond !== null) await link(sysRoot, `${net}/master`, `../${nic.bond}`);
  }

  await putPciDevices(sysRoot, profile);

  const bonds = new Map<string, string[]>();
  for (const nic of profile.nics) {
    if (nic.bond !== null && nic.ifname !== null)
      bonds.set(nic.bond, [...(bonds.get(nic.bond) ?? []), nic.ifname]);
  }
  for (const [bond, slaves] of bonds) {
    const first = profile.nics.find((n) => n.ifname === slaves[0]);
    await put(sysRoot, `class/net/${bond}/address`, first?.mac ?? "00:00:00:00:00:00");
    await put(sysRoot, `class/net/${bond}/operstate`, "up");
    await put(sysRoot, `class/net/${bond}/bonding/slaves`, slaves.join(" "));
    await put(sysRoot, `class/net/${bond}/bonding/mode`, "active-backup 1");
  }
}
