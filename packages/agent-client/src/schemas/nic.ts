import { z } from "zod";
import { DomainName, IfName, MacAddress, OperationId, PciAddress, VlanId } from "./common";
import { VfPortObserved } from "./vf-port";

export const VirtualFunction = z.object({
  index: z.number().int().nonnegative(),
  pciAddress: PciAddress,
  /** Host driver bound to the VF (iavf, igbvf, vfio-pci, …), null when unbound. */
  driver: z.string().nullable(),
  /** MAC/VLAN programmed for the domain that holds the VF; null when free. */
  mac: MacAddress.nullable(),
  vlan: VlanId.nullable(),
  domain: DomainName.nullable(),
  /**
   * The VF's port as the PF driver reports it (`ip -d link show <pf>`); null when the PF has no
   * netdev or an older agent omits it. Part of the snapshot, so its digest covers the settings.
   */
  port: VfPortObserved.nullable().default(null),
});
export type VirtualFunction = z.infer<typeof VirtualFunction>;

export const Bond = z.object({ name: IfName, slaves: z.array(IfName) });
export type Bond = z.infer<typeof Bond>;

/**
 * An SR-IOV PF is a PCI function, found by its address. A netdev (name, MAC, link) is optional:
 * an NVMe controller with SR-IOV has none, and those fields are null then.
 */
export const PhysicalNic = z.object({
  name: IfName.nullable(),
  pciAddress: PciAddress,
  vendorId: z.string(),
  deviceId: z.string(),
  model: z.string(),
  driver: z.string().nullable(),
  mac: MacAddress.nullable(),
  linkState: z.enum(["up", "down"]).nullable(),
  speedMbps: z.number().int().positive().nullable(),
  totalVfs: z.number().int().nonnegative(),
  numVfs: z.number().int().nonnegative(),
  sriovCapable: z.boolean(),
  bond: Bond.nullable(),
  vfs: z.array(VirtualFunction),
  /**
   * The NUMA node the PF's PCI device is attached to (its numa_node file); null when the kernel
   * says -1 (no NUMA information) or an older agent omits it.
   */
  numaNode: z.number().int().nonnegative().nullable().default(null),
});
export type PhysicalNic = z.infer<typeof PhysicalNic>;

export const SetVfCountRequest = z.object({
  count: z.number().int().nonnegative(),
  operationId: OperationId,
});
export type SetVfCountRequest = z.infer<typeof SetVfCountRequest>;

export const TaskRef = z.object({ taskId: z.string() });
export type TaskRef = z.infer<typeof TaskRef>;

export const UnbindDriverResponse = z.object({
  pciAddress: PciAddress,
  /** The driver that was unbound; null when nothing was bound (idempotent repeat). */
  driver: z.string().nullable(),
});
export type UnbindDriverResponse = z.infer<typeof UnbindDriverResponse>;
