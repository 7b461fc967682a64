import {
  fleetRolloutIdInput,
  fleetRolloutInput,
  getFleetRollout,
  listFleetRollouts,
  listFleetRolloutsInput,
  previewFleetRollout,
  startFleetRollout,
} from "@virtfn/core";
import { adminProcedure, inventoryProcedure, router } from "../trpc";
import { fleetRouterOutputs } from "./outputs.generated";

export const fleetRouter = router({
  /**
   * Admin (R15). What a rollout would do: each cluster's budget (maxUnavailable resolved) and
   * every selected PF the split/restore rules refuse, with its reason. Changes nothing.
   */
  preview: adminProcedure
    .output(fleetRouterOutputs.preview)
    .input(fleetRolloutInput)
    .mutation(({ ctx, input }) => previewFleetRollout(ctx.db, ctx.actor, input)),
  /**
   * Admin (R15). Starts a split or restore over the selected PFs, at most `maxUnavailable` hosts
   * in flight per cluster; returns the fleet.setVfCount operation. Refused with
   * FLEET_PFS_REFUSED (details.refused) when a PF cannot take part, unless `skipRefused`.
   */
  start: adminProcedure
    .output(fleetRouterOutputs.start)
    .input(fleetRolloutInput)
    .mutation(({ ctx, input }) => startFleetRollout(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. A rollout's progress per cluster, and its running, failed and refused PFs. */
  get: inventoryProcedure
    .output(fleetRouterOutputs.get)
    .input(fleetRolloutIdInput)
    .query(({ ctx, input }) => getFleetRollout(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. The latest rollouts. */
  list: inventoryProcedure
    .output(fleetRouterOutputs.list)
    .input(listFleetRolloutsInput)
    .query(({ ctx, input }) => listFleetRollouts(ctx.db, ctx.actor, input)),
});
