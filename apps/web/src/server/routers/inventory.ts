import {
  clusterIdInput,
  createCluster,
  createClusterInput,
  createZone,
  createZoneInput,
  deleteCluster,
  deleteZone,
  listClusters,
  listZones,
  renameCluster,
  renameClusterInput,
  renameZone,
  renameZoneInput,
  zoneIdInput,
} from "@virtfn/core";
import { adminProcedure, inventoryProcedure, router } from "../trpc";
import { inventoryRouterOutputs } from "./outputs.generated";

const ok = { ok: true as const };

export const inventoryRouter = router({
  /** Admin, Auditor. */
  clusters: inventoryProcedure
    .meta({ rest: { route: "GET /clusters", tag: "Inventory", summary: "List clusters" } })
    .output(inventoryRouterOutputs.clusters)
    .query(({ ctx }) => listClusters(ctx.db, ctx.actor)),
  /** Admin, Auditor. */
  zones: inventoryProcedure
    .meta({ rest: { route: "GET /zones", tag: "Inventory", summary: "List zones" } })
    .output(inventoryRouterOutputs.zones)
    .query(({ ctx }) => listZones(ctx.db, ctx.actor)),
  /** Admin. */
  createZone: adminProcedure
    .meta({
      rest: {
        route: "POST /zones",
        tag: "Inventory",
        summary: "Create a zone",
        description: "Admins only.",
      },
    })
    .input(createZoneInput)
    .output(inventoryRouterOutputs.createZone)
    .mutation(({ ctx, input }) => createZone(ctx.db, ctx.actor, input)),
  /** Admin. */
  renameZone: adminProcedure
    .meta({
      rest: {
        route: "PATCH /zones/:zoneId",
        tag: "Inventory",
        summary: "Rename a zone (and change its description)",
        description: "Admins only.",
      },
    })
    .input(renameZoneInput)
    .output(inventoryRouterOutputs.renameZone)
    .mutation(({ ctx, input }) => renameZone(ctx.db, ctx.actor, input)),
  /** Admin. Refused while it has clusters, L2 networks or VXLAN pools (ZONE_NOT_EMPTY). */
  deleteZone: adminProcedure
    .meta({
      rest: {
        route: "DELETE /zones/:zoneId",
        tag: "Inventory",
        summary: "Delete an empty zone",
        description:
          "Admins only. Refused with 409 ZONE_NOT_EMPTY while the zone has clusters, L2 networks or VXLAN pools; `details` lists them.",
      },
    })
    .input(zoneIdInput)
    .output(inventoryRouterOutputs.deleteZone)
    .mutation(async ({ ctx, input }) => {
      await deleteZone(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Admin. */
  createCluster: adminProcedure
    .meta({
      rest: {
        route: "POST /clusters",
        tag: "Inventory",
        summary: "Create a cluster in a zone",
        description: "Admins only.",
      },
    })
    .input(createClusterInput)
    .output(inventoryRouterOutputs.createCluster)
    .mutation(({ ctx, input }) => createCluster(ctx.db, ctx.actor, input)),
  /** Admin. */
  renameCluster: adminProcedure
    .meta({
      rest: {
        route: "PATCH /clusters/:clusterId",
        tag: "Inventory",
        summary: "Rename a cluster",
        description: "Admins only.",
      },
    })
    .input(renameClusterInput)
    .output(inventoryRouterOutputs.renameCluster)
    .mutation(({ ctx, input }) => renameCluster(ctx.db, ctx.actor, input)),
  /** Admin. Refused while it has hosts, VMs or attached L2 networks (CLUSTER_NOT_EMPTY). */
  deleteCluster: adminProcedure
    .meta({
      rest: {
        route: "DELETE /clusters/:clusterId",
        tag: "Inventory",
        summary: "Delete an empty cluster",
        description:
          "Admins only. Refused with 409 CLUSTER_NOT_EMPTY while the cluster has hosts, VMs or attached L2 networks; `details` lists them.",
      },
    })
    .input(clusterIdInput)
    .output(inventoryRouterOutputs.deleteCluster)
    .mutation(async ({ ctx, input }) => {
      await deleteCluster(ctx.db, ctx.actor, input);
      return ok;
    }),
});
