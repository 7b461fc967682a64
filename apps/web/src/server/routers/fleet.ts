import * as core from "@virtfn/core";
import { fleetRouterOutputs } from "./outputs.generated";
import { admin, inventory, serviceRouter } from "./service-router";

export const fleetRouter = serviceRouter("SR-IOV", fleetRouterOutputs, {
  /**
   * Admin (R15). What a rollout would do: each cluster's budget (maxUnavailable resolved) and
   * every selected PF the split/restore rules refuse, with its reason. Changes nothing.
   */
  preview: admin({
    route: "POST /fleet-rollouts/preview",
    summary: "Preview a fleet split or restore: budgets per cluster and refused PFs",
    input: core.fleetRolloutInput,
    service: core.previewFleetRollout,
  }),
  /**
   * Admin (R15). Starts a split or restore over the selected PFs, at most `maxUnavailable` hosts
   * in flight per cluster; returns the fleet.setVfCount operation. Refused with
   * FLEET_PFS_REFUSED (details.refused) when a PF cannot take part, unless `skipRefused`.
   */
  start: admin({
    route: "POST /fleet-rollouts",
    summary: "Split or restore many PFs, within a disruption budget per cluster",
    input: core.fleetRolloutInput,
    service: core.startFleetRollout,
    longRunning: true,
    description:
      'Admins only (R15). Selects PFs by cluster plus interface name, model or an explicit list. `maxUnavailable` ("2" or "10%", default "10%" rounded up) bounds the hosts in flight per cluster. Every PF is checked by the split/restore rules first: refused ones answer FLEET_PFS_REFUSED with each reason, unless `skipRefused`. `onFailure`: "pause" (default) starts no further host after a failure; "continue" goes on.',
  }),
  /** Admin, Auditor. A rollout's progress per cluster, and its running, failed and refused PFs. */
  get: inventory({
    route: "GET /fleet-rollouts/:rolloutId",
    summary: "A fleet rollout's progress per cluster",
    input: core.fleetRolloutIdInput,
    service: core.getFleetRollout,
  }),
  /** Admin, Auditor. The latest rollouts. */
  list: inventory({
    route: "GET /fleet-rollouts",
    summary: "List the latest fleet rollouts",
    input: core.listFleetRolloutsInput,
    service: core.listFleetRollouts,
  }),
});
