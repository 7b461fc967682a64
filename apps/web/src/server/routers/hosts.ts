import * as core from "@virtfn/core";
import { adminProcedure, inventoryProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve, serveOk } from "./serve";
import { hostsRouterOutputs } from "./outputs.generated";

export const hostsRouter = router({
  /** Admin, Auditor. */
  list: inventoryProcedure
    .meta(rest("Hosts", "GET /hosts", "List hosts"))
    .input(core.listHostsInput)
    .output(hostsRouterOutputs.list)
    .query(serve(core.listHosts)),
  /** Admin, Auditor. */
  get: inventoryProcedure
    .meta(
      rest("Hosts", "GET /hosts/:hostId", "Get a host with its readiness and physical NICs (PFs)"),
    )
    .input(core.hostIdInput)
    .output(hostsRouterOutputs.get)
    .query(({ ctx, input }) => core.getHost(ctx.db, ctx.actor, input.hostId)),
  /** Admin. Returns the host and its host.connect operation. */
  add: adminProcedure
    .meta(rest("Hosts", "POST /hosts", "Add a host (connects to its agent)", { longRunning: true }))
    .input(core.addHostInput)
    .output(hostsRouterOutputs.add)
    .mutation(serve(core.addHost)),
  /**
   * Admin: name, agent URL and token (write-only), then a re-connect (its host.connect operation
   * unless `reconnect: false`). REST: PATCH /hosts/{hostId}.
   */
  update: adminProcedure
    .meta(
      rest(
        "Hosts",
        "PATCH /hosts/:hostId",
        "Edit a host (name, agent URL, token) and reconnect it",
        {
          longRunning: true,
        },
      ),
    )
    .input(core.updateHostInput)
    .output(hostsRouterOutputs.update)
    .mutation(serve(core.updateHost)),
  /** Admin: no new placements on the host. REST: POST /hosts/{hostId}/maintenance. */
  enterMaintenance: adminProcedure
    .meta(
      rest(
        "Hosts",
        "POST /hosts/:hostId/maintenance",
        "Put a host in maintenance (no new placements)",
      ),
    )
    .input(core.hostIdInput)
    .output(hostsRouterOutputs.enterMaintenance)
    .mutation(serve(core.enterHostMaintenance)),
  /** Admin: the host takes new VMs again. REST: DELETE /hosts/{hostId}/maintenance. */
  leaveMaintenance: adminProcedure
    .meta(rest("Hosts", "DELETE /hosts/:hostId/maintenance", "Take a host out of maintenance"))
    .input(core.hostIdInput)
    .output(hostsRouterOutputs.leaveMaintenance)
    .mutation(serve(core.leaveHostMaintenance)),
  /** Admin. */
  reconnect: adminProcedure
    .meta(rest("Hosts", "POST /hosts/:hostId/reconnect", "Reconnect a host", { longRunning: true }))
    .input(core.hostIdInput)
    .output(hostsRouterOutputs.reconnect)
    .mutation(serve(core.reconnectHost)),
  /** Admin: a new agent token for the host, returned once. */
  rotateToken: adminProcedure
    .meta(
      rest("Hosts", "POST /hosts/:hostId/rotate-token", "Rotate a host's agent token", {
        description:
          "Replaces the host's agent token with a new one, returned once as `agentToken`. Install it on the agent, then reconnect the host.",
      }),
    )
    .input(core.hostIdInput)
    .output(hostsRouterOutputs.rotateToken)
    .mutation(serve(core.rotateHostToken)),
  /** Admin (R15). */
  setIommu: adminProcedure
    .meta(
      rest("Hosts", "PUT /hosts/:hostId/iommu", "Turn IOMMU on or off (needs a reboot)", {
        longRunning: true,
      }),
    )
    .input(core.setIommuInput)
    .output(hostsRouterOutputs.setIommu)
    .mutation(serve(core.setHostIommu)),
  /** Admin. */
  reboot: adminProcedure
    .meta(rest("Hosts", "POST /hosts/:hostId/reboot", "Reboot a host", { longRunning: true }))
    .input(core.hostIdInput)
    .output(hostsRouterOutputs.reboot)
    .mutation(serve(core.rebootHost)),
  /** Admin. */
  delete: adminProcedure
    .meta(rest("Hosts", "DELETE /hosts/:hostId", "Delete a host"))
    .input(core.hostIdInput)
    .output(hostsRouterOutputs.delete)
    .mutation(serveOk(core.deleteHost)),
});
