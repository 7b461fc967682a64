import type { OperationHandler } from "../runtime/context";
import { connectHost, rebootHost, setIommu } from "../hosts/operations";
import { runFleetRollout } from "../sriov/fleet-run";
import { setVfCount } from "../sriov/operations";
import { syncHostFdb } from "../vms/fdb";
import { syncHostVfPorts } from "../vms/vf-ports";
import { vmOperationHandlers } from "../vms/operations";
import type { OperationKind } from "./kinds";

/** Every operation kind has exactly one handler; the worker looks them up here. */
export const operationHandlers: Record<OperationKind, OperationHandler> = {
  "host.connect": connectHost,
  "host.setIommu": setIommu,
  "host.reboot": rebootHost,
  "pf.split": setVfCount,
  "pf.restore": setVfCount,
  "pf.reapply": setVfCount,
  "host.syncFdb": syncHostFdb,
  "host.syncVfPorts": syncHostVfPorts,
  "fleet.setVfCount": runFleetRollout,
  ...vmOperationHandlers,
};
