import type { L2Type } from "@virtfn/db";
import { DomainError, ErrorCode } from "../shared/errors";

// R1, R2 and R16 as pure functions. The services load the counts; these decide. The *State
// helpers give the UI the same answer ahead of time (a greyed-out checkbox with its reason).

export interface L2Facts {
  name: string;
  type: L2Type;
  sriovEnabled: boolean;
}

export interface ToggleState {
  allowed: boolean;
  reason: string | null;
}

function vxlanRefusal(what: string, l2Name: string): DomainError {
  return new DomainError(
    ErrorCode.SRIOV_NOT_ALLOWED_ON_VXLAN,
    "BAD_REQUEST",
    `SR-IOV cannot be enabled on ${what}: ${l2Name} is a VXLAN L2, and VF traffic bypasses the host's VXLAN tunnel.`,
    { l2: l2Name },
  );
}

/** R1 at create and at update. */
export function checkL2SriovAllowed(l2: Pick<L2Facts, "name" | "type">, enable: boolean): void {
  if (enable && l2.type === "Vxlan") throw vxlanRefusal(`L2 ${l2.name}`, l2.name);
}

export interface L2SriovUsage {
  /** Names of the L2's L3s that have SR-IOV on. */
  sriovL3s: string[];
  /** VF NICs on the L2's L3s. */
  vfNics: number;
}

/** R1 and R2: turning SR-IOV on (not on VXLAN) or off (not while L3s or VF NICs use it). */
export function checkL2SriovChange(l2: L2Facts, enable: boolean, usage: L2SriovUsage): void {
  if (enable === l2.sriovEnabled) return;
  checkL2SriovAllowed(l2, enable);
  if (enable) return;
  if (usage.sriovL3s.length > 0 || usage.vfNics > 0) {
    const parts = [
      usage.sriovL3s.length > 0 ? `L3 networks ${usage.sriovL3s.join(", ")} have SR-IOV on` : null,
      usage.vfNics > 0 ? `${usage.vfNics} VF NIC(s) are on it` : null,
    ].filter((part): part is string => part !== null);
    throw new DomainError(
      ErrorCode.SRIOV_IN_USE,
      "CONFLICT",
      `SR-IOV cannot be turned off on ${l2.name}: ${parts.join(" and ")}.`,
      { l2: l2.name, sriovL3s: usage.sriovL3s, vfNics: usage.vfNics },
    );
  }
}

/** R1 for an L3 on a VXLAN L2, R2: an L3 can enable SR-IOV only if its L2 has. */
export function checkL3SriovAllowed(l2: L2Facts, l3Name: string, enable: boolean): void {
  if (!enable) return;
  if (l2.type === "Vxlan") throw vxlanRefusal(`L3 ${l3Name}`, l2.name);
  if (!l2.sriovEnabled) {
    throw new DomainError(
      ErrorCode.L2_SRIOV_DISABLED,
      "BAD_REQUEST",
      `SR-IOV cannot be enabled on L3 ${l3Name}: its L2 ${l2.name} does not have SR-IOV enabled.`,
      { l2: l2.name, l3: l3Name },
    );
  }
}

/**
 * Issue 17: an L3's SR-IOV profile is made migratable only with SR-IOV on the L3 and its L2;
 * without it the L3 has no VF NICs to give a failover partner. Turning it off is always allowed.
 */
export function checkL3MigratableAllowed(
  l3: { name: string; sriovEnabled: boolean; l2: { sriovEnabled: boolean } },
  migratable: boolean,
): void {
  if (!migratable || (l3.sriovEnabled && l3.l2.sriovEnabled)) return;
  throw new DomainError(
    ErrorCode.L3_SRIOV_DISABLED,
    "BAD_REQUEST",
    `L3 ${l3.name} has no SR-IOV, so it has no VF NICs to make migratable; enable SR-IOV first.`,
    { l3: l3.name },
  );
}

/** An L3 with VF NICs keeps SR-IOV: the NICs would otherwise sit on a network that forbids them. */
export function checkL3SriovOff(l3Name: string, vfNics: number): void {
  if (vfNics > 0) {
    throw new DomainError(
      ErrorCode.SRIOV_IN_USE,
      "CONFLICT",
      `SR-IOV cannot be turned off on L3 ${l3Name}: ${vfNics} VF NIC(s) are on it.`,
      { l3: l3Name, vfNics },
    );
  }
}

/** R16: an L2 with L3s cannot be deleted. */
export function checkL2Deletable(l2Name: string, l3Names: string[]): void {
  if (l3Names.length > 0) {
    throw new DomainError(
      ErrorCode.NETWORK_IN_USE,
      "CONFLICT",
      `L2 ${l2Name} cannot be deleted: L3 networks ${l3Names.join(", ")} are on it. Delete them first.`,
      { l2: l2Name, l3s: l3Names },
    );
  }
}

/** R16: an L3 with NICs (or EIPs drawn from it) cannot be deleted. */
export function checkL3Deletable(l3Name: string, usage: { nics: number; eips: number }): void {
  if (usage.nics > 0 || usage.eips > 0) {
    const parts = [
      usage.nics > 0 ? `${usage.nics} NIC(s)` : null,
      usage.eips > 0 ? `${usage.eips} EIP(s)` : null,
    ].filter((part): part is string => part !== null);
    throw new DomainError(
      ErrorCode.NETWORK_IN_USE,
      "CONFLICT",
      `L3 ${l3Name} cannot be deleted: ${parts.join(" and ")} use it.`,
      { l3: l3Name, ...usage },
    );
  }
}

/** For the L2 form: can "Enable SR-IOV" be ticked for this type? */
export function l2SriovToggleState(type: L2Type): ToggleState {
  return type === "Vxlan"
    ? {
        allowed: false,
        reason:
          "VXLAN L2 networks cannot enable SR-IOV: VF traffic bypasses the host's VXLAN tunnel.",
      }
    : { allowed: true, reason: null };
}

/** For the L3 form: can "Enable SR-IOV" be ticked on an L3 of this L2? */
export function l3SriovToggleState(l2: L2Facts): ToggleState {
  if (l2.type === "Vxlan")
    return {
      allowed: false,
      reason: `${l2.name} is a VXLAN L2; VXLAN networks cannot enable SR-IOV.`,
    };
  if (!l2.sriovEnabled)
    return { allowed: false, reason: `SR-IOV is not enabled on its L2 ${l2.name}.` };
  return { allowed: true, reason: null };
}
