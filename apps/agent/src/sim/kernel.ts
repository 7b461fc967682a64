import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Clock } from "../platform/clock";
import { linkBasename, readDirOrEmpty, readTrimmed, type SysfsIo } from "../platform/io";
import { JsonStore, readJsonFile } from "../platform/json-file";
import { hasIommuArg } from "../host/iommu-arg";
import { vfPciAddress } from "../host/pci";
import type { HostProfile } from "../profiles/schema";
import { SimHostState } from "./host-state";
import { SimTreeIo } from "./tree-io";
import { buildTree, iommuGroups, link, put, putPciDevices } from "./tree";

export interface SimKernelOptions {
  stateDir: string;
  profile: HostProfile;
  /** Per-VF creation time, like a driver's; i40e takes ~340 ms per VF on real hardware. */
  perVfDelayMs: number;
  clock: Clock;
  /** drivers/pci/iov.c's fixed sleeps; default `iovSleepsFor(perVfDelayMs)`. */
  iovSleepMs?: IovSleeps;
}

export interface IovSleeps {
  /** sriov_enable(): msleep(100) after setting VF Enable, before the VFs are added. */
  enable: number;
  /** sriov_disable(): ssleep(1) after clearing VF Enable, once the VFs are removed. */
  disable: number;
}

export const KERNEL_IOV_SLEEPS: IovSleeps = { enable: 100, disable: 1000 };

/** A kernel asked to take no time per VF (perVfDelayMs 0) skips iov.c's fixed sleeps too. */
export function iovSleepsFor(perVfDelayMs: number): IovSleeps {
  return perVfDelayMs === 0 ? { enable: 0, disable: 0 } : KERNEL_IOV_SLEEPS;
}

/**
 * kstrtou16(buf, 0, …) as sriov_numvfs_store() parses: an optional '+', decimal, 0x hex or 0
 * octal, one trailing newline; anything else, a sign or an overflow is EINVAL.
 */
export function parseKernelU16(data: string): number | null {
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(data);
  if (m?.[1] === undefined) return null;
  const text = m[1];
  const n = /^0[xX]/.test(text)
    ? parseInt(text.slice(2), 16)
    : text.length > 1 && text.startsWith("0")
      ? parseInt(text.slice(1), 8)
      : Number(text);
  return n <= 0xffff ? n : null;
}

function errno(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

const pfDir = (pci: string) => `bus/pci/devices/${pci}`;

/**
 * A kernel for a sim host: a sysfs/procfs tree on disk plus the side effects the real kernel has
 * when sysfs is written (sriov_numvfs, driver unbind). The agent reads the tree with the same code
 * it uses on /sys; only writes come here.
 */
export class SimKernel {
  readonly sysRoot: string;
  readonly procRoot: string;
  readonly proc: SysfsIo;
  readonly sys: SysfsIo;
  private readonly raw: SimTreeIo;
  private readonly store: JsonStore;
  /** Bumped by reboot and close, so in-flight VF creation stops like it would if the kernel went away. */
  private epoch = 0;
  private closed = false;
  /** device_lock() per PCI device: writers to one sriov_numvfs queue up, in order. */
  private readonly deviceLocks = new Map<string, Promise<void>>();
  /** Moves on every change the sim makes to the host (see `version`). */
  private changes = 0;

  private constructor(
    private readonly options: SimKernelOptions,
    public state: SimHostState,
  ) {
    this.sysRoot = path.join(options.stateDir, "sys");
    this.procRoot = path.join(options.stateDir, "proc");
    this.raw = new SimTreeIo(this.sysRoot);
    this.proc = new SimTreeIo(this.procRoot);
    this.store = new JsonStore(path.join(options.stateDir, "host.json"));
    this.sys = this.emulatedIo();
  }

  get profile(): HostProfile {
    return this.options.profile;
  }

  /**
   * Moves whenever the sim changes what an agent reads from this host: its sysfs tree, its
   * cmdline and boot id, its FDB. Every such change goes through this class (and the state that
   * commands.ts edits is saved through `saveState`), so an unmoved version means an unchanged
   * host. It moves after each step of a change, so a read that overlapped one is not reused.
   */
  get version(): number {
    return this.changes;
  }

  private changed(): void {
    this.changes += 1;
  }

  /** Opens a state dir, building a first-boot host when it is new and repairing a torn split otherwise. */
  static async open(options: SimKernelOptions): Promise<SimKernel> {
    const stateFile = path.join(options.stateDir, "host.json");
    const existing = await readJsonFile(stateFile, SimHostState);
    if (existing !== null && existing.profile !== options.profile.name) {
      throw new Error(
        `${options.stateDir} holds host profile ${existing.profile}, not ${options.profile.name}`,
      );
    }
    const state: SimHostState = existing ?? {
      profile: options.profile.name,
      configuredCmdline: options.profile.cmdline,
      fdb: [],
      bootCount: 1,
      vfPorts: {},
    };
    const kernel = new SimKernel(options, state);
    if (existing === null) {
      await fs.rm(kernel.sysRoot, { recursive: true, force: true });
      await fs.rm(kernel.procRoot, { recursive: true, force: true });
      await buildTree(kernel.sysRoot, kernel.procRoot, options.profile, options.profile.cmdline);
      await kernel.applyIommuState();
      await kernel.saveState();
    } else {
      await kernel.recover();
    }
    return kernel;
  }

  /** Stops in-flight VF creation where it is, as if the process died. The next open repairs the tree. */
  close(): void {
    this.closed = true;
    this.epoch += 1;
  }

  async saveState(): Promise<void> {
    // `state` was assigned just before this call: it is what reads see from now on.
    this.changed();
    await this.store.save(this.state);
  }

  iommuActive(cmdline: string): boolean {
    return this.profile.bios.iommu && hasIommuArg(cmdline);
  }

  async currentCmdline(): Promise<string> {
    return (await readTrimmed(this.proc, "cmdline")) ?? "";
  }

  /** /sys/class/iommu has one entry per remapping unit once the IOMMU is on. */
  private async applyIommuState(): Promise<void> {
    const active = this.iommuActive(await this.currentCmdline());
    const units = this.profile.cpu.vendor === "AuthenticAMD" ? ["ivhd0"] : ["dmar0", "dmar1"];
    for (const unit of units) {
      const dir = path.join(this.sysRoot, "class/iommu", unit);
      if (active) await fs.mkdir(dir, { recursive: true });
      else await fs.rm(dir, { recursive: true, force: true });
    }
    // Without an active IOMMU the kernel makes no groups: no iommu_group links, no kernel/iommu_groups.
    await fs.rm(path.join(this.sysRoot, "kernel/iommu_groups"), { recursive: true, force: true });
    for (const [pci, group] of iommuGroups(this.profile)) {
      const rel = `${pfDir(pci)}/iommu_group`;
      if (!active) {
        await fs.rm(path.join(this.sysRoot, rel), { force: true });
        continue;
      }
      await fs.mkdir(path.join(this.sysRoot, `kernel/iommu_groups/${group}/devices`), {
        recursive: true,
      });
      await link(this.sysRoot, rel, `../../../../kernel/iommu_groups/${group}`);
    }
  }

  /**
   * A simulated power cycle: VFs are gone and sriov_numvfs is 0 (they never survive a reboot),
   * the bootloader's cmdline takes effect, the FDB is empty and the boot id changes.
   */
  async reboot(): Promise<string> {
    try {
      return await this.powerCycle();
    } finally {
      this.changed();
    }
  }

  private async powerCycle(): Promise<string> {
    this.epoch += 1;
    for (const nic of this.profile.nics) {
      await this.removeAllVfs(nic.pciAddress);
      const driverDir = `bus/pci/drivers/${nic.profile.driver}`;
      await link(
        this.sysRoot,
        `${pfDir(nic.pciAddress)}/driver`,
        `../../drivers/${nic.profile.driver}`,
      );
      await fs.mkdir(path.join(this.sysRoot, driverDir), { recursive: true });
    }
    await put(this.procRoot, "cmdline", this.state.configuredCmdline);
    const bootId = randomUUID();
    await put(this.procRoot, "sys/kernel/random/boot_id", bootId);
    await this.applyIommuState();
    this.state = { ...this.state, fdb: [], vfPorts: {}, bootCount: this.state.bootCount + 1 };
    await this.saveState();
    return bootId;
  }

  /** A torn split (agent killed mid-way) leaves links that disagree with sriov_numvfs: roll it back. */
  private async recover(): Promise<void> {
    for (const nic of this.profile.nics) {
      if (nic.profile.totalVfs === 0) continue;
      const links = (await readDirOrEmpty(this.raw, pfDir(nic.pciAddress))).filter((e) =>
        /^virtfn\d+$/.test(e),
      );
      const num = Number(
        (await readTrimmed(this.raw, `${pfDir(nic.pciAddress)}/sriov_numvfs`)) ?? "0",
      );
      if (links.length !== num || (await this.orphanVfs(nic.pciAddress)).length > 0) {
        await this.removeAllVfs(nic.pciAddress);
      }
    }
    // A state dir from before the profile named its GPUs gets them, and their IOMMU groups.
    await putPciDevices(this.sysRoot, this.profile);
    await this.applyIommuState();
  }

  private vfAddresses(pfPci: string, count: number): string[] {
    const nic = this.profile.nics.find((n) => n.pciAddress === pfPci);
    if (nic === undefined) return [];
    const offset = nic.vfOffset ?? nic.profile.vfOffset ?? 1;
    const stride = nic.profile.vfStride ?? 1;
    return Array.from({ length: count }, (_, i) => vfPciAddress(pfPci, offset, stride, i));
  }

  /** VF directories whose physfn points at this PF but that no virtfn link names. */
  private async orphanVfs(pfPci: string): Promise<string[]> {
    const nic = this.profile.nics.find((n) => n.pciAddress === pfPci);
    const linked = new Set<string>();
    for (const entry of await readDirOrEmpty(this.raw, pfDir(pfPci))) {
      if (!/^virtfn\d+$/.test(entry)) continue;
      const target = await linkBasename(this.raw, `${pfDir(pfPci)}/${entry}`);
      if (target !== null) linked.add(target);
    }
    const all = this.vfAddresses(pfPci, nic?.profile.totalVfs ?? 0);
    const orphans: string[] = [];
    for (const vf of all) {
      if (!linked.has(vf) && (await this.raw.exists(pfDir(vf)))) orphans.push(vf);
    }
    return orphans;
  }

  private async removeAllVfs(pfPci: string): Promise<void> {
    const nic = this.profile.nics.find((n) => n.pciAddress === pfPci);
    if (nic === undefined || nic.profile.totalVfs === 0) return;
    for (const entry of await readDirOrEmpty(this.raw, pfDir(pfPci))) {
      if (/^virtfn\d+$/.test(entry))
        await fs.rm(path.join(this.sysRoot, pfDir(pfPci), entry), { force: true });
    }
    const vfs = this.vfAddresses(pfPci, nic.profile.totalVfs);
    for (const vf of vfs) {
      await fs.rm(path.join(this.sysRoot, pfDir(vf)), { recursive: true, force: true });
    }
    await put(this.sysRoot, `${pfDir(pfPci)}/sriov_numvfs`, "0");
    await this.forgetVfPorts(vfs);
  }

  /** A VF the driver destroyed takes its port settings with it: a new one starts fresh. */
  private async forgetVfPorts(vfs: readonly string[]): Promise<void> {
    if (!vfs.some((vf) => vf in this.state.vfPorts)) return;
    const vfPorts = { ...this.state.vfPorts };
    for (const vf of vfs) delete vfPorts[vf];
    this.state = { ...this.state, vfPorts };
    await this.saveState();
  }

  private emulatedIo(): SysfsIo {
    const raw = this.raw;
    return {
      root: raw.root,
      readFile: (rel) => raw.readFile(rel),
      readLink: (rel) => raw.readLink(rel),
      readDir: (rel) => raw.readDir(rel),
      exists: (rel) => raw.exists(rel),
      writeFile: (rel, data) => this.write(rel, data),
    };
  }

  private async write(rel: string, data: string): Promise<void> {
    try {
      await this.writeAttribute(rel, data);
    } finally {
      this.changed();
    }
  }

  private async writeAttribute(rel: string, data: string): Promise<void> {
    const norm = path.posix.normalize(rel);
    let m = /^bus\/pci\/devices\/([^/]+)\/sriov_numvfs$/.exec(norm);
    if (m?.[1] !== undefined) return this.writeNumVfs(m[1], data);
    m = /^bus\/pci\/drivers\/([^/]+)\/unbind$/.exec(norm);
    if (m?.[1] !== undefined) return this.unbind(m[1], data.trim());
    m = /^bus\/pci\/drivers\/([^/]+)\/bind$/.exec(norm);
    if (m?.[1] !== undefined) return this.bind(m[1], data.trim());
    if (!(await this.raw.exists(norm))) throw errno("ENOENT", `${norm}: no such attribute`);
    // Identity and capability attributes are read-only (0444) in sysfs.
    if (/\/(sriov_totalvfs|vendor|device|class|sriov_offset|sriov_stride)$/.test(norm))
      throw errno("EACCES", `${norm} is read-only`);
    await this.raw.writeFile(norm, data);
  }

  /**
   * sriov_numvfs semantics from drivers/pci/iov.c: sriov_numvfs_store(). Parsing (EINVAL) and the
   * TotalVFs bound (ERANGE) come before the device lock; a second writer then waits for the lock
   * rather than failing; under it, no bound driver is ENOENT before a non-zero count is EBUSY.
   * The checks before the lock read only memory, as the kernel's do, so writers queue on the lock
   * in the order they wrote: an await there would let a later writer take the lock first.
   */
  private async writeNumVfs(pci: string, data: string): Promise<void> {
    const dev = pfDir(pci);
    // sriov_totalvfs is read-only and exists exactly when the profile gives the NIC VFs (tree.ts).
    const total = this.profile.nics.find((nic) => nic.pciAddress === pci)?.profile.totalVfs ?? 0;
    if (total === 0) throw errno("ENOENT", `${dev}/sriov_numvfs: no such attribute`);
    const n = parseKernelU16(data);
    if (n === null) throw errno("EINVAL", `invalid value ${JSON.stringify(data)}`);
    if (n > total) throw errno("ERANGE", `${pci}: ${n} VFs requested; TotalVFs is ${total}`);
    return this.withDeviceLock(pci, async (epoch) => {
      const current = Number((await readTrimmed(this.raw, `${dev}/sriov_numvfs`)) ?? "0");
      if (n === current) return;
      if ((await linkBasename(this.raw, `${dev}/driver`)) === null) {
        throw errno("ENOENT", `${pci}: no driver bound to device; cannot configure SR-IOV`);
      }
      if (n === 0) await this.disableVfs(pci, current, epoch);
      else if (current !== 0)
        throw errno(
          "EBUSY",
          `${pci}: ${current} VFs already enabled. Disable before enabling ${n} VFs`,
        );
      else await this.enableVfs(pci, n, epoch);
    });
  }

  private async withDeviceLock<T>(pci: string, work: (epoch: number) => Promise<T>): Promise<T> {
    const previous = this.deviceLocks.get(pci) ?? Promise.resolve();
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.deviceLocks.set(pci, tail);
    await previous;
    try {
      // The epoch is read once the lock is held: a reboot while waiting does not fail this writer.
      return await work(this.epoch);
    } finally {
      release();
      if (this.deviceLocks.get(pci) === tail) this.deviceLocks.delete(pci);
    }
  }

  private checkAlive(epoch: number, pci: string): void {
    if (this.epoch !== epoch)
      throw errno(
        "ENODEV",
        `${pci}: ${this.closed ? "agent stopped" : "host rebooted"} during the write`,
      );
  }

  private async enableVfs(pci: string, n: number, epoch: number): Promise<void> {
    const nic = this.profile.nics.find((x) => x.pciAddress === pci);
    if (nic === undefined) throw errno("ENODEV", pci);
    const vfs = this.vfAddresses(pci, n);
    await this.options.clock.sleep(this.iovSleeps.enable);
    this.checkAlive(epoch, pci);
    for (const [i, vf] of vfs.entries()) {
      await this.options.clock.sleep(this.options.perVfDelayMs);
      this.checkAlive(epoch, pci);
      const vfDir = path.join(this.sysRoot, pfDir(vf));
      await fs.rm(vfDir, { recursive: true, force: true });
      await fs.mkdir(vfDir, { recursive: true });
      // Independent entries of a fresh directory: written in parallel to keep big splits quick.
      await Promise.all([
        fs.writeFile(path.join(vfDir, "vendor"), `${nic.profile.vendorId}\n`),
        fs.writeFile(
          path.join(vfDir, "device"),
          `${nic.profile.vfDeviceId ?? nic.profile.deviceId}\n`,
        ),
        fs.symlink(`../${pci}`, path.join(vfDir, "physfn")),
        ...(nic.profile.vfDriver === undefined
          ? []
          : [fs.symlink(`../../drivers/${nic.profile.vfDriver}`, path.join(vfDir, "driver"))]),
      ]);
      this.checkAlive(epoch, pci);
      await link(this.sysRoot, `${pfDir(pci)}/virtfn${i}`, `../${vf}`);
      this.changed();
    }
    // The kernel updates num_VFs once every VF is added, which is why a torn split is detectable.
    await put(this.sysRoot, `${pfDir(pci)}/sriov_numvfs`, String(n));
  }

  private async disableVfs(pci: string, current: number, epoch: number): Promise<void> {
    const vfs = this.vfAddresses(pci, current);
    for (let i = vfs.length - 1; i >= 0; i -= 1) {
      // Teardown is quicker than bring-up in real drivers.
      await this.options.clock.sleep(this.options.perVfDelayMs / 4);
      this.checkAlive(epoch, pci);
      await fs.rm(path.join(this.sysRoot, pfDir(pci), `virtfn${i}`), { force: true });
      const vf = vfs[i];
      if (vf !== undefined)
        await fs.rm(path.join(this.sysRoot, pfDir(vf)), { recursive: true, force: true });
      this.changed();
    }
    await this.options.clock.sleep(this.iovSleeps.disable);
    this.checkAlive(epoch, pci);
    await put(this.sysRoot, `${pfDir(pci)}/sriov_numvfs`, "0");
    await this.forgetVfPorts(vfs);
  }

  private get iovSleeps(): IovSleeps {
    return this.options.iovSleepMs ?? iovSleepsFor(this.options.perVfDelayMs);
  }

  private async unbind(driver: string, pci: string): Promise<void> {
    const bound = await linkBasename(this.raw, `${pfDir(pci)}/driver`);
    if (bound !== driver) throw errno("ENODEV", `${pci} is not bound to ${driver}`);
    // NIC drivers' remove() disables SR-IOV, taking the VFs with it; nvme's leaves them, and
    // sriov_numvfs keeps its count (writing 0 is then ENOENT until a driver is bound again).
    const nic = this.profile.nics.find((n) => n.pciAddress === pci);
    if (nic?.profile.removeDisablesSriov === true) await this.removeAllVfs(pci);
    await fs.rm(path.join(this.sysRoot, pfDir(pci), "driver"), { force: true });
  }

  private async bind(driver: string, pci: string): Promise<void> {
    if (!(await this.raw.exists(pfDir(pci)))) throw errno("ENODEV", `${pci}: no such device`);
    if ((await linkBasename(this.raw, `${pfDir(pci)}/driver`)) !== null)
      throw errno("EBUSY", `${pci} already has a driver`);
    await link(this.sysRoot, `${pfDir(pci)}/driver`, `../../drivers/${driver}`);
  }
}
