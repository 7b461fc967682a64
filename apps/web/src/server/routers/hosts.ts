import * as core from "@virtfn/core";
import { inventoryProcedure } from "../trpc";
import { rest } from "../rest/route";
import { hostsRouterOutputs } from "./outputs.generated";
import { admin, answersOk, inventory, serviceRouter } from "./service-router";

export const hostsRouter = serviceRouter("Hosts", hostsRouterOutputs, {
  /** Admin, Auditor. */
  list: inventory({
    route: "GET /hosts",
    summary: "List hosts",
    input: core.listHostsInput,
    service: core.listHosts,
  }),
  /** Admin, Auditor. */
  get: inventoryProcedure
    .meta(
      rest("Hosts", "GET /hosts/:hostId", "Get a host with its readiness and physical NICs (PFs)"),
    )
    .input(core.hostIdInput)
    .output(hostsRouterOutputs.get)
    .query(({ ctx, input }) => core.getHost(ctx.db, ctx.actor, input.hostId)),
  /** Admin. Returns the host and its host.connect operation. */
  add: admin({
    route: "POST /hosts",
    summary: "Add a host (connects to its agent)",
    input: core.addHostInput,
    service: core.addHost,
    longRunning: true,
  }),
  /**
   * Admin: name, agent URL and token (write-only), then a re-connect (its host.connect operation
   * unless `reconnect: false`). REST: PATCH /hosts/{hostId}.
   */
  update: admin({
    route: "PATCH /hosts/:hostId",
    summary: "Edit a host (name, agent URL, token) and reconnect it",
    input: core.updateHostInput,
    service: core.updateHost,
    longRunning: true,
  }),
  /** Admin: no new placements on the host. REST: POST /hosts/{hostId}/maintenance. */
  enterMaintenance: admin({
    route: "POST /hosts/:hostId/maintenance",
    summary: "Put a host in maintenance (no new placements)",
    input: core.hostIdInput,
    service: core.enterHostMaintenance,
  }),
  /** Admin: the host takes new VMs again. REST: DELETE /hosts/{hostId}/maintenance. */
  leaveMaintenance: admin({
    route: "DELETE /hosts/:hostId/maintenance",
    summary: "Take a host out of maintenance",
    input: core.hostIdInput,
    service: core.leaveHostMaintenance,
  }),
  /** Admin. */
  reconnect: admin({
    route: "POST /hosts/:hostId/reconnect",
    summary: "Reconnect a host",
    input: core.hostIdInput,
    service: core.reconnectHost,
    longRunning: true,
  }),
  /** Admin: a new agent token for the host, returned once. */
  rotateToken: admin({
    route: "POST /hosts/:hostId/rotate-token",
    summary: "Rotate a host's agent token",
    input: core.hostIdInput,
    service: core.rotateHostToken,
    description:
      "Replaces the host's agent token with a new one, returned once as `agentToken`. Install it on the agent, then reconnect the host.",
  }),
  /** Admin (R15). */
  setIommu: admin({
    route: "PUT /hosts/:hostId/iommu",
    summary: "Turn IOMMU on or off (needs a reboot)",
    input: core.setIommuInput,
    service: core.setHostIommu,
    longRunning: true,
  }),
  /** Admin. */
  reboot: admin({
    route: "POST /hosts/:hostId/reboot",
    summary: "Reboot a host",
    input: core.hostIdInput,
    service: core.rebootHost,
    longRunning: true,
  }),
  /** Admin. */
  delete: admin({
    route: "DELETE /hosts/:hostId",
    summary: "Delete a host",
    input: core.hostIdInput,
    service: answersOk(core.deleteHost),
  }),
});
