import type { HostPciDevice } from "@virtfn/agent-client";
import { linkBasename, readDirOrEmpty, readTrimmed, type SysfsIo } from "../platform/io";
import { pciDir } from "./nics";
import { readPciNumaNode } from "./numa";

// Whole-device passthrough candidates (issue 17), read from /sys/bus/pci/devices.

const isPciAddress = (name: string): boolean =>
  /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/.test(name);

/** PCI base class 0x06 is a bridge: it routes, it is never handed to a guest. */
const isBridge = (classCode: string): boolean => classCode.startsWith("0x06");

const HEX_ID = /^0x[0-9a-f]{4}$/;

/**
 * One function as the kernel shows it; null for a VF (it has a physfn link: VFs are handed out as
 * NICs), a bridge, or a function whose ids cannot be read (it went away while listing).
 */
export async function readPciDevice(io: SysfsIo, pci: string): Promise<HostPciDevice | null> {
  const dir = pciDir(pci);
  const [classRaw, vendor, device, driver, group, numaNode, numVfs, physfn] = await Promise.all([
    readTrimmed(io, `${dir}/class`),
    readTrimmed(io, `${dir}/vendor`),
    readTrimmed(io, `${dir}/device`),
    linkBasename(io, `${dir}/driver`),
    linkBasename(io, `${dir}/iommu_group`),
    readPciNumaNode(io, pci),
    readTrimmed(io, `${dir}/sriov_numvfs`),
    linkBasename(io, `${dir}/physfn`),
  ]);
  if (physfn !== null || classRaw === null || vendor === null || device === null) return null;
  const classCode = classRaw.toLowerCase();
  if (!/^0x[0-9a-f]{6}$/.test(classCode) || isBridge(classCode)) return null;
  if (!HEX_ID.test(vendor) || !HEX_ID.test(device)) return null;
  const groupId = group === null ? NaN : Number(group);
  const vfs = numVfs === null ? NaN : Number(numVfs);
  return {
    pciAddress: pci,
    classCode,
    vendorId: vendor,
    deviceId: device,
    driver,
    iommuGroup: Number.isInteger(groupId) && groupId >= 0 ? groupId : null,
    numaNode,
    sriovNumVfs: Number.isInteger(vfs) && vfs >= 0 ? vfs : null,
  };
}

/** Every passthrough candidate of the host, by address. */
export async function listPciDevices(io: SysfsIo): Promise<HostPciDevice[]> {
  const names = (await readDirOrEmpty(io, "bus/pci/devices")).filter(isPciAddress).sort();
  const devices = await Promise.all(names.map((pci) => readPciDevice(io, pci)));
  return devices.filter((d): d is HostPciDevice => d !== null);
}
