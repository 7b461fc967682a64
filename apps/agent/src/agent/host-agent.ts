import { createHash, randomUUID } from "node:crypto";
import {
  AgentError,
  type AttachVfRequest,
  type AttachVnicRequest,
  type BackendKind,
  type DomainInfo,
  type DomainSpec,
  type FdbEntry,
  type Health,
  type HostFacts,
  type HostPciDevice,
  type HostSnapshot,
  type InjectFaultRequest,
  type SnapshotChange,
  type MigrateRequest,
  type MigrateResponse,
  type NicSpec,
  type PhysicalNic,
  type SetIommuResponse,
  type Task,
  type TaskRef,
  type UnbindDriverResponse,
  type VfPortObserved,
  type VfPortSettings,
  type VfCounters,
  type VfCountersReport,
  type VfResetResult,
  type VnicSpec,
} from "@virtfn/agent-client";
import { readBootId, readCpu, readFacts, readHostname, type HostIo } from "../host/facts";
import * as fdb from "../host/fdb";
import { hasIommuArg, readConfiguredCmdline, updateIommuArgs } from "../host/iommu-arg";
import {
  findPfByPci,
  listPfRefs,
  pciDir,
  physfnOf,
  readPhysicalNic,
  readSriovState,
  readVfRefs,
} from "../host/nics";
import { listPciDevices, readPciDevice } from "../host/pci-devices";
import { applyVfCount, kernelError } from "../host/sriov";
import { readVfCounters } from "../host/vf-counters";
import { applyVfPort, resetVfPort } from "../host/vf-port";
import type { DomainRecord, Hypervisor } from "../hypervisor/types";
import type { Clock } from "../platform/clock";
import { linkBasename, readTrimmed } from "../platform/io";
import type { FaultPlan } from "./faults";
import { domainVfs, summarize, vfHolders } from "./holders";
import type { Migrator } from "./migrator";
import { Mutex } from "./mutex";
import { TaskRegistry } from "./tasks";
import { AGENT_VERSION } from "./version";

export interface HostAgentDeps {
  backend: BackendKind;
  host: HostIo;
  hypervisor: Hypervisor;
  migrator: Migrator;
  clock: Clock;
  models: ReadonlyMap<string, string>;
  /** Sim only: power-cycles the simulated host. Linux hosts are rebooted by their operators. */
  reboot?: () => Promise<void>;
  /** Sim only: failure injection for hot-plug and migration (see FaultPlan). */
  faults?: FaultPlan;
  /** Poll interval while VFs appear; default 100 ms. */
  vfPollMs?: number;
  /** Wait for virtfn links after the write returned; default 60 s. */
  vfLinkTimeoutMs?: number;
  /**
   * Sim only: a value that changes whenever anything a snapshot reads changes (the sim's own
   * sysfs writes, FDB and domains). While it stays the same, snapshot/since answers from the
   * last digest instead of reading the host again. Unset (Linux): the host is read every time,
   * since a change can come from anywhere.
   */
  snapshotVersion?: () => string;
}

function toInfo(record: DomainRecord): DomainInfo {
  return {
    name: record.name,
    uuid: record.uuid,
    state: record.state,
    vcpus: record.vcpus,
    memoryMiB: record.memoryMiB,
    nics: record.live ?? record.config,
    ...(record.hostdevs?.length ? { hostdevs: record.hostdevs } : {}),
  };
}

/**
 * The virtio half of a failover pair the VF `vf` may join: same MAC, persistent, and the alias
 * the VF's teaming names. A VF NIC with teaming is refused without one (libvirt would too).
 */
function failoverPartner(nics: readonly NicSpec[], vf: NicSpec): VnicSpec | undefined {
  if (vf.type !== "vf" || vf.teaming === undefined) return undefined;
  const persistent = vf.teaming.persistent;
  return nics.find(
    (n): n is VnicSpec =>
      n.type === "vnic" &&
      n.mac === vf.mac &&
      n.teaming?.type === "persistent" &&
      n.alias === persistent,
  );
}

/** Port settings are the PF driver's, not libvirt's: the hypervisor never sees them. */
function withoutPort(nic: NicSpec): NicSpec {
  if (nic.type !== "vf" || nic.port === undefined) return nic;
  const { port: _port, ...rest } = nic;
  return rest;
}

function sameVnic(a: NicSpec, b: VnicSpec): boolean {
  return (
    a.type === "vnic" &&
    a.mac === b.mac &&
    a.kind === b.kind &&
    a.source === b.source &&
    a.model === b.model &&
    (a.queues ?? 1) === (b.queues ?? 1) &&
    a.vlan === b.vlan
  );
}

/**
 * The agent's behaviour, independent of transport and of where sysfs and the hypervisor live.
 * Every rule the agent enforces is here once, so the Linux and sim backends cannot drift apart.
 */
export class HostAgent {
  readonly backend: BackendKind;
  private readonly host: HostIo;
  private readonly hypervisor: Hypervisor;
  private readonly migrator: Migrator;
  private readonly clock: Clock;
  private readonly models: ReadonlyMap<string, string>;
  private readonly rebootHost: (() => Promise<void>) | undefined;
  private readonly faults: FaultPlan | undefined;
  private readonly tasks = new TaskRegistry();
  private readonly mutex = new Mutex();
  private readonly running = new Set<Promise<void>>();
  private readonly vfPollMs: number;
  private readonly vfLinkTimeoutMs: number;
  private closed = false;
  /** Salts every snapshot digest, so that a restarted agent never repeats one it gave before. */
  private readonly instance = randomUUID();
  private readonly snapshotVersion: (() => string) | undefined;
  /** The last snapshot read, with its digest and the snapshotVersion it was read at. */
  private lastSnapshot: { version: string; digest: string; snapshot: HostSnapshot } | null = null;

  constructor(deps: HostAgentDeps) {
    this.backend = deps.backend;
    this.host = deps.host;
    this.hypervisor = deps.hypervisor;
    this.migrator = deps.migrator;
    this.clock = deps.clock;
    this.models = deps.models;
    this.rebootHost = deps.reboot;
    this.faults = deps.faults;
    this.vfPollMs = deps.vfPollMs ?? 100;
    this.vfLinkTimeoutMs = deps.vfLinkTimeoutMs ?? 60_000;
    this.snapshotVersion = deps.snapshotVersion;
  }

  // ---- host ---------------------------------------------------------------------------------

  async health(): Promise<Health> {
    return {
      version: AGENT_VERSION,
      hostname: await readHostname(this.host),
      backend: this.backend,
      bootId: await readBootId(this.host),
    };
  }

  facts(): Promise<HostFacts> {
    return readFacts(this.host);
  }

  async setIommuKernelArg(enabled: boolean): Promise<SetIommuResponse> {
    return this.mutex.run(async () => {
      const configured = await readConfiguredCmdline(this.host.runner);
      // Only touch the bootloader when it has to change: grubby rewrites every entry.
      if (configured === null || hasIommuArg(configured) !== enabled) {
        await updateIommuArgs(this.host.runner, (await readCpu(this.host)).vendor, enabled);
      }
      const facts = await readFacts(this.host);
      return { kernelArgSet: facts.iommu.kernelArgSet, rebootRequired: facts.iommu.rebootRequired };
    });
  }

  async reboot(): Promise<{ bootId: string }> {
    const rebootHost = this.rebootHost;
    if (rebootHost === undefined) {
      throw new AgentError(
        "UNSUPPORTED",
        "the Linux backend does not reboot hosts; reboot it with your own tooling",
      );
    }
    return this.mutex.run(async () => {
      await rebootHost();
      return { bootId: await readBootId(this.host) };
    });
  }

  /** Sim only: arms the failure injection (see FaultPlan). */
  injectFault(request: InjectFaultRequest): { ok: true } {
    if (this.faults === undefined)
      throw new AgentError("UNSUPPORTED", "failure injection exists on sim hosts only");
    this.faults.arm(request);
    return { ok: true };
  }

  // ---- NICs and VFs -------------------------------------------------------------------------

  listPciDevices(): Promise<HostPciDevice[]> {
    return listPciDevices(this.host.sys);
  }

  async listNics(): Promise<PhysicalNic[]> {
    const [domains, refs] = await Promise.all([this.hypervisor.list(), listPfRefs(this.host.sys)]);
    const holders = vfHolders(domains);
    const ctx = { io: this.host.sys, runner: this.host.runner, models: this.models, holders };
    // NICs are read side by side: each is a few dozen small sysfs reads, and a host
    // connect waits for all of them.
    return Promise.all(refs.map((ref) => readPhysicalNic(ctx, ref)));
  }

  /** One PF, read as listNics reads each: a split's read-back needs no other. */
  async getNic(pci: string): Promise<PhysicalNic> {
    const [domains, ref] = await Promise.all([
      this.hypervisor.list(),
      findPfByPci(this.host.sys, pci),
    ]);
    if (ref === null) throw new AgentError("NOT_FOUND", `no physical NIC at ${pci}`);
    const holders = vfHolders(domains);
    return readPhysicalNic(
      { io: this.host.sys, runner: this.host.runner, models: this.models, holders },
      ref,
    );
  }

  /** Counters of the VFs whose PF driver keeps them; one `ip -s -j link` per such PF. */
  async vfCounters(): Promise<VfCountersReport> {
    const vfs: VfCounters[] = [];
    for (const nic of await this.listNics())
      if (nic.name !== null)
        vfs.push(...(await readVfCounters(this.host.runner, { ...nic, name: nic.name })));
    return { vfs };
  }

  private async iommuActive(): Promise<boolean> {
    return (await readFacts(this.host)).iommu.active;
  }

  /** Domains holding VFs of this PF right now. */
  private async domainsUsingPf(pci: string): Promise<string[]> {
    const holders = vfHolders(await this.hypervisor.list());
    const domains = new Set<string>();
    for (const vf of await readVfRefs(this.host.sys, pci)) {
      const holder = holders.get(vf.pciAddress);
      if (holder !== undefined) domains.add(holder.domain);
    }
    return [...domains].sort();
  }

  startSetVfCount(pci: string, count: number, operationId: string): Promise<TaskRef> {
    return this.mutex.run(async () => {
      const fingerprint = `set-vf-count ${pci} ${count}`;
      if (this.tasks.lookup(operationId, fingerprint) !== undefined) return { taskId: operationId };
      if ((await findPfByPci(this.host.sys, pci)) === null)
        throw new AgentError("NOT_FOUND", `no physical NIC at ${pci}`);
      const sriov = await readSriovState(this.host.sys, pci);
      if (!sriov.capable)
        throw new AgentError(
          "NOT_SRIOV_CAPABLE",
          `${pci} has no SR-IOV capability (sriov_totalvfs is 0 or absent)`,
        );
      // The kernel would say ERANGE too, but checking first keeps a rejected request side-effect free.
      if (count > sriov.totalVfs) {
        throw new AgentError(
          "ERANGE",
          `${pci} supports at most ${sriov.totalVfs} VFs, ${count} requested`,
          {
            details: { totalVfs: sriov.totalVfs, requested: count },
          },
        );
      }
      if (count > 0 && !(await this.iommuActive())) {
        throw new AgentError(
          "IOMMU_NOT_ACTIVE",
          "the IOMMU is not active on this host: VFs could not be assigned to domains",
        );
      }
      const other = this.tasks.runningFor(pci);
      if (other !== undefined)
        throw new AgentError("TASK_CONFLICT", `${pci} is being changed by task ${other.id}`);
      if (sriov.numVfs !== count && sriov.numVfs > 0) {
        // Any change from a non-zero count goes through 0, which destroys every VF (R12).
        const domains = await this.domainsUsingPf(pci);
        if (domains.length > 0) {
          throw new AgentError("VF_IN_USE", `VFs of ${pci} are attached to ${domains.join(", ")}`, {
            details: { domains },
          });
        }
      }
      const from = sriov.numVfs;
      const total = from === count ? count : (from > 0 ? from : 0) + count;
      this.tasks.create(operationId, "set-vf-count", pci, fingerprint, total);
      this.track(this.runSetVfCount(operationId, pci, from, count));
      return { taskId: operationId };
    });
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  private async runSetVfCount(id: string, pci: string, from: number, to: number): Promise<void> {
    try {
      await applyVfCount({
        io: this.host.sys,
        clock: this.clock,
        pci,
        from,
        to,
        onProgress: (done, total) => this.tasks.progress(id, done, total),
        pollMs: this.vfPollMs,
        linkTimeoutMs: this.vfLinkTimeoutMs,
        isCancelled: () => this.closed,
      });
      this.tasks.succeed(id);
    } catch (error) {
      this.tasks.fail(
        id,
        error instanceof AgentError ? error : kernelError(error, `set ${pci} to ${to} VFs`),
      );
    }
  }

  /** The task once it ends or has untilDone items done, or after waitMs (a long-poll, no polling). */
  async waitForTask(id: string, waitMs: number, untilDone?: number): Promise<Task> {
    await this.tasks.waitForEnd(id, waitMs, untilDone);
    return this.getTask(id);
  }

  getTask(id: string): Task {
    const task = this.tasks.get(id);
    if (task === undefined)
      throw new AgentError(
        "NOT_FOUND",
        `no task ${id} (the agent may have restarted; re-issue the operation)`,
      );
    return task;
  }

  /** R14: unbinding the PF driver destroys its VFs, so it is refused while any is attached. */
  unbindPfDriver(pci: string): Promise<UnbindDriverResponse> {
    return this.mutex.run(async () => {
      if ((await findPfByPci(this.host.sys, pci)) === null)
        throw new AgentError("NOT_FOUND", `no physical NIC at ${pci}`);
      const domains = await this.domainsUsingPf(pci);
      if (domains.length > 0) {
        throw new AgentError(
          "VF_IN_USE",
          `VFs of ${pci} are attached to ${domains.join(", ")}; detach them first`,
          {
            details: { domains },
          },
        );
      }
      const task = this.tasks.runningFor(pci);
      if (task !== undefined)
        throw new AgentError("DEVICE_BUSY", `${pci} is being changed by task ${task.id}`);
      const driver = await linkBasename(this.host.sys, `${pciDir(pci)}/driver`);
      if (driver === null) return { pciAddress: pci, driver: null };
      try {
        await this.host.sys.writeFile(`bus/pci/drivers/${driver}/unbind`, pci);
      } catch (error) {
        throw kernelError(error, `unbind ${pci} from ${driver}`);
      }
      return { pciAddress: pci, driver };
    });
  }

  // ---- VF ports -----------------------------------------------------------------------------

  /** The PF netdev and VF index behind a VF address: `ip link set <pf> vf <n>` needs both. */
  private async vfPortOf(pci: string): Promise<{ pf: string; index: number }> {
    const pfPci = await physfnOf(this.host.sys, pci);
    if (pfPci === null)
      throw new AgentError("VF_NOT_FOUND", `${pci} is not a VF on this host (is the PF split?)`);
    const pf = await findPfByPci(this.host.sys, pfPci);
    if (pf === null || pf.ifname === null)
      throw new AgentError("UNSUPPORTED", `the PF of ${pci} has no netdev: its VFs have no port`);
    const ref = (await readVfRefs(this.host.sys, pfPci)).find((r) => r.pciAddress === pci);
    if (ref === undefined)
      throw new AgentError("VF_NOT_FOUND", `${pci} is not a VF of ${pf.ifname}`);
    return { pf: pf.ifname, index: ref.index };
  }

  private async applyPortLocked(pci: string, settings: VfPortSettings): Promise<VfPortObserved> {
    const { pf, index } = await this.vfPortOf(pci);
    return applyVfPort(this.host.runner, pf, index, settings);
  }

  /** Sets spoof checking, trust, link state and query_rss; idempotent, so the reconciler repeats it. */
  setVfPort(pci: string, settings: VfPortSettings): Promise<VfPortObserved> {
    return this.mutex.run(() => {
      this.faults?.take("setVfPort", pci);
      return this.applyPortLocked(pci, settings);
    });
  }

  /**
   * The reset on release (MAC zeroed where the driver allows it, VLAN 0, trust off, defaults for
   * the rest). Refused while a domain holds the VF: resetting a VF someone already has again is
   * the sriov-cni race this exists to avoid.
   */
  resetVf(pci: string): Promise<VfResetResult> {
    return this.mutex.run(async () => {
      const holder = vfHolders(await this.hypervisor.list()).get(pci);
      if (holder !== undefined) {
        throw new AgentError("VF_IN_USE", `VF ${pci} is assigned to domain ${holder.domain}`, {
          details: { domain: holder.domain },
        });
      }
      const { pf, index } = await this.vfPortOf(pci);
      const result = await resetVfPort(this.host.runner, pf, index);
      return { pciAddress: pci, ...result };
    });
  }

  // ---- domains ------------------------------------------------------------------------------

  listDomains(): Promise<DomainInfo[]> {
    return this.hypervisor.list().then((records) => records.map(toInfo));
  }

  async getDomain(name: string): Promise<DomainInfo> {
    return toInfo(await this.mustGet(name));
  }

  private async mustGet(name: string): Promise<DomainRecord> {
    const record = await this.hypervisor.get(name);
    if (record === null) throw new AgentError("NOT_FOUND", `no domain ${name}`);
    return record;
  }

  /** A VF must exist now (virtfn link with physfn) and its PF must not be mid-split. */
  private async checkVfPresent(pci: string): Promise<void> {
    const pf = await physfnOf(this.host.sys, pci);
    if (pf === null)
      throw new AgentError("VF_NOT_FOUND", `${pci} is not a VF on this host (is the PF split?)`);
    const task = this.tasks.runningFor(pf);
    if (task !== undefined)
      throw new AgentError("DEVICE_BUSY", `the PF of ${pci} is being changed by task ${task.id}`);
  }

  private checkVnic(nic: VnicSpec): void {
    if (nic.model !== "virtio" && nic.queues !== undefined && nic.queues > 1) {
      throw new AgentError(
        "EINVAL",
        `multi-queue needs the virtio model with vhost; ${nic.model} has one queue`,
      );
    }
  }

  private async checkVnicSource(nic: VnicSpec): Promise<void> {
    // macvtap sits on a real netdev; a bridge is libvirt's to resolve when the domain starts.
    if (nic.kind === "macvtap" && !(await this.host.sys.exists(`class/net/${nic.source}`))) {
      throw new AgentError("NOT_FOUND", `no network device ${nic.source} for macvtap`);
    }
  }

  /** A MAC appears once, except on the two halves of a failover pair; a teamed VF has its partner. */
  private checkOwnNics(nics: readonly NicSpec[]): void {
    const macs = new Set<string>();
    const vfs = new Set<string>();
    for (const nic of nics) {
      if (nic.type === "vf" && nic.teaming !== undefined && !failoverPartner(nics, nic)) {
        throw new AgentError(
          "EINVAL",
          `VF ${nic.pciAddress} is teamed with ${nic.teaming.persistent}, which is no persistent virtio NIC with MAC ${nic.mac}`,
        );
      }
      const pairedMac =
        nic.type === "vf"
          ? failoverPartner(nics, nic) !== undefined
          : nics.some((other) => failoverPartner(nics, other) === nic);
      if (macs.has(nic.mac) && !pairedMac)
        throw new AgentError("MAC_IN_USE", `MAC ${nic.mac} appears twice`);
      macs.add(nic.mac);
      if (nic.type === "vf") {
        if (vfs.has(nic.pciAddress))
          throw new AgentError("VF_IN_USE", `VF ${nic.pciAddress} appears twice`);
        vfs.add(nic.pciAddress);
      } else this.checkVnic(nic);
    }
  }

  private async checkVfFree(pci: string, domain: string): Promise<void> {
    const holder = vfHolders(await this.hypervisor.list()).get(pci);
    if (holder !== undefined && holder.domain !== domain) {
      throw new AgentError(
        "VF_IN_USE",
        `VF ${pci} is already assigned to domain ${holder.domain}`,
        {
          details: { domain: holder.domain },
        },
      );
    }
  }

  /**
   * A whole device for passthrough (issue 17): present, not a VF, not split (its VFs would go
   * with it), and in no other domain's config or running instance.
   */
  private async checkHostdev(pci: string, domain: string): Promise<void> {
    const device = await readPciDevice(this.host.sys, pci);
    if (device === null)
      throw new AgentError("NOT_FOUND", `${pci} is not a passthrough-capable PCI device here`);
    if ((device.sriovNumVfs ?? 0) > 0)
      throw new AgentError(
        "EBUSY",
        `${pci} has ${device.sriovNumVfs} VFs: a split PF is not passed through whole`,
      );
    for (const record of await this.hypervisor.list()) {
      if (record.name !== domain && record.hostdevs?.includes(pci))
        throw new AgentError(
          "DEVICE_BUSY",
          `${pci} is already passed through to domain ${record.name}`,
          {
            details: { domain: record.name },
          },
        );
    }
  }

  defineDomain(spec: DomainSpec): Promise<DomainInfo> {
    return this.mutex.run(async () => {
      const info = await this.defineLocked({ ...spec, nics: spec.nics.map(withoutPort) });
      await this.applyPorts(spec.nics);
      return info;
    });
  }

  private async defineLocked(spec: DomainSpec): Promise<DomainInfo> {
    this.checkOwnNics(spec.nics);
    const existing = await this.hypervisor.get(spec.name);
    if (existing !== null && spec.uuid !== existing.uuid) {
      // Without a uuid, a repeat of the same definition is still recognised as a retry.
      const sameShape =
        spec.uuid === undefined &&
        existing.vcpus === spec.vcpus &&
        existing.memoryMiB === spec.memoryMiB &&
        existing.image === spec.image &&
        JSON.stringify(existing.config) === JSON.stringify(spec.nics) &&
        (existing.hostdevs ?? []).join() === (spec.hostdevs ?? []).join();
      if (sameShape) return toInfo(existing);
      throw new AgentError(
        "DOMAIN_EXISTS",
        `domain ${spec.name} already exists with uuid ${existing.uuid}`,
      );
    }
    for (const nic of spec.nics) {
      if (nic.type === "vf") {
        await this.checkVfPresent(nic.pciAddress);
        await this.checkVfFree(nic.pciAddress, spec.name);
      } else await this.checkVnicSource(nic);
    }
    for (const pci of spec.hostdevs ?? []) await this.checkHostdev(pci, spec.name);
    const uuid = spec.uuid ?? existing?.uuid ?? randomUUID();
    await this.hypervisor.define({ ...spec, uuid });
    return toInfo(await this.mustGet(spec.name));
  }

  /** Applies the port settings that VF NICs carry; the VFs were checked present by the caller. */
  private async applyPorts(nics: readonly NicSpec[]): Promise<void> {
    for (const nic of nics)
      if (nic.type === "vf" && nic.port !== undefined)
        await this.applyPortLocked(nic.pciAddress, nic.port);
  }

  startDomain(name: string): Promise<DomainInfo> {
    return this.mutex.run(async () => {
      const record = await this.mustGet(name);
      if (record.state === "running") return toInfo(record);
      const vfs = record.config.filter((n) => n.type === "vf");
      const hostdevs = record.hostdevs ?? [];
      if ((vfs.length > 0 || hostdevs.length > 0) && !(await this.iommuActive())) {
        throw new AgentError(
          "IOMMU_NOT_ACTIVE",
          `${name} has VF NICs or passed-through devices but the IOMMU is not active on this host`,
        );
      }
      for (const pci of hostdevs) await this.checkHostdev(pci, name);
      for (const vf of vfs) {
        await this.checkVfPresent(vf.pciAddress);
        await this.checkVfFree(vf.pciAddress, name);
      }
      await this.hypervisor.start(name);
      return toInfo(await this.mustGet(name));
    });
  }

  stopDomain(name: string): Promise<DomainInfo> {
    return this.mutex.run(async () => {
      const record = await this.mustGet(name);
      if (record.state === "running") await this.hypervisor.shutdown(name);
      return toInfo(await this.mustGet(name));
    });
  }

  destroyDomain(name: string): Promise<DomainInfo> {
    return this.mutex.run(async () => {
      const record = await this.mustGet(name);
      if (record.state === "running") await this.hypervisor.destroy(name);
      return toInfo(await this.mustGet(name));
    });
  }

  undefineDomain(name: string): Promise<{ ok: true }> {
    return this.mutex.run(async () => {
      const record = await this.hypervisor.get(name);
      if (record === null) return { ok: true as const };
      if (record.state === "running")
        throw new AgentError("DOMAIN_RUNNING", `${name} is running; stop or destroy it first`);
      await this.hypervisor.undefine(name);
      return { ok: true as const };
    });
  }

  attachVf(name: string, req: AttachVfRequest): Promise<DomainInfo> {
    return this.mutex.run(async () => {
      const info = await this.attachVfLocked(name, req);
      if (req.port !== undefined) await this.applyPortLocked(req.pciAddress, req.port);
      return info;
    });
  }

  private async attachVfLocked(name: string, req: AttachVfRequest): Promise<DomainInfo> {
    const record = await this.mustGet(name);
    const nic: NicSpec = {
      type: "vf",
      mac: req.mac,
      pciAddress: req.pciAddress,
      ...(req.vlan === undefined ? {} : { vlan: req.vlan }),
      ...(req.alias === undefined ? {} : { alias: req.alias }),
      ...(req.teaming === undefined ? {} : { teaming: req.teaming }),
    };
    const live = req.live && record.state === "running";
    const inConfig = record.config.find((n) => n.type === "vf" && n.pciAddress === req.pciAddress);
    const inLive = record.live?.find((n) => n.type === "vf" && n.pciAddress === req.pciAddress);
    const current = inLive ?? inConfig;
    if (current !== undefined) {
      if (current.mac !== nic.mac || (current.type === "vf" && current.vlan !== req.vlan)) {
        throw new AgentError(
          "VF_IN_USE",
          `VF ${req.pciAddress} is already in ${name} with another MAC or VLAN`,
        );
      }
      if (inConfig !== undefined && (!live || inLive !== undefined)) return toInfo(record);
    }
    await this.checkVfPresent(req.pciAddress);
    await this.checkVfFree(req.pciAddress, name);
    const devices = [...(record.live ?? []), ...record.config];
    const partner = failoverPartner(devices, nic);
    if (req.teaming !== undefined && partner === undefined) {
      throw new AgentError(
        "EINVAL",
        `${name} has no persistent virtio NIC ${req.teaming.persistent} with MAC ${req.mac} to team VF ${req.pciAddress} with`,
      );
    }
    // The partner shows up twice (live and config); neither copy owns the MAC against the VF.
    const macOwner = devices.find(
      (n) =>
        n.mac === req.mac &&
        failoverPartner([n], nic) === undefined &&
        !(n.type === "vf" && n.pciAddress === req.pciAddress),
    );
    if (macOwner !== undefined)
      throw new AgentError("MAC_IN_USE", `${name} already has a NIC with MAC ${req.mac}`);
    if (live && !(await this.iommuActive())) {
      throw new AgentError(
        "IOMMU_NOT_ACTIVE",
        "the IOMMU is not active on this host; VFs cannot be passed through",
      );
    }
    if (live) this.faults?.take("attachVf", `${req.pciAddress} into ${name}`);
    await this.hypervisor.attach(name, nic, live);
    return toInfo(await this.mustGet(name));
  }

  detachVf(name: string, req: { pciAddress: string; live: boolean }): Promise<DomainInfo> {
    return this.mutex.run(async () => {
      const record = await this.mustGet(name);
      const nic = [...(record.live ?? []), ...record.config].find(
        (n) => n.type === "vf" && n.pciAddress === req.pciAddress,
      );
      if (nic === undefined) return toInfo(record);
      const live = req.live && record.state === "running";
      if (live) this.faults?.take("detachVf", `${req.pciAddress} from ${name}`);
      await this.hypervisor.detach(name, nic, live);
      return toInfo(await this.mustGet(name));
    });
  }

  attachVnic(name: string, req: AttachVnicRequest): Promise<DomainInfo> {
    return this.mutex.run(async () => {
      const record = await this.mustGet(name);
      const nic: VnicSpec = { type: "vnic", ...req };
      this.checkVnic(nic);
      const live = record.state === "running";
      const existing = [...(record.live ?? []), ...record.config].filter((n) => n.mac === req.mac);
      if (existing.length > 0) {
        if (existing.every((n) => sameVnic(n, nic))) return toInfo(record);
        throw new AgentError("MAC_IN_USE", `${name} already has a NIC with MAC ${req.mac}`);
      }
      await this.checkVnicSource(nic);
      await this.hypervisor.attach(name, nic, live);
      return toInfo(await this.mustGet(name));
    });
  }

  detachVnic(name: string, req: { mac: string }): Promise<DomainInfo> {
    return this.mutex.run(async () => {
      const record = await this.mustGet(name);
      const nic = [...(record.live ?? []), ...record.config].find(
        (n) => n.type === "vnic" && n.mac === req.mac,
      );
      if (nic === undefined) return toInfo(record);
      await this.hypervisor.detach(name, nic, record.state === "running");
      return toInfo(await this.mustGet(name));
    });
  }

  /**
   * R9: libvirt cannot migrate a running domain with an assigned host device, live or not.
   * A shut-off domain moves without its VF NICs: those addresses are this host's PCI bus.
   */
  migrateDomain(name: string, req: MigrateRequest): Promise<MigrateResponse> {
    return this.mutex.run(async () => {
      const record = await this.mustGet(name);
      const vfs = domainVfs(record);
      if (record.state === "running" && vfs.length > 0) {
        throw new AgentError(
          "HOSTDEV_NOT_MIGRATABLE",
          `${name} is running with VF NICs (${vfs.map((v) => v.pciAddress).join(", ")}); stop it or detach them first`,
          {
            details: { vfs: vfs.map((v) => v.pciAddress) },
          },
        );
      }
      this.faults?.take("migrateDomain", name);
      for (const vf of vfs) await this.hypervisor.detach(name, vf, false);
      try {
        await this.migrator.migrate(await this.mustGet(name), req);
      } catch (error) {
        // A refused migration must leave the domain as it was, VF NICs included.
        for (const vf of vfs) await this.hypervisor.attach(name, vf, false);
        throw error;
      }
      return { name, state: record.state, droppedVfs: vfs.map((v) => v.pciAddress) };
    });
  }

  /** Target side of a sim migration: define (idempotent by uuid) and start if it was running. */
  async acceptMigration(spec: DomainSpec, start: boolean): Promise<DomainInfo> {
    const info = await this.defineDomain(spec);
    return start ? this.startDomain(info.name) : info;
  }

  // ---- FDB ----------------------------------------------------------------------------------

  private async pfMac(pf: string): Promise<string> {
    const mac = await readTrimmed(this.host.sys, `class/net/${pf}/address`);
    if (mac === null) throw new AgentError("NOT_FOUND", `no network device ${pf}`);
    return mac;
  }

  async listFdb(pf: string): Promise<FdbEntry[]> {
    return fdb.listFdb(this.host.runner, pf, await this.pfMac(pf));
  }

  addFdb(pf: string, mac: string): Promise<{ ok: true }> {
    return this.mutex.run(async () => {
      const entries = await fdb.listFdb(this.host.runner, pf, await this.pfMac(pf));
      if (!entries.some((e) => e.mac === mac)) await fdb.addFdb(this.host.runner, pf, mac);
      return { ok: true as const };
    });
  }

  removeFdb(pf: string, mac: string): Promise<{ ok: true }> {
    return this.mutex.run(async () => {
      const entries = await fdb.listFdb(this.host.runner, pf, await this.pfMac(pf));
      if (entries.some((e) => e.mac === mac)) await fdb.removeFdb(this.host.runner, pf, mac);
      return { ok: true as const };
    });
  }

  // ---- reconciler view ----------------------------------------------------------------------

  async snapshot(): Promise<HostSnapshot> {
    const records = await this.hypervisor.list();
    const nics = await this.listNics();
    const entries: FdbEntry[] = [];
    // A PF without a netdev has no bridge FDB to read.
    for (const nic of nics)
      if (nic.name !== null && nic.mac !== null)
        entries.push(...(await fdb.listFdb(this.host.runner, nic.name, nic.mac)));
    return {
      bootId: await readBootId(this.host),
      facts: await this.facts(),
      nics,
      domains: records.map(summarize),
      fdb: entries,
      pciDevices: await listPciDevices(this.host.sys),
    };
  }

  /**
   * The snapshot unless its digest is still `digest`. The host is read in full every time (a
   * change made behind the agent's back, by hand in sysfs, must show), but an unchanged host
   * costs the caller a few bytes instead of the whole snapshot and its compare. A sim host, whose
   * every change goes through the sim, is read again only once its snapshotVersion has moved.
   */
  async snapshotSince(digest: string): Promise<SnapshotChange> {
    // Taken before the read: a change that lands while the host is read moves it past this.
    const version = this.snapshotVersion?.();
    let last = this.lastSnapshot;
    if (version === undefined || last === null || last.version !== version) {
      const snapshot = await this.snapshot();
      const current = createHash("sha256")
        .update(this.instance)
        .update(JSON.stringify(snapshot))
        .digest("base64url");
      last = { version: version ?? "", digest: current, snapshot };
      if (version !== undefined) this.lastSnapshot = last;
    }
    return last.digest === digest
      ? { changed: false, digest: last.digest }
      : { changed: true, digest: last.digest, snapshot: last.snapshot };
  }

  /** Stops waiting on splits; sim kernels stop creating VFs when their own close runs. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
  }
}
