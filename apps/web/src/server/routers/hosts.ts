import {
  addHost,
  addHostInput,
  deleteHost,
  enterHostMaintenance,
  getHost,
  hostIdInput,
  listHosts,
  leaveHostMaintenance,
  listHostsInput,
  rebootHost,
  reconnectHost,
  rotateHostToken,
  setHostIommu,
  setIommuInput,
  updateHost,
  updateHostInput,
} from "@virtfn/core";
import { adminProcedure, inventoryProcedure, router } from "../trpc";
import { hostsRouterOutputs } from "./outputs.generated";

export const hostsRouter = router({
  /** Admin, Auditor. */
  list: inventoryProcedure
    .meta({ rest: { route: "GET /hosts", tag: "Hosts", summary: "List hosts" } })
    .input(listHostsInput)
    .output(hostsRouterOutputs.list)
    .query(({ ctx, input }) => listHosts(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. */
  get: inventoryProcedure
    .meta({
      rest: {
        route: "GET /hosts/:hostId",
        tag: "Hosts",
        summary: "Get a host with its readiness and physical NICs (PFs)",
      },
    })
    .input(hostIdInput)
    .output(hostsRouterOutputs.get)
    .query(({ ctx, input }) => getHost(ctx.db, ctx.actor, input.hostId)),
  /** Admin. Returns the host and its host.connect operation. */
  add: adminProcedure
    .meta({
      rest: {
        route: "POST /hosts",
        tag: "Hosts",
        summary: "Add a host (connects to its agent)",
        longRunning: true,
      },
    })
    .input(addHostInput)
    .output(hostsRouterOutputs.add)
    .mutation(({ ctx, input }) => addHost(ctx.db, ctx.actor, input)),
  /**
   * Admin: name, agent URL and token (write-only), then a re-connect (its host.connect operation
   * unless `reconnect: false`). REST: PATCH /hosts/{hostId}.
   */
  update: adminProcedure
    .meta({
      rest: {
        route: "PATCH /hosts/:hostId",
        tag: "Hosts",
        summary: "Edit a host (name, agent URL, token) and reconnect it",
        longRunning: true,
      },
    })
    .input(updateHostInput)
    .output(hostsRouterOutputs.update)
    .mutation(({ ctx, input }) => updateHost(ctx.db, ctx.actor, input)),
  /** Admin: no new placements on the host. REST: POST /hosts/{hostId}/maintenance. */
  enterMaintenance: adminProcedure
    .meta({
      rest: {
        route: "POST /hosts/:hostId/maintenance",
        tag: "Hosts",
        summary: "Put a host in maintenance (no new placements)",
      },
    })
    .input(hostIdInput)
    .output(hostsRouterOutputs.enterMaintenance)
    .mutation(({ ctx, input }) => enterHostMaintenance(ctx.db, ctx.actor, input)),
  /** Admin: the host takes new VMs again. REST: DELETE /hosts/{hostId}/maintenance. */
  leaveMaintenance: adminProcedure
    .meta({
      rest: {
        route: "DELETE /hosts/:hostId/maintenance",
        tag: "Hosts",
        summary: "Take a host out of maintenance",
      },
    })
    .input(hostIdInput)
    .output(hostsRouterOutputs.leaveMaintenance)
    .mutation(({ ctx, input }) => leaveHostMaintenance(ctx.db, ctx.actor, input)),
  /** Admin. */
  reconnect: adminProcedure
    .meta({
      rest: {
        route: "POST /hosts/:hostId/reconnect",
        tag: "Hosts",
        summary: "Reconnect a host",
        longRunning: true,
      },
    })
    .input(hostIdInput)
    .output(hostsRouterOutputs.reconnect)
    .mutation(({ ctx, input }) => reconnectHost(ctx.db, ctx.actor, input)),
  /** Admin: a new agent token for the host, returned once. */
  rotateToken: adminProcedure
    .meta({
      rest: {
        route: "POST /hosts/:hostId/rotate-token",
        tag: "Hosts",
        summary: "Rotate a host's agent token",
        description:
          "Replaces the host's agent token with a new one, returned once as `agentToken`. Install it on the agent, then reconnect the host.",
      },
    })
    .input(hostIdInput)
    .output(hostsRouterOutputs.rotateToken)
    .mutation(({ ctx, input }) => rotateHostToken(ctx.db, ctx.actor, input)),
  /** Admin (R15). */
  setIommu: adminProcedure
    .meta({
      rest: {
        route: "PUT /hosts/:hostId/iommu",
        tag: "Hosts",
        summary: "Turn IOMMU on or off (needs a reboot)",
        longRunning: true,
      },
    })
    .input(setIommuInput)
    .output(hostsRouterOutputs.setIommu)
    .mutation(({ ctx, input }) => setHostIommu(ctx.db, ctx.actor, input)),
  /** Admin. */
  reboot: adminProcedure
    .meta({
      rest: {
        route: "POST /hosts/:hostId/reboot",
        tag: "Hosts",
        summary: "Reboot a host",
        longRunning: true,
      },
    })
    .input(hostIdInput)
    .output(hostsRouterOutputs.reboot)
    .mutation(({ ctx, input }) => rebootHost(ctx.db, ctx.actor, input)),
  /** Admin. */
  delete: adminProcedure
    .meta({ rest: { route: "DELETE /hosts/:hostId", tag: "Hosts", summary: "Delete a host" } })
    .input(hostIdInput)
    .output(hostsRouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteHost(ctx.db, ctx.actor, input);
      return { ok: true as const };
    }),
});
