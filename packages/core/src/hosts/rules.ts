import type { VirtualizationState } from "@virtfn/db";
import { DomainError, ErrorCode } from "../shared/errors";

/** domain.md: NotVirtualizable without SR-IOV or totalVfs = 0; Virtualized once split. */
export function virtualizationStateOf(pf: {
  sriovCapable: boolean;
  totalVfs: number;
  numVfs: number;
}): VirtualizationState {
  if (!pf.sriovCapable || pf.totalVfs === 0) return "NotVirtualizable";
  return pf.numVfs > 0 ? "Virtualized" : "Virtualizable";
}

export type IommuReadiness =
  | { state: "ready"; message: string }
  | { state: "disabled"; message: string }
  | { state: "rebootRequired"; message: string }
  | { state: "biosDisabled"; message: string };

/**
 * IOMMU ready is observed, never assumed: only an active IOMMU lets the host split PFs and take
 * VF NICs. Enabled-but-not-active means either a pending reboot or VT-d/AMD-Vi off in the BIOS.
 */
export function iommuReadiness(host: {
  iommuEnabled: boolean;
  iommuKernelArgSet: boolean;
  iommuActive: boolean;
  rebootRequired: boolean;
}): IommuReadiness {
  if (host.iommuActive) return { state: "ready", message: "IOMMU is active." };
  if (!host.iommuEnabled && !host.iommuKernelArgSet) {
    return { state: "disabled", message: "IOMMU is off. Enable it, then reboot the host." };
  }
  if (host.rebootRequired || !host.iommuKernelArgSet) {
    return {
      state: "rebootRequired",
      message: "IOMMU is enabled but not active yet: reboot the host to apply the kernel argument.",
    };
  }
  return {
    state: "biosDisabled",
    message:
      "The kernel argument is set and the host has rebooted, but IOMMU is not active: turn on VT-d / AMD-Vi in the BIOS.",
  };
}

/** How a PF is named in messages: its netdev, or its PCI address when it has none. */
export function pfLabel(pf: { name: string | null; pciAddress: string }): string {
  return pf.name ?? pf.pciAddress;
}

export type PfL2Carriage =
  { canCarryL2: true; message: null } | { canCarryL2: false; message: string };

/**
 * An L2 names its physical interface, so only a PF with a netdev can carry one. An SR-IOV
 * function without a netdev (an NVMe controller) is still discovered and can be split.
 */
export function pfL2Carriage(pf: { name: string | null; pciAddress: string }): PfL2Carriage {
  if (pf.name !== null) return { canCarryL2: true, message: null };
  return {
    canCarryL2: false,
    message: `${pf.pciAddress} has no network interface, so it cannot carry an L2 network.`,
  };
}

/** A host still running VMs cannot be forgotten: their VFs and placements would dangle. */
export function checkHostDeletable(host: { name: string }, vms: number): void {
  if (vms > 0) {
    throw new DomainError(
      ErrorCode.HOST_IN_USE,
      "CONFLICT",
      `${host.name} still runs ${vms} VM(s); migrate or delete them first.`,
      { vms },
    );
  }
}

/** VF NICs need the IOMMU: it cannot be turned off under VFs that VMs hold. */
export function checkIommuChange(host: { name: string }, enable: boolean, vfsInUse: number): void {
  if (!enable && vfsInUse > 0) {
    throw new DomainError(
      ErrorCode.HOST_IN_USE,
      "CONFLICT",
      `IOMMU cannot be turned off on ${host.name}: ${vfsInUse} VF(s) are in use by VMs.`,
      { attached: vfsInUse },
    );
  }
}

/** Why a host in maintenance takes no new VM, in words (placement's per-host reason). */
export const MAINTENANCE_REASON = "it is in maintenance";

/**
 * Maintenance: no new placements on the host (creates, starts, moves). VMs already on it keep
 * running and can be stopped, moved away or deleted; PF splits and restores stay allowed, so the
 * admin can repair the host while it takes no new work.
 */
export function checkAcceptsPlacements(host: { name: string; maintenance: boolean }): void {
  if (host.maintenance) {
    throw new DomainError(
      ErrorCode.HOST_IN_MAINTENANCE,
      "CONFLICT",
      `${host.name} is in maintenance: it takes no new VMs until an admin takes it out of maintenance.`,
      { host: host.name },
    );
  }
}

/** Entering maintenance on a host already in it (or leaving on one that is not) changes nothing. */
export function checkMaintenanceChange(
  host: { name: string; maintenance: boolean },
  enter: boolean,
): void {
  if (host.maintenance === enter) {
    throw new DomainError(
      ErrorCode.HOST_MAINTENANCE_UNCHANGED,
      "CONFLICT",
      enter ? `${host.name} is already in maintenance.` : `${host.name} is not in maintenance.`,
      { host: host.name, maintenance: host.maintenance },
    );
  }
}
