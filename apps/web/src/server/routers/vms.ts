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
  nicIdInput,
  rebootVm,
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
    .input(listVmsInput)
    .output(vmsRouterOutputs.list)
    .query(({ ctx, input }) => listVms(ctx.db, ctx.actor, input)),
  /** Signed in, same visibility as list. NICs with per-NIC capabilities, action verdicts, lastError. */
  get: authedProcedure
    .input(vmIdInput)
    .output(vmsRouterOutputs.get)
    .query(({ ctx, input }) => getVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. Per L3: SR-IOV availability and why not (R3). */
  createOptions: authedProcedure
    .input(vmCreateOptionsInput)
    .output(vmsRouterOutputs.createOptions)
    .query(({ ctx, input }) => vmCreateOptions(ctx.db, ctx.actor, input)),
  /** Project members and admins. R7: all VFs or nothing; returns the VM and its vm.create operation. */
  create: authedProcedure
    .input(createVmInput)
    .output(vmsRouterOutputs.create)
    .mutation(({ ctx, input }) => createVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. R8: re-acquires the VM's VFs. */
  start: authedProcedure
    .input(vmIdInput)
    .output(vmsRouterOutputs.start)
    .mutation(({ ctx, input }) => startVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. R8: releases the VM's VFs. */
  stop: authedProcedure
    .input(vmIdInput)
    .output(vmsRouterOutputs.stop)
    .mutation(({ ctx, input }) => stopVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  reboot: authedProcedure
    .input(vmIdInput)
    .output(vmsRouterOutputs.reboot)
    .mutation(({ ctx, input }) => rebootVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  delete: authedProcedure
    .input(vmIdInput)
    .output(vmsRouterOutputs.delete)
    .mutation(({ ctx, input }) => deleteVm(ctx.db, ctx.actor, input)),
  /** Project members and admins. R9: refused while running with a VF NIC. */
  migrate: authedProcedure
    .input(migrateVmInput)
    .output(vmsRouterOutputs.migrate)
    .mutation(({ ctx, input }) => migrateVm(ctx.db, ctx.actor, input)),
  /** Signed in, same visibility as get. Where a stopped VM could move, with each host's reason if not. */
  migrationCandidates: authedProcedure
    .input(vmIdInput)
    .output(vmsRouterOutputs.migrationCandidates)
    .query(({ ctx, input }) => migrationCandidates(ctx.db, ctx.actor, input)),
  /** Signed in. R9 for storage migration: resolves when allowed, throws the verdict otherwise. */
  checkStorageMigration: authedProcedure
    .input(vmIdInput)
    .output(vmsRouterOutputs.checkStorageMigration)
    .query(async ({ ctx, input }) => {
      await checkStorageMigration(ctx.db, ctx.actor, input);
      return { allowed: true as const };
    }),
  /** Project members and admins. A VF NIC on a running VM gets its VF now (NO_VF_AVAILABLE otherwise). */
  attachNic: authedProcedure
    .input(attachNicInput)
    .output(vmsRouterOutputs.attachNic)
    .mutation(({ ctx, input }) => attachNic(ctx.db, ctx.actor, input)),
  /** Project members and admins. */
  detachNic: authedProcedure
    .input(nicIdInput)
    .output(vmsRouterOutputs.detachNic)
    .mutation(({ ctx, input }) => detachNic(ctx.db, ctx.actor, input)),
  /** Project members and admins. R10: only while stopped; R4–R6 when becoming a VF. */
  setNicType: authedProcedure
    .input(setNicTypeInput)
    .output(vmsRouterOutputs.setNicType)
    .mutation(({ ctx, input }) => setNicType(ctx.db, ctx.actor, input)),
  /**
   * Project members and admins. A VF NIC's link state and query_rss; trust only where the L3
   * (or its L2) allows it (issue 16). The host follows at once and the reconciler keeps it so.
   */
  setNicVfPort: authedProcedure
    .input(setNicVfPortInput)
    .output(vmsRouterOutputs.setNicVfPort)
    .mutation(({ ctx, input }) => setNicVfPort(ctx.db, ctx.actor, input)),
});
