import { verdictOf, type Verdict } from "../shared/verdict";
import {
  checkIdle,
  requireHostConnected,
  type ActiveOperation,
  type SplitTargetHost,
} from "../sriov/rules";
import { checkHostDeletable, checkIommuChange, checkMaintenanceChange } from "./rules";

// The host page's buttons, decided by the checks the host commands run (hosts/commands.ts).

export interface HostActionFacts {
  host: SplitTargetHost & { maintenance: boolean };
  /** The operation running on the host itself, if any: a reconnect waits only for that one. */
  hostOperation: ActiveOperation | null;
  /** The operation running on the host or one of its PFs, if any. */
  activeOperation: ActiveOperation | null;
  /** VMs placed on the host. */
  vms: number;
  /** VFs of the host reserved or attached by VMs. */
  vfsInUse: number;
}

export interface HostActions {
  reconnect: Verdict;
  /** Turning IOMMU on, or off when it is on: the page shows one button for the flip. */
  setIommu: Verdict;
  reboot: Verdict;
  delete: Verdict;
  /** Name, agent URL and token, then a re-connect (hosts/commands.ts updateHost). */
  edit: Verdict;
  enterMaintenance: Verdict;
  leaveMaintenance: Verdict;
}

export function hostActions({
  host,
  hostOperation,
  activeOperation,
  vms,
  vfsInUse,
}: HostActionFacts): HostActions {
  return {
    reconnect: verdictOf(() => checkIdle(hostOperation)),
    setIommu: verdictOf(() => {
      requireHostConnected(host);
      checkIommuChange(host, !host.iommuEnabled, vfsInUse);
      checkIdle(activeOperation);
    }),
    reboot: verdictOf(() => {
      requireHostConnected(host);
      checkIdle(activeOperation);
    }),
    delete: verdictOf(() => {
      checkHostDeletable(host, vms);
      checkIdle(activeOperation);
    }),
    // A connect still retrying takes the new settings on its next attempt (updateHost).
    edit: verdictOf(() => {
      if (hostOperation?.kind !== "host.connect") checkIdle(hostOperation);
    }),
    enterMaintenance: verdictOf(() => checkMaintenanceChange(host, true)),
    leaveMaintenance: verdictOf(() => checkMaintenanceChange(host, false)),
  };
}
