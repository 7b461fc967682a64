import type { VirtualizationState } from "@virtfn/db";
import { iommuReadiness } from "../hosts/rules";
import { DomainError, ErrorCode } from "../shared/errors";

// Split and restore rules as pure functions: the services load the facts, these decide.

export interface SplitTargetPf {
  name: string;
  totalVfs: number;
  numVfs: number;
  virtualizationState: VirtualizationState;
}

export interface SplitTargetHost {
  name: string;
  connectionState: "Connecting" | "Connected" | "Disconnected";
  connectionReason: string | null;
  iommuEnabled: boolean;
  iommuKernelArgSet: boolean;
  iommuActive: boolean;
  rebootRequired: boolean;
}

export function requireSriovCapable(pf: SplitTargetPf): void {
  if (pf.virtualizationState === "NotVirtualizable") {
    throw new DomainError(
      ErrorCode.PF_NOT_SRIOV_CAPABLE,
      "BAD_REQUEST",
      `${pf.name} cannot be split: it has no SR-IOV capability (sriov_totalvfs is ${pf.totalVfs}).`,
      { pf: pf.name, totalVfs: pf.totalVfs },
    );
  }
}

export function requireHostConnected(host: SplitTargetHost): void {
  if (host.connectionState !== "Connected") {
    const why = host.connectionReason ? ` (${host.connectionReason})` : "";
    throw new DomainError(
      ErrorCode.HOST_NOT_CONNECTED,
      "CONFLICT",
      `${host.name} is ${host.connectionState.toLowerCase()}${why}; reconnect it first.`,
      { host: host.name, connectionState: host.connectionState },
    );
  }
}

/** Splitting, and every VF hand-out after it, needs an active IOMMU (domain.md, host readiness). */
export function requireIommuReady(host: SplitTargetHost): void {
  const readiness = iommuReadiness(host);
  if (readiness.state !== "ready") {
    throw new DomainError(
      ErrorCode.IOMMU_NOT_READY,
      "CONFLICT",
      `${host.name} cannot be split yet: ${readiness.message}`,
      { host: host.name, iommu: readiness.state },
    );
  }
}

/** R12: a split count is 1..totalVfs; 0 is a restore, which has its own command. */
export function vfCountBounds(pf: Pick<SplitTargetPf, "totalVfs">): { min: number; max: number } {
  return { min: 1, max: pf.totalVfs };
}

export function checkSplitCount(pf: Pick<SplitTargetPf, "name" | "totalVfs">, count: number): void {
  const { min, max } = vfCountBounds(pf);
  if (!Number.isInteger(count) || count < min || count > max) {
    throw new DomainError(
      ErrorCode.VF_COUNT_OUT_OF_RANGE,
      "BAD_REQUEST",
      `${pf.name} can be split into ${min} to ${max} VFs; ${count} was requested.`,
      { pf: pf.name, min, max, requested: count },
    );
  }
}

export interface ResizePlan {
  from: number;
  to: number;
  /** The kernel refuses non-zero → other non-zero (EBUSY), so the agent writes 0 first. */
  viaZero: boolean;
  /** Whether the change destroys existing VFs, which is only safe when none is in use. */
  destroysVfs: boolean;
}

export function resizePlan(from: number, to: number): ResizePlan {
  return {
    from,
    to,
    viaZero: from > 0 && to > 0 && from !== to,
    destroysVfs: from > 0 && from !== to,
  };
}

/** R12: a change that destroys VFs is refused while any of them is held by a VM NIC. */
export function checkResizeAllowed(
  pf: Pick<SplitTargetPf, "name">,
  plan: ResizePlan,
  vfsInUse: number,
): void {
  if (plan.destroysVfs && plan.to > 0) checkVfsFreeForResize(pf, plan.from, vfsInUse, plan.to);
}

/**
 * R12 before a count is chosen: every resize of a split PF goes through 0, so any VF in use
 * refuses them all. `to` names the requested count in the message when there is one.
 */
export function checkVfsFreeForResize(
  pf: Pick<SplitTargetPf, "name">,
  from: number,
  vfsInUse: number,
  to?: number,
): void {
  if (vfsInUse === 0) return;
  const change =
    to === undefined ? `be resized from ${from} VFs` : `change from ${from} to ${to} VFs`;
  throw new DomainError(
    ErrorCode.VFS_IN_USE,
    "CONFLICT",
    `${pf.name} cannot ${change}: the change goes through 0, which destroys every VF, and ${vfsInUse} of them are in use by VMs.`,
    { pf: pf.name, from, to: to ?? null, vfsInUse },
  );
}

/** A restore sets the count to 0; a PF with none now and none desired has nothing to restore. */
export function checkRestoreNeeded(
  pf: Pick<SplitTargetPf, "name" | "numVfs"> & { desiredNumVfs: number | null },
): void {
  if (pf.numVfs === 0 && !pf.desiredNumVfs) {
    throw new DomainError(
      ErrorCode.PF_NOT_SPLIT,
      "CONFLICT",
      `${pf.name} is not split: it has no VFs to restore.`,
      { pf: pf.name },
    );
  }
}

export interface ActiveOperation {
  id: string;
  kind: string;
  targetName: string;
}

/** One operation at a time per host and per PF: a second one waits for the first to finish. */
export function checkIdle(active: ActiveOperation | null): void {
  if (active) {
    throw new DomainError(
      ErrorCode.OPERATION_IN_PROGRESS,
      "CONFLICT",
      `${active.targetName} is busy with another operation (${active.kind}); wait for it to finish.`,
      { operationId: active.id },
    );
  }
}
export interface VmRef {
  id: string;
  name: string;
}

/** R11: restoring destroys the VFs, so it is refused while VMs hold them, unless forced. */
export function checkRestoreAllowed(
  pf: Pick<SplitTargetPf, "name">,
  vms: VmRef[],
  force: boolean,
): void {
  if (vms.length > 0 && !force) {
    throw new DomainError(
      ErrorCode.VFS_ATTACHED,
      "CONFLICT",
      `${pf.name} cannot be restored: its VFs are attached to ${vms.map((vm) => vm.name).join(", ")}. Force the restore to detach them first.`,
      { pf: pf.name, vms },
    );
  }
}

export interface BondedPf {
  name: string;
  bondName: string | null;
  bondSlaves: string[];
}

/**
 * R13: a bonded PF can be split, but the bond and the VFs then share the port. With more than one
 * slave, VF traffic only follows one of them, so the advice is to split a single slave.
 * `splitSlaves` are the other slaves of the same bond that are already split.
 */
export function splitWarnings(pf: BondedPf, splitSlaves: string[] = []): string[] {
  if (!pf.bondName) return [];
  const warnings: string[] = [];
  const multi = pf.bondSlaves.length > 1;
  warnings.push(
    multi
      ? `${pf.name} is a slave of ${pf.bondName}; with a multi-slave bond split only one slave`
      : `${pf.name} is a slave of ${pf.bondName}; VF traffic bypasses the bond`,
  );
  const others = splitSlaves.filter((name) => name !== pf.name);
  if (others.length > 0) {
    warnings.push(
      `${others.join(", ")} of ${pf.bondName} ${others.length === 1 ? "is" : "are"} already split`,
    );
  }
  return warnings;
}
