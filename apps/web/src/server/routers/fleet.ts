import * as core from "@virtfn/core";
import { adminProcedure, inventoryProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve } from "./serve";
import { fleetRouterOutputs } from "./outputs.generated";

export const fleetRouter = router({
  /**
   * Admin (R15). What a rollout would do: each cluster's budget (maxUnavailable resolved) and
   * every selected PF the split/restore rules refuse, with its reason. Changes nothing.
   */
  preview: adminProcedure
    .meta(
      rest(
        "SR-IOV",
        "POST /fleet-rollouts/preview",
        "Preview a fleet split or restore: budgets per cluster and refused PFs",
      ),
    )
    .output(fleetRouterOutputs.preview)
    .input(core.fleetRolloutInput)
    .mutation(serve(core.previewFleetRollout)),
  /**
   * Admin (R15). Starts a split or restore over the selected PFs, at most `maxUnavailable` hosts
   * in flight per cluster; returns the fleet.setVfCount operation. Refused with
   * FLEET_PFS_REFUSED (details.refused) when a PF cannot take part, unless `skipRefused`.
   */
  start: adminProcedure
    .meta(
      rest(
        "SR-IOV",
        "POST /fleet-rollouts",
        "Split or restore many PFs, within a disruption budget per cluster",
        {
          longRunning: true,
          description:
            'Admins only (R15). Selects PFs by cluster plus interface name, model or an explicit list. `maxUnavailable` ("2" or "10%", default "10%" rounded up) bounds the hosts in flight per cluster. Every PF is checked by the split/restore rules first: refused ones answer FLEET_PFS_REFUSED with each reason, unless `skipRefused`. `onFailure`: "pause" (default) starts no further host after a failure; "continue" goes on.',
        },
      ),
    )
    .output(fleetRouterOutputs.start)
    .input(core.fleetRolloutInput)
    .mutation(serve(core.startFleetRollout)),
  /** Admin, Auditor. A rollout's progress per cluster, and its running, failed and refused PFs. */
  get: inventoryProcedure
    .meta(
      rest("SR-IOV", "GET /fleet-rollouts/:rolloutId", "A fleet rollout's progress per cluster"),
    )
    .output(fleetRouterOutputs.get)
    .input(core.fleetRolloutIdInput)
    .query(serve(core.getFleetRollout)),
  /** Admin, Auditor. The latest rollouts. */
  list: inventoryProcedure
    .meta(rest("SR-IOV", "GET /fleet-rollouts", "List the latest fleet rollouts"))
    .output(fleetRouterOutputs.list)
    .input(core.listFleetRolloutsInput)
    .query(serve(core.listFleetRollouts)),
});
