import {
  PciAddress,
  type Bond,
  type PhysicalNic,
  type VirtualFunction,
} from "@virtfn/agent-client";
import { linkBasename, readDirOrEmpty, readTrimmed, type SysfsIo } from "../platform/io";
import type { CommandRunner } from "../platform/runner";
import { readPciNumaNode } from "./numa";
import { readVfPorts } from "./vf-port";

/** Who holds a VF, as the hypervisor reports it; libvirt programs this MAC/VLAN on the VF. */
export interface VfHolder {
  domain: string;
  mac: string;
  vlan: number | null;
}

export const pciDir = (pci: string): string => `bus/pci/devices/${pci}`;

export interface VfRef {
  index: number;
  pciAddress: string;
}

/** The VFs that exist right now, from the PF's virtfnN links, in index order. */
export async function readVfRefs(io: SysfsIo, pfPci: string): Promise<VfRef[]> {
  const entries = await readDirOrEmpty(io, pciDir(pfPci));
  const refs: VfRef[] = [];
  for (const entry of entries) {
    const m = /^virtfn(\d+)$/.exec(entry);
    if (m?.[1] === undefined) continue;
    const target = await linkBasename(io, `${pciDir(pfPci)}/${entry}`);
    if (target !== null) refs.push({ index: Number(m[1]), pciAddress: target });
  }
  return refs.sort((a, b) => a.index - b.index);
}

export async function countVfLinks(io: SysfsIo, pfPci: string): Promise<number> {
  const entries = await readDirOrEmpty(io, pciDir(pfPci));
  return entries.filter((e) => /^virtfn\d+$/.test(e)).length;
}

/** The PF behind a VF, or null when the address is not a VF that exists. */
export async function physfnOf(io: SysfsIo, vfPci: string): Promise<string | null> {
  return linkBasename(io, `${pciDir(vfPci)}/physfn`);
}

export interface PfRef {
  /** The netdev on this function; null for an SR-IOV function without one (an NVMe controller). */
  ifname: string | null;
  pciAddress: string;
}

const isPciAddress = (name: string): boolean => /^[0-9a-f]{4}:/.test(name);

/**
 * The physical functions the agent manages: every netdev backed by a PCI function that is not
 * itself a VF (SR-IOV capable or not), then every PCI function with sriov_totalvfs and no physfn
 * that has no netdev. VF netdevs (iavf, mlx5 VFs) have a physfn link and are skipped; bonds and
 * bridges have no device link at all.
 */
export async function listPfRefs(io: SysfsIo): Promise<PfRef[]> {
  const refs: PfRef[] = [];
  for (const ifname of (await readDirOrEmpty(io, "class/net")).sort()) {
    const pci = await linkBasename(io, `class/net/${ifname}/device`);
    if (pci === null || !isPciAddress(pci)) continue;
    if (await io.exists(`${pciDir(pci)}/physfn`)) continue;
    refs.push({ ifname, pciAddress: pci });
  }
  const withNetdev = new Set(refs.map((r) => r.pciAddress));
  for (const pci of (await readDirOrEmpty(io, "bus/pci/devices")).sort()) {
    if (!isPciAddress(pci) || withNetdev.has(pci)) continue;
    if (!(await io.exists(`${pciDir(pci)}/sriov_totalvfs`))) continue;
    if (await io.exists(`${pciDir(pci)}/physfn`)) continue;
    refs.push({ ifname: null, pciAddress: pci });
  }
  return refs;
}

/**
 * The PF at `pci` as listPfRefs would list it, or null. A split's read-back and every VF-count
 * change ask for one PF: it is looked up by its own address, not by listing every PCI function
 * of the host, which after splits are mostly VFs (hundreds of lookups per call otherwise).
 */
export async function findPfByPci(io: SysfsIo, pci: string): Promise<PfRef | null> {
  // The address becomes a path: nothing but a full PCI address may reach the file system.
  if (!PciAddress.safeParse(pci).success || (await io.exists(`${pciDir(pci)}/physfn`))) return null;
  for (const ifname of (await readDirOrEmpty(io, "class/net")).sort()) {
    if ((await linkBasename(io, `class/net/${ifname}/device`)) === pci)
      return { ifname, pciAddress: pci };
  }
  return (await io.exists(`${pciDir(pci)}/sriov_totalvfs`))
    ? { ifname: null, pciAddress: pci }
    : null;
}

export interface SriovState {
  capable: boolean;
  totalVfs: number;
  numVfs: number;
}

export async function readSriovState(io: SysfsIo, pci: string): Promise<SriovState> {
  const total = await readTrimmed(io, `${pciDir(pci)}/sriov_totalvfs`);
  const num = await readTrimmed(io, `${pciDir(pci)}/sriov_numvfs`);
  const totalVfs = total === null ? 0 : Number(total);
  return {
    capable: total !== null && totalVfs > 0,
    totalVfs,
    numVfs: num === null ? 0 : Number(num),
  };
}

async function readBond(io: SysfsIo, ifname: string): Promise<Bond | null> {
  const master = await linkBasename(io, `class/net/${ifname}/master`);
  if (master === null) return null;
  // A master can also be a bridge or an OVS port; only bonding masters have bonding/slaves.
  const slaves = await readTrimmed(io, `class/net/${master}/bonding/slaves`);
  if (slaves === null) return null;
  return { name: master, slaves: slaves.split(/\s+/).filter((s) => s !== "") };
}

function parseSpeed(raw: string | null): number | null {
  if (raw === null) return null;
  const n = Number(raw);
  // The kernel reports -1 (or fails with EINVAL) when the link is down or unknown.
  return Number.isInteger(n) && n > 0 ? n : null;
}

async function readNetdev(
  io: SysfsIo,
  ifname: string,
): Promise<Pick<PhysicalNic, "mac" | "linkState" | "speedMbps">> {
  const net = `class/net/${ifname}`;
  const operstate = await readTrimmed(io, `${net}/operstate`);
  return {
    mac: ((await readTrimmed(io, `${net}/address`)) ?? "00:00:00:00:00:00").toLowerCase(),
    linkState: operstate === "up" ? "up" : "down",
    speedMbps: operstate === "up" ? parseSpeed(await readTrimmed(io, `${net}/speed`)) : null,
  };
}

export interface NicReadContext {
  io: SysfsIo;
  runner: CommandRunner;
  models: ReadonlyMap<string, string>;
  holders: ReadonlyMap<string, VfHolder>;
}

async function modelName(
  ctx: NicReadContext,
  pci: string,
  vendorId: string,
  deviceId: string,
): Promise<string> {
  const known = ctx.models.get(`${vendorId}:${deviceId}`);
  if (known !== undefined) return known;
  const res = await ctx.runner.run("lspci", ["-mm", "-s", pci]);
  // lspci -mm: slot "class" "vendor" "device" …
  const fields = [...res.stdout.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? "");
  if (res.exitCode === 0 && fields.length >= 3) return `${fields[1]} ${fields[2]}`;
  return `${vendorId}:${deviceId}`;
}

/**
 * A host whose `ip` cannot say (no iproute2, a driver without VF info) still lists its VFs; their
 * ports then read as unknown rather than failing the whole inventory.
 */
async function vfPortsOrNone(
  ctx: NicReadContext,
  ifname: string,
): Promise<Map<number, VirtualFunction["port"]> | null> {
  try {
    return await readVfPorts(ctx.runner, ifname);
  } catch {
    return null;
  }
}

export async function readPhysicalNic(ctx: NicReadContext, ref: PfRef): Promise<PhysicalNic> {
  const { io } = ctx;
  const dev = pciDir(ref.pciAddress);
  const vendorId = (await readTrimmed(io, `${dev}/vendor`)) ?? "0x0000";
  const deviceId = (await readTrimmed(io, `${dev}/device`)) ?? "0x0000";
  const sriov = await readSriovState(io, ref.pciAddress);
  const refs = await readVfRefs(io, ref.pciAddress);
  const ports =
    refs.length > 0 && ref.ifname !== null ? await vfPortsOrNone(ctx, ref.ifname) : null;
  const vfs: VirtualFunction[] = [];
  for (const vf of refs) {
    const holder = ctx.holders.get(vf.pciAddress);
    vfs.push({
      index: vf.index,
      pciAddress: vf.pciAddress,
      driver: await linkBasename(io, `${pciDir(vf.pciAddress)}/driver`),
      mac: holder?.mac ?? null,
      vlan: holder?.vlan ?? null,
      domain: holder?.domain ?? null,
      port: ports?.get(vf.index) ?? null,
    });
  }
  const netdev = ref.ifname === null ? null : await readNetdev(io, ref.ifname);
  return {
    name: ref.ifname,
    pciAddress: ref.pciAddress,
    vendorId,
    deviceId,
    model: await modelName(ctx, ref.pciAddress, vendorId, deviceId),
    driver: await linkBasename(io, `${dev}/driver`),
    mac: netdev?.mac ?? null,
    linkState: netdev?.linkState ?? null,
    speedMbps: netdev?.speedMbps ?? null,
    totalVfs: sriov.totalVfs,
    numVfs: sriov.numVfs,
    sriovCapable: sriov.capable,
    bond: ref.ifname === null ? null : await readBond(io, ref.ifname),
    vfs,
    numaNode: await readPciNumaNode(io, ref.pciAddress),
  };
}
