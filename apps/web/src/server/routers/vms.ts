import * as core from "@virtfn/core";
import { authedProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve } from "./serve";
import { vmsRouterOutputs } from "./outputs.generated";

// Every procedure is for signed-in users; core scopes them: tenants see and change only their
// projects' VMs, auditors read everything and change nothing, admins do everything.
export const vmsRouter = router({
  /** Signed in. Tenants: their projects' VMs; admins and auditors: all. */
  list: authedProcedure
    .meta(rest("VMs", "GET /vms", "List VMs"))
    .input(core.listVmsInput)
    .output(vmsRouterOutputs.list)
    .query(serve(core.listVms)),
  /** Signed in, same visibility as list. NICs with per-NIC capabilities, action verdicts, lastError. */
  get: authedProcedure
    .meta(rest("VMs", "GET /vms/:vmId", "Get a VM with its NICs"))
    .input(core.vmIdInput)
    .output(vmsRouterOutputs.get)
    .query(serve(core.getVm)),
  /** Project members and admins. Per L3: SR-IOV availability and why not (R3). */
  createOptions: authedProcedure
    .meta(
      rest(
        "VMs",
        "GET /projects/:projectId/vm-create-options",
        "Offerings, images and L3 networks (with SR-IOV availability) for a new VM",
      ),
    )
    .input(core.vmCreateOptionsInput)
    .output(vmsRouterOutputs.createOptions)
    .query(serve(core.vmCreateOptions)),
  /** Signed in, same visibility as get. A VF NIC's traffic counters and rates (issue 16). */
  nicCounters: authedProcedure
    .meta(
      rest("VMs", "GET /vm-nics/:nicId/vf-counters", "Traffic counters of a VF NIC", {
        description:
          "The latest sample and the per-second rates between the stored samples (about half an hour). A counter the PF driver does not keep is null, never 0.",
      }),
    )
    .input(core.nicIdInput)
    .output(vmsRouterOutputs.nicCounters)
    .query(serve(core.nicCounterHistory)),
  /** Project members and admins. R7: all VFs or nothing; returns the VM and its vm.create operation. */
  create: authedProcedure
    .meta(
      rest("VMs", "POST /vms", "Create a VM", {
        longRunning: true,
        description:
          "Each NIC is `{ l3Id, sriov }`; `sriov: true` passes a VF straight to the guest (the L3 and its L2 must have SR-IOV enabled). All VFs are reserved or none (R7).",
      }),
    )
    .input(core.createVmInput)
    .output(vmsRouterOutputs.create)
    .mutation(serve(core.createVm)),
  /** Project members and admins. R8: re-acquires the VM's VFs. */
  start: authedProcedure
    .meta(
      rest("VMs", "POST /vms/:vmId/start", "Start a VM", {
        longRunning: true,
        description: "Re-acquires the VM's VFs (R8).",
      }),
    )
    .input(core.vmIdInput)
    .output(vmsRouterOutputs.start)
    .mutation(serve(core.startVm)),
  /** Project members and admins. R8: releases the VM's VFs. */
  stop: authedProcedure
    .meta(
      rest("VMs", "POST /vms/:vmId/stop", "Stop a VM", {
        longRunning: true,
        description: "Releases the VM's VFs (R8).",
      }),
    )
    .input(core.vmIdInput)
    .output(vmsRouterOutputs.stop)
    .mutation(serve(core.stopVm)),
  /** Project members and admins. */
  reboot: authedProcedure
    .meta(rest("VMs", "POST /vms/:vmId/reboot", "Reboot a VM", { longRunning: true }))
    .input(core.vmIdInput)
    .output(vmsRouterOutputs.reboot)
    .mutation(serve(core.rebootVm)),
  /** Project members and admins. */
  delete: authedProcedure
    .meta(rest("VMs", "DELETE /vms/:vmId", "Delete a VM", { longRunning: true }))
    .input(core.vmIdInput)
    .output(vmsRouterOutputs.delete)
    .mutation(serve(core.deleteVm)),
  /**
   * Project members and admins. R9: refused while running with a VF NIC that is not migratable;
   * with migratable ones, a VF is claimed on the destination for each before it starts (issue 17).
   */
  migrate: authedProcedure
    .meta(
      rest("VMs", "POST /vms/:vmId/migrate", "Migrate a VM", {
        longRunning: true,
        description:
          "Refused while the VM runs with a VF NIC (R9). Without `targetHostId` the scheduler picks a host.",
      }),
    )
    .input(core.migrateVmInput)
    .output(vmsRouterOutputs.migrate)
    .mutation(serve(core.migrateVm)),
  /** Signed in, same visibility as get. Where a stopped VM could move, with each host's reason if not. */
  migrationCandidates: authedProcedure
    .meta(
      rest(
        "VMs",
        "GET /vms/:vmId/migration-candidates",
        "Hosts a stopped VM could move to, with a reason for each that does not qualify",
      ),
    )
    .input(core.vmIdInput)
    .output(vmsRouterOutputs.migrationCandidates)
    .query(serve(core.migrationCandidates)),
  /** Signed in, same visibility as get. The latest live migration with VF NICs and its phases. */
  migrationProgress: authedProcedure
    .meta(rest("VMs", "GET /vms/:vmId/migration", "The phases of the VM's last live migration"))
    .input(core.vmIdInput)
    .output(vmsRouterOutputs.migrationProgress)
    .query(serve(core.migrationProgress)),
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
  attachNic: authedProcedure
    .meta(rest("VMs", "POST /vms/:vmId/nics", "Attach a NIC", { longRunning: true }))
    .input(core.attachNicInput)
    .output(vmsRouterOutputs.attachNic)
    .mutation(serve(core.attachNic)),
  /** Project members and admins. */
  detachNic: authedProcedure
    .meta(rest("VMs", "DELETE /nics/:nicId", "Detach a NIC", { longRunning: true }))
    .input(core.nicIdInput)
    .output(vmsRouterOutputs.detachNic)
    .mutation(serve(core.detachNic)),
  /** Project members and admins. R10: only while stopped; R4–R6 when becoming a VF. */
  setNicType: authedProcedure
    .meta(
      rest("VMs", "PUT /nics/:nicId/type", "Change a NIC's type (VF or VNIC)", {
        description: "Only while the VM is stopped (R10).",
      }),
    )
    .input(core.setNicTypeInput)
    .output(vmsRouterOutputs.setNicType)
    .mutation(serve(core.setNicType)),
  /** Project members and admins. VF NICs only, while stopped: a virtio failover partner (issue 17). */
  setNicMigratable: authedProcedure
    .meta(
      rest(
        "VMs",
        "PUT /nics/:nicId/migratable",
        "Mark a VF NIC migratable (a virtio failover partner; VM stopped)",
      ),
    )
    .input(core.setNicMigratableInput)
    .output(vmsRouterOutputs.setNicMigratable)
    .mutation(serve(core.setNicMigratable)),
  /**
   * Project members and admins. A VF NIC's link state and query_rss; trust only where the L3
   * (or its L2) allows it (issue 16). The host follows at once and the reconciler keeps it so.
   */
  setNicVfPort: authedProcedure
    .meta(
      rest(
        "VMs",
        "PATCH /nics/:nicId/vf-port",
        "Set a VF NIC's link state, query_rss and trust (where the network allows it)",
      ),
    )
    .input(core.setNicVfPortInput)
    .output(vmsRouterOutputs.setNicVfPort)
    .mutation(serve(core.setNicVfPort)),
});
