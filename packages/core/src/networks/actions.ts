import { ALLOWED, verdictOf, type Verdict } from "../shared/verdict";
import {
  checkL2Deletable,
  checkL2SriovChange,
  checkL3Deletable,
  checkL3MigratableAllowed,
  checkL3SriovAllowed,
  checkL3SriovOff,
  type L2Facts,
  type L2SriovUsage,
} from "./sriovRules";

// The L2 and L3 pages' buttons, decided by the checks updateL2Network, deleteL2Network,
// updateL3Network and deleteL3Network run (R1, R2, R16).

export interface NetworkActions {
  /** Name and description: no rule limits them. */
  edit: Verdict;
  delete: Verdict;
  enableSriov: Verdict;
  disableSriov: Verdict;
}

export interface L2ActionFacts extends L2SriovUsage {
  l2: L2Facts;
  /** The names of the L2's L3s (the first few are enough to name them in the reason). */
  l3Names: string[];
}

export function l2Actions({ l2, l3Names, sriovL3s, vfNics }: L2ActionFacts): NetworkActions {
  const usage = { sriovL3s, vfNics };
  return {
    edit: ALLOWED,
    delete: verdictOf(() => checkL2Deletable(l2.name, l3Names)),
    enableSriov: verdictOf(() => checkL2SriovChange({ ...l2, sriovEnabled: false }, true, usage)),
    disableSriov: verdictOf(() => checkL2SriovChange({ ...l2, sriovEnabled: true }, false, usage)),
  };
}

export interface L3ActionFacts {
  name: string;
  sriovEnabled: boolean;
  l2: L2Facts;
  nics: number;
  vfNics: number;
  eips: number;
}

export interface L3Actions extends NetworkActions {
  /** Its SR-IOV profile made migratable (issue 17); making it not migratable is always allowed. */
  makeMigratable: Verdict;
}

export function l3Actions({
  name,
  sriovEnabled,
  l2,
  nics,
  vfNics,
  eips,
}: L3ActionFacts): L3Actions {
  return {
    edit: ALLOWED,
    delete: verdictOf(() => checkL3Deletable(name, { nics, eips })),
    enableSriov: verdictOf(() => checkL3SriovAllowed(l2, name, true)),
    disableSriov: verdictOf(() => checkL3SriovOff(name, vfNics)),
    makeMigratable: verdictOf(() => checkL3MigratableAllowed({ name, sriovEnabled, l2 }, true)),
  };
}
