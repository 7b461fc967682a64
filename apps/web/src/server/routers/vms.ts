import * as core from "@virtfn/core";
import { authedProcedure } from "../trpc";
import { rest } from "../rest/route";
import { vmsRouterOutputs } from "./outputs.generated";
import { serviceRouter, signedIn } from "./service-router";

// Every procedure is for signed-in users; core scopes them: tenants see and change only their
// projects' VMs, auditors read everything and change nothing, admins do everything.
export const vmsRouter = serviceRouter("VMs", vmsRouterOutputs, {
  /** Signed in. Tenants: their projects' VMs; admins and auditors: all. */
  list: signedIn({
    route: "GET /vms",
    summary: "List VMs",
    input: core.listVmsInput,
    service: core.listVms,
  }),
  /** Signed in, same visibility as list. NICs with per-NIC capabilities, action verdicts, lastError. */
  get: signedIn({
    route: "GET /vms/:vmId",
    summary: "Get a VM with its NICs",
    input: core.vmIdInput,
    service: core.getVm,
  }),
  /** Project members and admins. Per L3: SR-IOV availability and why not (R3). */
  createOptions: signedIn({
    route: "GET /projects/:projectId/vm-create-options",
    summary: "Offerings, images and L3 networks (with SR-IOV availability) for a new VM",
    input: core.vmCreateOptionsInput,
    service: core.vmCreateOptions,
  }),
  /** Signed in, same visibility as get. A VF NIC's traffic counters and rates (issue 16). */
  nicCounters: signedIn({
    route: "GET /vm-nics/:nicId/vf-counters",
    summary: "Traffic counters of a VF NIC",
    input: core.nicIdInput,
    service: core.nicCounterHistory,
    description:
      "The latest sample and the per-second rates between the stored samples (about half an hour). A counter the PF driver does not keep is null, never 0.",
  }),
  /** Project members and admins. R7: all VFs or nothing; returns the VM and its vm.create operation. */
  create: signedIn({
    route: "POST /vms",
    summary: "Create a VM",
    input: core.createVmInput,
    service: core.createVm,
    longRunning: true,
    description:
      "Each NIC is `{ l3Id, sriov }`; `sriov: true` passes a VF straight to the guest (the L3 and its L2 must have SR-IOV enabled). All VFs are reserved or none (R7).",
  }),
  /** Project members and admins. R8: re-acquires the VM's VFs. */
  start: signedIn({
    route: "POST /vms/:vmId/start",
    summary: "Start a VM",
    input: core.vmIdInput,
    service: core.startVm,
    longRunning: true,
    description: "Re-acquires the VM's VFs (R8).",
  }),
  /** Project members and admins. R8: releases the VM's VFs. */
  stop: signedIn({
    route: "POST /vms/:vmId/stop",
    summary: "Stop a VM",
    input: core.vmIdInput,
    service: core.stopVm,
    longRunning: true,
    description: "Releases the VM's VFs (R8).",
  }),
  /** Project members and admins. */
  reboot: signedIn({
    route: "POST /vms/:vmId/reboot",
    summary: "Reboot a VM",
    input: core.vmIdInput,
    service: core.rebootVm,
    longRunning: true,
  }),
  /** Project members and admins. */
  delete: signedIn({
    route: "DELETE /vms/:vmId",
    summary: "Delete a VM",
    input: core.vmIdInput,
    service: core.deleteVm,
    longRunning: true,
  }),
  /**
   * Project members and admins. R9: refused while running with a VF NIC that is not migratable;
   * with migratable ones, a VF is claimed on the destination for each before it starts (issue 17).
   */
  migrate: signedIn({
    route: "POST /vms/:vmId/migrate",
    summary: "Migrate a VM",
    input: core.migrateVmInput,
    service: core.migrateVm,
    longRunning: true,
    description:
      "Refused while the VM runs with a VF NIC (R9). Without `targetHostId` the scheduler picks a host.",
  }),
  /** Signed in, same visibility as get. Where a stopped VM could move, with each host's reason if not. */
  migrationCandidates: signedIn({
    route: "GET /vms/:vmId/migration-candidates",
    summary: "Hosts a stopped VM could move to, with a reason for each that does not qualify",
    input: core.vmIdInput,
    service: core.migrationCandidates,
  }),
  /** Signed in, same visibility as get. The latest live migration with VF NICs and its phases. */
  migrationProgress: signedIn({
    route: "GET /vms/:vmId/migration",
    summary: "The phases of the VM's last live migration",
    input: core.vmIdInput,
    service: core.migrationProgress,
  }),
  /** Signed in. R9 for storage migration: resolves when allowed, throws the verdict otherwise. */
  checkStorageMigration: authedProcedure
    .meta(
      rest("VMs", "GET /vms/:vmId/storage-migration", "Check whether storage migration is allowed"),
    )
    .input(core.vmIdInput)
    .output(vmsRouterOutputs.checkStorageMigration)
    .query(async ({ ctx, input }) => {
      await core.checkStorageMigration(ctx.db, ctx.actor, input);
      return { allowed: true as const };
    }),
  /** Project members and admins. A VF NIC on a running VM gets its VF now (NO_VF_AVAILABLE otherwise). */
  attachNic: signedIn({
    route: "POST /vms/:vmId/nics",
    summary: "Attach a NIC",
    input: core.attachNicInput,
    service: core.attachNic,
    longRunning: true,
  }),
  /** Project members and admins. */
  detachNic: signedIn({
    route: "DELETE /nics/:nicId",
    summary: "Detach a NIC",
    input: core.nicIdInput,
    service: core.detachNic,
    longRunning: true,
  }),
  /** Project members and admins. R10: only while stopped; R4–R6 when becoming a VF. */
  setNicType: signedIn({
    route: "PUT /nics/:nicId/type",
    summary: "Change a NIC's type (VF or VNIC)",
    input: core.setNicTypeInput,
    service: core.setNicType,
    description: "Only while the VM is stopped (R10).",
  }),
  /** Project members and admins. VF NICs only, while stopped: a virtio failover partner (issue 17). */
  setNicMigratable: signedIn({
    route: "PUT /nics/:nicId/migratable",
    summary: "Mark a VF NIC migratable (a virtio failover partner; VM stopped)",
    input: core.setNicMigratableInput,
    service: core.setNicMigratable,
  }),
  /**
   * Project members and admins. A VF NIC's link state and query_rss; trust only where the L3
   * (or its L2) allows it (issue 16). The host follows at once and the reconciler keeps it so.
   */
  setNicVfPort: signedIn({
    route: "PATCH /nics/:nicId/vf-port",
    summary: "Set a VF NIC's link state, query_rss and trust (where the network allows it)",
    input: core.setNicVfPortInput,
    service: core.setNicVfPort,
  }),
});
