// The domain: rules as pure functions, services as use cases over the database. Routes and
// workers call these and nothing else touches Prisma.
export * from "./shared/errors";
export * from "./shared/db-unavailable";
export * from "./shared/actor";
export { ADDS_TO_EACH_COMMIT } from "./shared/one-statement";
export * from "./shared/pagination";
export * from "./auth/passwords";
export * from "./auth/sessions";
export * from "./operations/kinds";
export * from "./operations/create";
export * from "./operations/lifecycle";
export * from "./operations/progress";
export * from "./operations/progress-figures";
export * from "./operations/queries";
export * from "./operations/audit";
export * from "./hosts/rules";
export * from "./hosts/schemas";
export * from "./hosts/commands";
export * from "./hosts/maintenance";
export * from "./hosts/queries";
export * from "./hosts/sync";
export * from "./inventory/queries";
export * from "./inventory/schemas";
export * from "./inventory/zones";
export * from "./demo/seed";
export * from "./runtime/context";
export * from "./runtime/failures";
export { operationHandlers } from "./operations/handlers";
export { disconnectReason, refreshHost } from "./hosts/operations";
export * from "./hosts/reconcile";
export * from "./hosts/reconcile-claims";
export * from "./sriov/rules";
export * from "./sriov/schemas";
export * from "./sriov/commands";
export * from "./sriov/availability";
export * from "./sriov/queries";
export * from "./sriov/vf-counters";
export { vmDomainName } from "./sriov/holders";
export { reapplyDesiredVfs, reattachVmVfs, type ReapplyOutcome } from "./sriov/reapply";
export * from "./networks/ip";
export * from "./networks/schemas";
export * from "./networks/sriovRules";
export * from "./networks/addressing";
export * from "./networks/l2";
export * from "./networks/l2-clusters";
export * from "./networks/l3";
export * from "./networks/vxlan";
export * from "./catalog/schemas";
export * from "./catalog/catalog";
export * from "./vms/schemas";
export * from "./vms/rules";
export * from "./vms/spec";
export {
  rankHosts,
  placementHosts,
  freeVfsFor,
  type PlacementHost,
  type PlacementDemand,
  type Placement,
} from "./vms/scheduler";
export { createVm, startVm, stopVm, rebootVm, deleteVm, type VmOperation } from "./vms/commands";
export { attachNic, detachNic, setNicType } from "./vms/nics";
export {
  migrateVm,
  checkStorageMigration,
  migrationCandidates,
  type MigrationCandidate,
} from "./vms/migrate";
export {
  setNicMigratable,
  setNicMigratableInput,
  setL3Migratable,
  setL3MigratableInput,
  type SetNicMigratableInput,
  type SetL3MigratableInput,
} from "./vms/migrate-failover";
export {
  migrationProgress,
  migrationSteps,
  type MigrationProgress,
  type MigrationStep,
} from "./vms/migrate-progress";
export { MIGRATION_PHASES } from "./vms/migrate-run";
export { settleStrandedMigrations } from "./vms/migrate-stranded";
export * from "./vms/queries";
export * from "./netservices/schemas";
export * from "./netservices/qos";
export * from "./netservices/securityGroups";
export * from "./netservices/eips";
export * from "./iam/schemas";
export * from "./iam/users";
export * from "./iam/projects";
export * from "./iam/apiKeys";
export * from "./audit/events";
export * from "./iam/idempotency";
export * from "./demo/networks";
export * from "./demo/showcase";
export {
  databaseBusy,
  isTxConflict,
  isTxExpired,
  isTxStartTimeout,
  retryTransaction,
} from "./shared/db-errors";
export {
  judgeHost,
  reserveOnHost,
  placementError,
  tryOrder,
  type CreateDemand,
  type HostReason,
  type HostRefusal,
  type VfNetwork,
  type VfRequest,
} from "./vms/placement";
export * from "./operations/outbox";
export * from "./operations/handoff";
export { nicVfStatus, type NicVfStatus } from "./vms/nics";
export { domainErrorFromDb } from "./shared/db-errors";
export * from "./shared/visibility";
export * from "./auth/throttle";
export * from "./metrics/fleet";
export * from "./runtime/redis-config";
export { compactVfStateCounts, refreshClusterVfCounts } from "./sriov/capacity";
// Fleet rollouts with a disruption budget (issue 14)
export * from "./sriov/fleet-schemas";
export * from "./sriov/fleet-rules";
export * from "./sriov/fleet";
export * from "./sriov/fleet-queries";
export { tickFleetRollout, type FleetTick } from "./sriov/fleet-run";
export { compactRowCounts, rowCounts, type RowCountKind } from "./shared/row-counts";

// The fleet-wide VF search (issue 15).
export * from "./sriov/vf-search";
export * from "./operations/retry";
export * from "./audit/actions";
export * from "./audit/export";
export * from "./sriov/warnings";
// NUMA-aware placement (issue 16)
export { numaNodeFor, numaVerdict } from "./vms/numa";
// Action verdicts for PFs, hosts and networks (issue 15)
export { verdictOf, ALLOWED } from "./shared/verdict";
export * from "./sriov/actions";
export * from "./hosts/actions";
export * from "./networks/actions";
export * from "./shared/can";
// VF port settings (issue 16)
export * from "./vms/vf-port-rules";
export {
  setNicVfPort,
  setNicVfPortInput,
  reconcileHostVfPorts,
  finishVfReleases,
  type SetNicVfPortInput,
  type VfPortRepair,
  type VfPortView,
} from "./vms/vf-ports";
// VF pools (issue 16)
export { createVfPool, deleteVfPool, listVfPools, type VfPoolView } from "./sriov/pools";
export * from "./sriov/pools-schemas";
export * from "./sriov/pools-rules";
export { poolAdmits, type PlacementPool } from "./sriov/pools-placement";
// Whole-device PCI passthrough (issue 17)
export * from "./passthru/rules";
export * from "./passthru/schemas";
export * from "./passthru/commands";
export {
  listCreatablePciDevices,
  listHostPciDevices,
  listVmPciDevices,
  type CreatablePciDevices,
  type HostPciDeviceRow,
  type VmPciDevices,
} from "./passthru/queries";
