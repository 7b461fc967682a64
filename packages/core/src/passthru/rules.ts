import { DomainError, ErrorCode } from "../shared/errors";

// Whole-device PCI passthrough (issue 17): the rules, once. Commands enforce them and pages show
// them as verdicts (shared/verdict.ts), so a button is never offered for what a command refuses.

export interface DeviceFacts {
  pciAddress: string;
  iommuGroup: number | null;
  sriovNumVfs: number | null;
  missing: boolean;
}

/** The PhysicalNic at the device's address, when the device is a NIC's PF. */
export interface PfFacts {
  name: string | null;
  numVfs: number;
  desiredNumVfs: number | null;
}

export interface MarkContext {
  host: { name: string; iommuActive: boolean };
  /** Other functions in the device's IOMMU group, by address. */
  groupPeers: string[];
  pf: PfFacts | null;
  /** L2 networks whose physical interface is this PF (or its bond): the host's own traffic. */
  l2Names: string[];
}

function refuse(code: string, message: string, details: Record<string, unknown>): never {
  throw new DomainError(code, "CONFLICT", message, details);
}

/**
 * Whether an admin may mark a device assignable: it is there, the host's IOMMU is active and
 * gave it a group, it is not split (VFs on, or a split wanted), its group holds nothing else
 * (a group passes through whole: its other functions would leave the host with it), and no L2
 * carries the host's traffic over it.
 */
export function checkMarkAssignable(device: DeviceFacts, ctx: MarkContext): void {
  const at = { pciAddress: device.pciAddress, host: ctx.host.name };
  if (device.missing)
    refuse(
      ErrorCode.PCI_DEVICE_MISSING,
      `${device.pciAddress} is no longer reported by ${ctx.host.name}.`,
      at,
    );
  if (!ctx.host.iommuActive || device.iommuGroup === null)
    throw new DomainError(
      ErrorCode.IOMMU_NOT_READY,
      "CONFLICT",
      `The IOMMU is not active on ${ctx.host.name}: ${device.pciAddress} cannot be passed through.`,
      at,
    );
  const vfs = Math.max(device.sriovNumVfs ?? 0, ctx.pf?.numVfs ?? 0, ctx.pf?.desiredNumVfs ?? 0);
  if (vfs > 0)
    refuse(
      ErrorCode.PCI_DEVICE_SPLIT,
      `${device.pciAddress} is split into VFs: restore it to 0 VFs before passing it through whole.`,
      { ...at, vfs },
    );
  if (ctx.groupPeers.length > 0)
    refuse(
      ErrorCode.IOMMU_GROUP_SHARED,
      `IOMMU group ${device.iommuGroup} of ${device.pciAddress} also holds ${ctx.groupPeers.join(", ")}: a group is passed through whole.`,
      { ...at, iommuGroup: device.iommuGroup, peers: ctx.groupPeers },
    );
  if (ctx.l2Names.length > 0)
    refuse(
      ErrorCode.PCI_DEVICE_IN_USE,
      `${device.pciAddress} carries L2 network(s) ${ctx.l2Names.join(", ")}.`,
      { ...at, l2s: ctx.l2Names },
    );
}

/** An assignable device stays so while any VM is given it: unassign it from them first. */
export function checkUnmarkAssignable(device: { pciAddress: string }, assignedTo: string[]): void {
  if (assignedTo.length > 0)
    refuse(
      ErrorCode.PCI_DEVICE_ASSIGNED,
      `${device.pciAddress} is given to VM(s) ${assignedTo.join(", ")}; take it from them first.`,
      { pciAddress: device.pciAddress, vms: assignedTo },
    );
}

/** The reverse of PCI_DEVICE_SPLIT: a PF marked assignable as a whole is not split. */
export function checkSplitNotAssignable(
  pf: { name: string },
  device: { assignable: boolean } | null,
): void {
  if (device?.assignable === true)
    refuse(
      ErrorCode.PCI_DEVICE_ASSIGNABLE,
      `${pf.name} is marked assignable for passthrough as a whole; unmark it before splitting it.`,
      { pf: pf.name },
    );
}

/**
 * A device may be given to a VM that is stopped, on the device's host, and only when assignable
 * and present. Several stopped VMs may be given one device; only one holds it at a time.
 */
export function checkAssign(
  device: DeviceFacts & { assignable: boolean; hostId: string },
  vm: { name: string; state: string; hostId: string | null },
): void {
  const at = { pciAddress: device.pciAddress, vm: vm.name };
  if (!device.assignable)
    refuse(
      ErrorCode.PCI_DEVICE_NOT_ASSIGNABLE,
      `${device.pciAddress} is not marked assignable.`,
      at,
    );
  if (device.missing)
    refuse(
      ErrorCode.PCI_DEVICE_MISSING,
      `${device.pciAddress} is no longer reported by its host.`,
      at,
    );
  if (vm.hostId !== device.hostId)
    refuse(
      ErrorCode.PCI_DEVICE_UNAVAILABLE,
      `${device.pciAddress} is not on ${vm.name}'s host.`,
      at,
    );
  if (vm.state !== "Stopped")
    refuse(
      ErrorCode.VM_NOT_STOPPED,
      `${vm.name} is ${vm.state}: whole devices are given to stopped VMs.`,
      { ...at, state: vm.state },
    );
}

/**
 * A VM runs on one host, so the whole devices given at its create must all be on one. The create
 * command refuses devices on different hosts, and the create form's picker greys out, with this
 * reason, every device that would break it (creatableChoice).
 */
export function checkDevicesOnOneHost(hosts: ReadonlyArray<{ id: string; name: string }>): void {
  const names = [...new Map(hosts.map((host) => [host.id, host.name])).values()];
  if (names.length > 1)
    throw new DomainError(
      ErrorCode.PCI_DEVICE_UNAVAILABLE,
      "CONFLICT",
      `The chosen devices are on different hosts (${names.join(", ")}); a VM runs on one.`,
      { hosts: names },
    );
}

/** What the create form knows of an assignable device: its host and why it cannot be held now. */
export interface CreatableDeviceFacts {
  pciDeviceId: string;
  pciAddress: string;
  host: { id: string; name: string };
  /** Why a create could not hold it now (unavailableReason, host down or in maintenance). */
  unavailable: string | null;
}

/**
 * Whether the create form may add a device to those already chosen: a create could hold it now,
 * and it is on the host of the chosen ones. A chosen device is judged with the others chosen.
 */
export function checkCreatableChoice(
  device: CreatableDeviceFacts,
  chosen: readonly CreatableDeviceFacts[],
): void {
  if (device.unavailable !== null)
    refuse(ErrorCode.PCI_DEVICE_UNAVAILABLE, `${device.unavailable}.`, {
      pciAddress: device.pciAddress,
    });
  checkDevicesOnOneHost([...chosen.map((d) => d.host), device.host]);
}

/** What stops a start from holding a device it was given; null when it can. */
export function unavailableReason(device: {
  pciAddress: string;
  assignable: boolean;
  missing: boolean;
  holderVm: string | null;
}): string | null {
  if (device.missing) return `${device.pciAddress} is no longer reported by its host`;
  if (!device.assignable) return `${device.pciAddress} is no longer marked assignable`;
  if (device.holderVm !== null) return `${device.pciAddress} is held by VM ${device.holderVm}`;
  return null;
}

/**
 * R9 for whole devices: a passed-through device pins the VM to its host. One sentence for the
 * VM page's verdict and the migrate command (vms/rules migrationVerdict).
 */
export function hostdevMigrationMessage(devices: readonly string[]): string {
  return `The VM has passed-through device(s) ${devices.join(", ")}, which belong to its host: it cannot be migrated, live or cold; take the devices away first.`;
}
