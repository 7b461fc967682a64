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
    .meta({
      rest: {
        route: "POST /fleet-rollouts/preview",
        tag: "SR-IOV",
        summary: "Preview a fleet split or restore: budgets per cluster and refused PFs",
      },
    })
    .output(fleetRouterOutputs.preview)
    .input(fleetRolloutInput)
    .mutation(({ ctx, input }) => previewFleetRollout(ctx.db, ctx.actor, input)),
  /**
   * Admin (R15). Starts a split or restore over the selected PFs, at most `maxUnavailable` hosts
   * in flight per cluster; returns the fleet.setVfCount operation. Refused with
   * FLEET_PFS_REFUSED (details.refused) when a PF cannot take part, unless `skipRefused`.
   */
  start: adminProcedure
    .meta({
      rest: {
        route: "POST /fleet-rollouts",
        tag: "SR-IOV",
        summary: "Split or restore many PFs, within a disruption budget per cluster",
        longRunning: true,
        description:
          'Admins only (R15). Selects PFs by cluster plus interface name, model or an explicit list. `maxUnavailable` ("2" or "10%", default "10%" rounded up) bounds the hosts in flight per cluster. Every PF is checked by the split/restore rules first: refused ones answer FLEET_PFS_REFUSED with each reason, unless `skipRefused`. `onFailure`: "pause" (default) starts no further host after a failure; "continue" goes on.',
      },
    })
    .output(fleetRouterOutputs.start)
    .input(fleetRolloutInput)
    .mutation(({ ctx, input }) => startFleetRollout(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. A rollout's progress per cluster, and its running, failed and refused PFs. */
  get: inventoryProcedure
    .meta({
      rest: {
        route: "GET /fleet-rollouts/:rolloutId",
        tag: "SR-IOV",
        summary: "A fleet rollout's progress per cluster",
      },
    })
    .output(fleetRouterOutputs.get)
    .input(fleetRolloutIdInput)
    .query(({ ctx, input }) => getFleetRollout(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. The latest rollouts. */
  list: inventoryProcedure
    .meta({
      rest: {
        route: "GET /fleet-rollouts",
        tag: "SR-IOV",
        summary: "List the latest fleet rollouts",
      },
    })
    .output(fleetRouterOutputs.list)
    .input(listFleetRolloutsInput)
    .query(({ ctx, input }) => listFleetRollouts(ctx.db, ctx.actor, input)),
});
