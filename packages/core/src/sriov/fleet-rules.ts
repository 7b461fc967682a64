import { isDomainError } from "../shared/errors";
import {
  checkResizeAllowed,
  checkSplitCount,
  requireHostConnected,
  requireIommuReady,
  requireSriovCapable,
  resizePlan,
  checkRestoreAllowed,
  type SplitTargetHost,
  type SplitTargetPf,
  type VmRef,
} from "./rules";

// Fleet rollouts as pure functions: the budget a cluster gets, and whether a PF may take part.

/**
 * The hosts of one cluster that may be in flight at once. A percentage is of the cluster's hosts
 * (all of them: the disruption is to the cluster's capacity) and rounds up, so a cluster with
 * hosts always gets at least 1; a number is taken as given.
 */
export function resolveBudget(spec: string, clusterHosts: number): number {
  if (spec.endsWith("%")) {
    const percent = Number(spec.slice(0, -1));
    return Math.max(1, Math.ceil((clusterHosts * percent) / 100));
  }
  return Math.max(1, Number(spec));
}

export interface FleetRefusal {
  code: string;
  message: string;
}

export interface FleetPfFacts {
  pf: SplitTargetPf;
  host: SplitTargetHost;
  /** VFs of the PF held or about to be held by VM NICs. */
  vfsInUse: number;
  /** Restore only: the VMs holding them (R11 names them). */
  holders: VmRef[];
}

export type FleetAction =
  { action: "split"; count: number } | { action: "restore"; force: boolean };

/**
 * The checks splitPhysicalNic / restorePhysicalNic make, for one PF of a fleet rollout, as a
 * verdict: null when it may go, else the refusal the single-PF request would have answered.
 */
export function fleetPfRefusal(facts: FleetPfFacts, action: FleetAction): FleetRefusal | null {
  try {
    requireSriovCapable(facts.pf);
    requireHostConnected(facts.host);
    if (action.action === "split") {
      requireIommuReady(facts.host);
      checkSplitCount(facts.pf, action.count);
      checkResizeAllowed(facts.pf, resizePlan(facts.pf.numVfs, action.count), facts.vfsInUse);
    } else {
      checkRestoreAllowed(facts.pf, facts.holders, action.force);
    }
    return null;
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, message: error.message };
    throw error;
  }
}
