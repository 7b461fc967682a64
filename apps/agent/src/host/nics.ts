import type { Bond, PhysicalNic, VirtualFunction } from "@virtfn/agent-client";
import { linkBasename, readDirOrEmpty, readTrimmed, type SysfsIo } from "../platform/io";
import type { CommandRunner } from "../platform/runner";

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
  ifname: string;
  pciAddress: string;
}

/**
 * Netdevs backed by a PCI function that is not itself a VF. VF netdevs (iavf, mlx5 VFs) have a
 * physfn link and are skipped; bonds and bridges have no device link at all.
 */
export async function listPfRefs(io: SysfsIo): Promise<PfRef[]> {
  const ifnames = (await readDirOrEmpty(io, "class/net")).sort();
  const refs = await Promise.all(
    ifnames.map(async (ifname): Promise<PfRef | null> => {
      const pci = await linkBasename(io, `class/net/${ifname}/device`);
      if (pci === null || !/^[0-9a-f]{4}:/.test(pci)) return null;
      if (await io.exists(`${pciDir(pci)}/physfn`)) return null;
      return { ifname, pciAddress: pci };
    }),
  );
  return refs.filter((ref) => ref !== null);
}

export async function findPfByPci(io: SysfsIo, pci: string): Promise<PfRef | null> {
  return (await listPfRefs(io)).find((r) => r.pciAddress === pci) ?? null;
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

export async function readPhysicalNic(ctx: NicReadContext, ref: PfRef): Promise<PhysicalNic> {
  const { io } = ctx;
  const dev = pciDir(ref.pciAddress);
  const net = `class/net/${ref.ifname}`;
  // Independent sysfs reads, issued together rather than one after the other.
  const [vendorRaw, deviceRaw, sriov, vfRefs, operstate, driver, address, bond] = await Promise.all(
    [
      readTrimmed(io, `${dev}/vendor`),
      readTrimmed(io, `${dev}/device`),
      readSriovState(io, ref.pciAddress),
      readVfRefs(io, ref.pciAddress),
      readTrimmed(io, `${net}/operstate`),
      linkBasename(io, `${dev}/driver`),
      readTrimmed(io, `${net}/address`),
      readBond(io, ref.ifname),
    ],
  );
  const vendorId = vendorRaw ?? "0x0000";
  const deviceId = deviceRaw ?? "0x0000";
  const [model, speed, vfs] = await Promise.all([
    modelName(ctx, ref.pciAddress, vendorId, deviceId),
    operstate === "up" ? readTrimmed(io, `${net}/speed`) : Promise.resolve(null),
    Promise.all(
      vfRefs.map(async (vf): Promise<VirtualFunction> => {
        const holder = ctx.holders.get(vf.pciAddress);
        return {
          index: vf.index,
          pciAddress: vf.pciAddress,
          driver: await linkBasename(io, `${pciDir(vf.pciAddress)}/driver`),
          mac: holder?.mac ?? null,
          vlan: holder?.vlan ?? null,
          domain: holder?.domain ?? null,
        };
      }),
    ),
  ]);
  return {
    name: ref.ifname,
    pciAddress: ref.pciAddress,
    vendorId,
    deviceId,
    model,
    driver,
    mac: (address ?? "00:00:00:00:00:00").toLowerCase(),
    linkState: operstate === "up" ? "up" : "down",
    speedMbps: operstate === "up" ? parseSpeed(speed) : null,
    totalVfs: sriov.totalVfs,
    numVfs: sriov.numVfs,
    sriovCapable: sriov.capable,
    bond,
    vfs,
  };
}
