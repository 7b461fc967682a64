import { AgentError, NicSpec as NicSpecSchema, type NicSpec } from "@virtfn/agent-client";
import { z } from "zod";
import { JsonStore, readJsonFile } from "../platform/json-file";
import { sameNic, type DefinedSpec, type DomainRecord, type Hypervisor } from "./types";

const StoredDomain = z.object({
  name: z.string(),
  uuid: z.string(),
  state: z.enum(["running", "shutoff"]),
  vcpus: z.number(),
  memoryMiB: z.number(),
  image: z.string().optional(),
  config: z.array(NicSpecSchema),
  live: z.array(NicSpecSchema).nullable(),
  hostdevs: z.array(z.string()).optional(),
});
const StoredState = z.object({ domains: z.array(StoredDomain) });
type StoredDomain = z.infer<typeof StoredDomain>;

/** A change the sim hypervisor really made (a repeat that changed nothing is not one). */
export interface AppliedEffect {
  domain: string;
  kind: "define" | "redefine" | "start" | "stop" | "undefine" | "attach" | "detach";
  /** The NIC attached or detached: its PCI address for a VF, its MAC for a vNIC. */
  nic?: string;
}
export type OnApplied = (effect: AppliedEffect) => void;

const nicKey = (nic: NicSpec): string => (nic.type === "vf" ? nic.pciAddress : nic.mac);

/**
 * An in-memory libvirt persisted to one JSON file, so a sim host keeps its domains across agent
 * restarts. It behaves like libvirt where the agent depends on it (errors for unknown domains,
 * live vs config); cross-domain rules are enforced by the agent above it.
 */
export class SimHypervisor implements Hypervisor {
  private domains = new Map<string, StoredDomain>();
  private readonly store: JsonStore;

  // Tests count what was applied per operation here: an agent call repeated by a retry must
  // change nothing the second time.
  private readonly onApplied: OnApplied;

  private constructor(file: string, onApplied: OnApplied) {
    this.store = new JsonStore(file);
    this.onApplied = onApplied;
  }

  static async open(file: string, onApplied: OnApplied = () => undefined): Promise<SimHypervisor> {
    const hv = new SimHypervisor(file, onApplied);
    const stored = await readJsonFile(file, StoredState);
    for (const d of stored?.domains ?? []) hv.domains.set(d.name, d);
    return hv;
  }

  private changes = 0;

  /** Moves on every change to a domain (each is persisted right after it is made). */
  get version(): number {
    return this.changes;
  }

  private async persist(): Promise<void> {
    this.changes += 1;
    await this.store.save({ domains: [...this.domains.values()] });
  }

  private must(name: string): StoredDomain {
    const d = this.domains.get(name);
    if (d === undefined) throw new AgentError("NOT_FOUND", `failed to get domain '${name}'`);
    return d;
  }

  private toRecord(d: StoredDomain): DomainRecord {
    return { ...structuredClone(d), image: d.image };
  }

  async list(): Promise<DomainRecord[]> {
    return [...this.domains.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((d) => this.toRecord(d));
  }

  async get(name: string): Promise<DomainRecord | null> {
    const d = this.domains.get(name);
    return d === undefined ? null : this.toRecord(d);
  }

  async define(spec: DefinedSpec): Promise<void> {
    const existing = this.domains.get(spec.name);
    const before = existing === undefined ? null : JSON.stringify(this.toRecord(existing));
    this.domains.set(spec.name, {
      name: spec.name,
      uuid: spec.uuid,
      state: existing?.state ?? "shutoff",
      vcpus: spec.vcpus,
      memoryMiB: spec.memoryMiB,
      ...(spec.image === undefined ? {} : { image: spec.image }),
      config: structuredClone(spec.nics),
      live: existing?.live ?? null,
      ...(spec.hostdevs?.length ? { hostdevs: [...spec.hostdevs] } : {}),
    });
    const after = JSON.stringify(this.toRecord(this.must(spec.name)));
    if (before !== after)
      this.onApplied({ domain: spec.name, kind: before === null ? "define" : "redefine" });
    await this.persist();
  }

  async start(name: string): Promise<void> {
    const d = this.must(name);
    if (d.state === "running")
      throw new AgentError(
        "COMMAND_FAILED",
        `Requested operation is not valid: domain is already running`,
      );
    d.state = "running";
    d.live = structuredClone(d.config);
    this.onApplied({ domain: name, kind: "start" });
    await this.persist();
  }

  async shutdown(name: string): Promise<void> {
    await this.destroy(name);
  }

  async destroy(name: string): Promise<void> {
    const d = this.must(name);
    if (d.state !== "running")
      throw new AgentError(
        "COMMAND_FAILED",
        `Requested operation is not valid: domain is not running`,
      );
    d.state = "shutoff";
    d.live = null;
    this.onApplied({ domain: name, kind: "stop" });
    await this.persist();
  }

  async undefine(name: string): Promise<void> {
    this.must(name);
    this.domains.delete(name);
    this.onApplied({ domain: name, kind: "undefine" });
    await this.persist();
  }

  async attach(name: string, nic: NicSpec, live: boolean): Promise<void> {
    const d = this.must(name);
    const before = JSON.stringify([d.config, d.live]);
    d.config = [...d.config.filter((n) => !sameNic(n, nic)), nic];
    if (live && d.live !== null) d.live = [...d.live.filter((n) => !sameNic(n, nic)), nic];
    if (JSON.stringify([d.config, d.live]) !== before)
      this.onApplied({ domain: name, kind: "attach", nic: nicKey(nic) });
    await this.persist();
  }

  async detach(name: string, nic: NicSpec, live: boolean): Promise<void> {
    const d = this.must(name);
    const before = JSON.stringify([d.config, d.live]);
    d.config = d.config.filter((n) => !sameNic(n, nic));
    if (live && d.live !== null) d.live = d.live.filter((n) => !sameNic(n, nic));
    if (JSON.stringify([d.config, d.live]) !== before)
      this.onApplied({ domain: name, kind: "detach", nic: nicKey(nic) });
    await this.persist();
  }

  /** A host reboot: every domain stops, persistent definitions stay. */
  async powerOffAll(): Promise<void> {
    for (const d of this.domains.values()) {
      d.state = "shutoff";
      d.live = null;
    }
    await this.persist();
  }
}
