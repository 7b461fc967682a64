import { verdictOf, type Verdict } from "../shared/verdict";
import {
  checkIdle,
  checkRestoreNeeded,
  checkVfsFreeForResize,
  requireHostConnected,
  requireIommuReady,
  requireSriovCapable,
  vfCountBounds,
  type ActiveOperation,
  type SplitTargetHost,
  type SplitTargetPf,
} from "./rules";

// The PF row's buttons, decided by the same checks splitInTransaction and restoreInTransaction
// run, in the same order, so the page greys out exactly what the command would refuse.

export interface PfActionFacts {
  pf: SplitTargetPf & { desiredNumVfs: number | null };
  host: SplitTargetHost;
  /** The operation running on the PF, or else on its host: either blocks a new one. */
  activeOperation: ActiveOperation | null;
  /** VFs held by VM NICs or about to be (sriov/holders.ts vfsInUseByPf). */
  vfsInUse: number;
}

export interface PfActions {
  /** Split a PF that has no VFs. */
  split: Verdict;
  /** Change the count of a split PF (R12: through 0, so only while no VF is in use). */
  resize: Verdict;
  /** Back to 0 VFs (R11: VMs holding VFs need a forced restore, which the dialog offers). */
  restore: Verdict;
  /** R12's bounds for the count field. */
  vfCount: { min: number; max: number };
}

export function pfActions({ pf, host, activeOperation, vfsInUse }: PfActionFacts): PfActions {
  const splitChecks = () => {
    requireSriovCapable(pf);
    requireHostConnected(host);
    requireIommuReady(host);
  };
  return {
    split: verdictOf(() => {
      splitChecks();
      checkIdle(activeOperation);
    }),
    resize: verdictOf(() => {
      splitChecks();
      if (pf.numVfs > 0) checkVfsFreeForResize(pf, pf.numVfs, vfsInUse);
      checkIdle(activeOperation);
    }),
    restore: verdictOf(() => {
      requireSriovCapable(pf);
      requireHostConnected(host);
      checkRestoreNeeded(pf);
      checkIdle(activeOperation);
    }),
    vfCount: vfCountBounds(pf),
  };
}
