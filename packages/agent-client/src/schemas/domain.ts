import { z } from "zod";
import { DomainName, IfName, MacAddress, PciAddress, Uuid, VlanId } from "./common";
import { VfPortSettings } from "./vf-port";

export const VnicKind = z.enum(["bridge", "macvtap"]);
export type VnicKind = z.infer<typeof VnicKind>;

export const VnicModel = z.enum(["virtio", "e1000"]);
export type VnicModel = z.infer<typeof VnicModel>;

/** vhost multi-queue goes up to 8 (seed 004); queues only make sense for virtio. */
export const Queues = z.number().int().min(1).max(8);

/** A libvirt user alias (`ua-` prefix), the name a teaming element refers to. */
export const DeviceAlias = z
  .string()
  .regex(/^ua-[A-Za-z0-9_-]{1,60}$/, "expected a user alias like ua-net0");
export type DeviceAlias = z.infer<typeof DeviceAlias>;

/**
 * The guest's net_failover pair (libvirt `<teaming>`): a virtio NIC marked persistent and a VF
 * marked transient, both with the same MAC. The VF can be unplugged while the virtio NIC carries
 * the traffic, which is what lets a VM with a VF NIC live-migrate.
 */
export const VfTeaming = z.object({
  type: z.literal("transient"),
  /** The alias of the persistent virtio partner. */
  persistent: DeviceAlias,
});
export const VnicTeaming = z.object({ type: z.literal("persistent") });

export const VfNicSpec = z.object({
  type: z.literal("vf"),
  mac: MacAddress,
  pciAddress: PciAddress,
  vlan: VlanId.optional(),
  alias: DeviceAlias.optional(),
  teaming: VfTeaming.optional(),
  /** Port settings the agent applies with `ip link set` once the VF is in the domain. */
  port: VfPortSettings.optional(),
});
export type VfNicSpec = z.infer<typeof VfNicSpec>;

export const VnicSpec = z.object({
  type: z.literal("vnic"),
  mac: MacAddress,
  kind: VnicKind,
  /** Bridge name for kind=bridge, the PF netdev for kind=macvtap. */
  source: IfName,
  model: VnicModel,
  queues: Queues.optional(),
  vlan: VlanId.optional(),
  alias: DeviceAlias.optional(),
  /** Persistent: the failover partner of a VF (same MAC) that carries traffic while it is unplugged. */
  teaming: VnicTeaming.optional(),
});
export type VnicSpec = z.infer<typeof VnicSpec>;

export const NicSpec = z.discriminatedUnion("type", [VfNicSpec, VnicSpec]);
export type NicSpec = z.infer<typeof NicSpec>;

export const DomainSpec = z.object({
  name: DomainName,
  uuid: Uuid.optional(),
  vcpus: z.number().int().min(1).max(512),
  memoryMiB: z.number().int().min(16),
  /** Path of the boot disk image on the host. */
  image: z.string().min(1).optional(),
  nics: z.array(NicSpec),
  /** Whole PCI devices passed through (`<hostdev mode='subsystem' type='pci' managed='yes'>`). */
  hostdevs: z.array(PciAddress).optional(),
});
export type DomainSpec = z.infer<typeof DomainSpec>;

export const DomainState = z.enum(["running", "shutoff"]);
export type DomainState = z.infer<typeof DomainState>;

export const DomainInfo = z.object({
  name: DomainName,
  uuid: Uuid,
  state: DomainState,
  vcpus: z.number().int(),
  memoryMiB: z.number().int(),
  nics: z.array(NicSpec),
  hostdevs: z.array(PciAddress).optional(),
});
export type DomainInfo = z.infer<typeof DomainInfo>;

export const AttachVfRequest = z.object({
  mac: MacAddress,
  pciAddress: PciAddress,
  vlan: VlanId.optional(),
  alias: DeviceAlias.optional(),
  /** Plug the VF as the transient half of a failover pair whose virtio half is in the domain. */
  teaming: VfTeaming.optional(),
  port: VfPortSettings.optional(),
  /** true: hot-plug into the running domain and its config; false: config only. */
  live: z.boolean(),
});
export type AttachVfRequest = z.infer<typeof AttachVfRequest>;

export const DetachVfRequest = z.object({ pciAddress: PciAddress, live: z.boolean() });
export type DetachVfRequest = z.infer<typeof DetachVfRequest>;

export const AttachVnicRequest = VnicSpec.omit({ type: true });
export type AttachVnicRequest = z.infer<typeof AttachVnicRequest>;

export const DetachVnicRequest = z.object({ mac: MacAddress });
export type DetachVnicRequest = z.infer<typeof DetachVnicRequest>;

export const MigrateRequest = z.object({
  targetBaseUrl: z.url(),
  targetToken: z.string().min(1),
  live: z.boolean(),
});
export type MigrateRequest = z.infer<typeof MigrateRequest>;

export const MigrateResponse = z.object({
  name: DomainName,
  state: DomainState,
  /** VF NICs of a shut-off domain stay behind: their PCI addresses mean nothing on the target. */
  droppedVfs: z.array(PciAddress),
});
export type MigrateResponse = z.infer<typeof MigrateResponse>;

/** Sent agent-to-agent by the source of a sim migration. */
export const IncomingMigrationRequest = z.object({ spec: DomainSpec, start: z.boolean() });
export type IncomingMigrationRequest = z.infer<typeof IncomingMigrationRequest>;

/**
 * Sim hosts only: make the next `times` calls of an agent operation fail with `code`, as a host
 * whose libvirt refuses would (a hot-plug the guest does not acknowledge, a migration that
 * breaks off). The Linux backend answers UNSUPPORTED.
 */
export const FaultableCall = z.enum(["attachVf", "detachVf", "migrateDomain", "setVfPort"]);
export type FaultableCall = z.infer<typeof FaultableCall>;
export const InjectFaultRequest = z.object({
  call: FaultableCall,
  /** How many calls pass before the first failure (0: the next call fails). */
  after: z.number().int().min(0).max(100).default(0),
  times: z.number().int().min(0).max(100),
  code: z.enum(["COMMAND_FAILED", "DEVICE_BUSY", "MIGRATION_FAILED"]).default("COMMAND_FAILED"),
});
export type InjectFaultRequest = z.infer<typeof InjectFaultRequest>;
