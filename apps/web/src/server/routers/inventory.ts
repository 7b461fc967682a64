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
import { adminProcedure, inventoryProcedure, router, answerOk } from "../trpc";
import { restRoutes } from "../rest/route";
import { inventoryRouterOutputs } from "./outputs.generated";

const rest = restRoutes("Inventory");

export const inventoryRouter = router({
  /** Admin, Auditor. */
  clusters: inventoryProcedure
    .meta(rest("GET /clusters", "List clusters"))
    .output(inventoryRouterOutputs.clusters)
    .query(({ ctx }) => listClusters(ctx.db, ctx.actor)),
  /** Admin, Auditor. */
  zones: inventoryProcedure
    .meta(rest("GET /zones", "List zones"))
    .output(inventoryRouterOutputs.zones)
    .query(({ ctx }) => listZones(ctx.db, ctx.actor)),
  /** Admin. */
  createZone: adminProcedure
    .meta(rest("POST /zones", "Create a zone", { description: "Admins only." }))
    .input(createZoneInput)
    .output(inventoryRouterOutputs.createZone)
    .mutation(({ ctx, input }) => createZone(ctx.db, ctx.actor, input)),
  /** Admin. */
  renameZone: adminProcedure
    .meta(
      rest("PATCH /zones/:zoneId", "Rename a zone (and change its description)", {
        description: "Admins only.",
      }),
    )
    .input(renameZoneInput)
    .output(inventoryRouterOutputs.renameZone)
    .mutation(({ ctx, input }) => renameZone(ctx.db, ctx.actor, input)),
  /** Admin. Refused while it has clusters, L2 networks or VXLAN pools (ZONE_NOT_EMPTY). */
  deleteZone: adminProcedure
    .meta(
      rest("DELETE /zones/:zoneId", "Delete an empty zone", {
        description:
          "Admins only. Refused with 409 ZONE_NOT_EMPTY while the zone has clusters, L2 networks or VXLAN pools; `details` lists them.",
      }),
    )
    .input(zoneIdInput)
    .output(inventoryRouterOutputs.deleteZone)
    .mutation(({ ctx, input }) => answerOk(deleteZone(ctx.db, ctx.actor, input))),
  /** Admin. */
  createCluster: adminProcedure
    .meta(rest("POST /clusters", "Create a cluster in a zone", { description: "Admins only." }))
    .input(createClusterInput)
    .output(inventoryRouterOutputs.createCluster)
    .mutation(({ ctx, input }) => createCluster(ctx.db, ctx.actor, input)),
  /** Admin. */
  renameCluster: adminProcedure
    .meta(rest("PATCH /clusters/:clusterId", "Rename a cluster", { description: "Admins only." }))
    .input(renameClusterInput)
    .output(inventoryRouterOutputs.renameCluster)
    .mutation(({ ctx, input }) => renameCluster(ctx.db, ctx.actor, input)),
  /** Admin. Refused while it has hosts, VMs or attached L2 networks (CLUSTER_NOT_EMPTY). */
  deleteCluster: adminProcedure
    .meta(
      rest("DELETE /clusters/:clusterId", "Delete an empty cluster", {
        description:
          "Admins only. Refused with 409 CLUSTER_NOT_EMPTY while the cluster has hosts, VMs or attached L2 networks; `details` lists them.",
      }),
    )
    .input(clusterIdInput)
    .output(inventoryRouterOutputs.deleteCluster)
    .mutation(({ ctx, input }) => answerOk(deleteCluster(ctx.db, ctx.actor, input))),
});
