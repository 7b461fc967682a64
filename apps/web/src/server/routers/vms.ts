import {
  attachNic,
  attachNicInput,
  checkStorageMigration,
  createVm,
  createVmInput,
  deleteVm,
  detachNic,
  getVm,
  listVms,
  listVmsInput,
  migrateVm,
  migrateVmInput,
  migrationCandidates,
  migrationProgress,
  nicCounterHistory,
  nicIdInput,
  rebootVm,
  setNicMigratable,
  setNicMigratableInput,
  setNicType,
  setNicTypeInput,
  setNicVfPort,
  setNicVfPortInput,
  startVm,
  stopVm,
  vmCreateOptions,
  vmCreateOptionsInput,
  vmIdInput,
} from "@virtfn/core";
import { authedProcedure, router } from "../trpc";
import { vmsRouterOutputs } from "./outputs.generated";

// Every procedure is for signed-in users; core scopes them: tenants see and change only their
// projects' VMs, auditors read everything and change nothing, admins do everything.
export const vmsRouter = router({
  /** Signed in. Tenants: their projects' VMs; admins and auditors: all. */
  list: authedProcedure
    .meta({ rest: { route: "GET /vms", tag: "VMs", summary: "List VMs" } })
    .input(listVmsInput)
    .output(vmsRouterOutputs.list)
    .query(({ ctx, input }) => listVms(ctx.db, ctx.actor, input)),
  /** Signed in, same visibility as list. NICs with per-NIC capabilities, action verdicts, lastError. */
  get: authedProcedure
    .meta({ rest: { route: "GET /vms/:vmId", tag: "VMs", summary: "Get a VM with its NICs" } })
    .input(vmIdInput)
    .output(vmsRouterOutputs.get)
    .query(({ ctx, input }) => getVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. Per L3: SR-IOV availability and why not (R3). */
  createOptions: authedProcedure
    .meta({
      rest: {
        route: "GET /projects/:projectId/vm-create-options",
        tag: "VMs",
        summary: "Offerings, images and L3 networks (with SR-IOV availability) for a new VM",
      },
    })
    .input(vmCreateOptionsInput)
    .output(vmsRouterOutputs.createOptions)
    .query(({ ctx, input }) => vmCreateOptions(ctx.db, ctx.actor, input)),
  /** Signed in, same visibility as get. A VF NIC's traffic counters and rates (issue 16). */
  nicCounters: authedProcedure
    .meta({
      rest: {
        route: "GET /vm-nics/:nicId/vf-counters",
        tag: "VMs",
        summary: "Traffic counters of a VF NIC",
        description:
          "The latest sample and the per-second rates between the stored samples (about half an hour). A counter the PF driver does not keep is null, never 0.",
      },
    })
    .input(nicIdInput)
    .output(vmsRouterOutputs.nicCounters)
    .query(({ ctx, input }) => nicCounterHistory(ctx.db, ctx.actor, input)),
  /** Project members and admins. R7: all VFs or nothing; returns the VM and its vm.create operation. */
  create: authedProcedure
    .meta({
      rest: {
        route: "POST /vms",
        tag: "VMs",
        summary: "Create a VM",
        longRunning: true,
        description:
          "Each NIC is `{ l3Id, sriov }`; `sriov: true` passes a VF straight to the guest (the L3 and its L2 must have SR-IOV enabled). All VFs are reserved or none (R7).",
      },
    })
    .input(createVmInput)
    .output(vmsRouterOutputs.create)
    .mutation(({ ctx, input }) => createVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. R8: re-acquires the VM's VFs. */
  start: authedProcedure
    .meta({
      rest: {
        route: "POST /vms/:vmId/start",
        tag: "VMs",
        summary: "Start a VM",
        longRunning: true,
        description: "Re-acquires the VM's VFs (R8).",
      },
    })
    .input(vmIdInput)
    .output(vmsRouterOutputs.start)
    .mutation(({ ctx, input }) => startVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. R8: releases the VM's VFs. */
  stop: authedProcedure
    .meta({
      rest: {
        route: "POST /vms/:vmId/stop",
        tag: "VMs",
        summary: "Stop a VM",
        longRunning: true,
        description: "Releases the VM's VFs (R8).",
      },
    })
    .input(vmIdInput)
    .output(vmsRouterOutputs.stop)
    .mutation(({ ctx, input }) => stopVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  reboot: authedProcedure
    .meta({
      rest: {
        route: "POST /vms/:vmId/reboot",
        tag: "VMs",
        summary: "Reboot a VM",
        longRunning: true,
      },
    })
    .input(vmIdInput)
    .output(vmsRouterOutputs.reboot)
    .mutation(({ ctx, input }) => rebootVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  delete: authedProcedure
    .meta({
      rest: { route: "DELETE /vms/:vmId", tag: "VMs", summary: "Delete a VM", longRunning: true },
    })
    .input(vmIdInput)
    .output(vmsRouterOutputs.delete)
    .mutation(({ ctx, input }) => deleteVm(ctx.db, ctx.actor, input)),
  /**
   * Project members and admins. R9: refused while running with a VF NIC that is not migratable;
   * with migratable ones, a VF is claimed on the destination for each before it starts (issue 17).
   */
  migrate: authedProcedure
    .meta({
      rest: {
        route: "POST /vms/:vmId/migrate",
        tag: "VMs",
        summary: "Migrate a VM",
        longRunning: true,
        description:
          "Refused while the VM runs with a VF NIC (R9). Without `targetHostId` the scheduler picks a host.",
      },
    })
    .input(migrateVmInput)
    .output(vmsRouterOutputs.migrate)
    .mutation(({ ctx, input }) => migrateVm(ctx.db, ctx.actor, input)),
  /** Signed in, same visibility as get. Where a stopped VM could move, with each host's reason if not. */
  migrationCandidates: authedProcedure
    .meta({
      rest: {
        route: "GET /vms/:vmId/migration-candidates",
        tag: "VMs",
        summary: "Hosts a stopped VM could move to, with a reason for each that does not qualify",
      },
    })
    .input(vmIdInput)
    .output(vmsRouterOutputs.migrationCandidates)
    .query(({ ctx, input }) => migrationCandidates(ctx.db, ctx.actor, input)),
  /** Signed in, same visibility as get. The latest live migration with VF NICs and its phases. */
  migrationProgress: authedProcedure
    .meta({
      rest: {
        route: "GET /vms/:vmId/migration",
        tag: "VMs",
        summary: "The phases of the VM's last live migration",
      },
    })
    .input(vmIdInput)
    .output(vmsRouterOutputs.migrationProgress)
    .query(({ ctx, input }) => migrationProgress(ctx.db, ctx.actor, input)),
  /** Signed in. R9 for storage migration: resolves when allowed, throws the verdict otherwise. */
  checkStorageMigration: authedProcedure
    .meta({
      rest: {
        route: "GET /vms/:vmId/storage-migration",
        tag: "VMs",
        summary: "Check whether storage migration is allowed",
      },
    })
    .input(vmIdInput)
    .output(vmsRouterOutputs.checkStorageMigration)
    .query(async ({ ctx, input }) => {
      await checkStorageMigration(ctx.db, ctx.actor, input);
      return { allowed: true as const };
    }),
  /** Project members and admins. A VF NIC on a running VM gets its VF now (NO_VF_AVAILABLE otherwise). */
  attachNic: authedProcedure
    .meta({
      rest: {
        route: "POST /vms/:vmId/nics",
        tag: "VMs",
        summary: "Attach a NIC",
        longRunning: true,
      },
    })
    .input(attachNicInput)
    .output(vmsRouterOutputs.attachNic)
    .mutation(({ ctx, input }) => attachNic(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  detachNic: authedProcedure
    .meta({
      rest: {
        route: "DELETE /nics/:nicId",
        tag: "VMs",
        summary: "Detach a NIC",
        longRunning: true,
      },
    })
    .input(nicIdInput)
    .output(vmsRouterOutputs.detachNic)
    .mutation(({ ctx, input }) => detachNic(ctx.db, ctx.actor, input)),
  /** Project members and admins. R10: only while stopped; R4–R6 when becoming a VF. */
  setNicType: authedProcedure
    .meta({
      rest: {
        route: "PUT /nics/:nicId/type",
        tag: "VMs",
        summary: "Change a NIC's type (VF or VNIC)",
        description: "Only while the VM is stopped (R10).",
      },
    })
    .input(setNicTypeInput)
    .output(vmsRouterOutputs.setNicType)
    .mutation(({ ctx, input }) => setNicType(ctx.db, ctx.actor, input)),
  /** Project members and admins. VF NICs only, while stopped: a virtio failover partner (issue 17). */
  setNicMigratable: authedProcedure
    .meta({
      rest: {
        route: "PUT /nics/:nicId/migratable",
        tag: "VMs",
        summary: "Mark a VF NIC migratable (a virtio failover partner; VM stopped)",
      },
    })
    .input(setNicMigratableInput)
    .output(vmsRouterOutputs.setNicMigratable)
    .mutation(({ ctx, input }) => setNicMigratable(ctx.db, ctx.actor, input)),
  /**
   * Project members and admins. A VF NIC's link state and query_rss; trust only where the L3
   * (or its L2) allows it (issue 16). The host follows at once and the reconciler keeps it so.
   */
  setNicVfPort: authedProcedure
    .meta({
      rest: {
        route: "PATCH /nics/:nicId/vf-port",
        tag: "VMs",
        summary: "Set a VF NIC's link state, query_rss and trust (where the network allows it)",
      },
    })
    .input(setNicVfPortInput)
    .output(vmsRouterOutputs.setNicVfPort)
    .mutation(({ ctx, input }) => setNicVfPort(ctx.db, ctx.actor, input)),
});
