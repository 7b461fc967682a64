import type { DomainSpec, DomainState, NicSpec } from "@virtfn/agent-client";

/** A domain as the hypervisor holds it: the persistent config, and the live devices while running. */
export interface DomainRecord {
  name: string;
  uuid: string;
  state: DomainState;
  vcpus: number;
  memoryMiB: number;
  image: string | undefined;
  config: NicSpec[];
  /** null while shut off. */
  live: NicSpec[] | null;
  /** Whole PCI devices passed through (issue 17); absent means none. */
  hostdevs?: string[];
}

export type DefinedSpec = DomainSpec & { uuid: string };

/**
 * The hypervisor without policy: virsh on a host, an in-memory libvirt in the sim. Rules such as
 * "a VF belongs to one domain" live in the agent above this, so both implementations get them.
 */
export interface Hypervisor {
  list(): Promise<DomainRecord[]>;
  get(name: string): Promise<DomainRecord | null>;
  /** Creates the domain or replaces its persistent config. */
  define(spec: DefinedSpec): Promise<void>;
  start(name: string): Promise<void>;
  /** Graceful: asks the guest to power off and waits until it has. */
  shutdown(name: string): Promise<void>;
  destroy(name: string): Promise<void>;
  undefine(name: string): Promise<void>;
  /** live=true changes the running domain and its config; false only the config. */
  attach(name: string, nic: NicSpec, live: boolean): Promise<void>;
  detach(name: string, nic: NicSpec, live: boolean): Promise<void>;
}

export function recordToSpec(record: DomainRecord): DefinedSpec {
  return {
    name: record.name,
    uuid: record.uuid,
    vcpus: record.vcpus,
    memoryMiB: record.memoryMiB,
    ...(record.image === undefined ? {} : { image: record.image }),
    nics: record.config,
    ...(record.hostdevs?.length ? { hostdevs: record.hostdevs } : {}),
  };
}

/** The same device: a VF by its PCI address, a vNIC by its MAC (a VF's failover partner shares it). */
export function sameNic(a: NicSpec, b: NicSpec): boolean {
  if (a.type === "vf" && b.type === "vf") return a.pciAddress === b.pciAddress;
  return a.type === b.type && a.mac === b.mac;
}
