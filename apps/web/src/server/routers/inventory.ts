import * as core from "@virtfn/core";
import { adminProcedure, inventoryProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve, serveOk } from "./serve";
import { inventoryRouterOutputs } from "./outputs.generated";

export const inventoryRouter = router({
  /** Admin, Auditor. */
  clusters: inventoryProcedure
    .meta(
      rest("Inventory", "GET /clusters", "List clusters", {
        description: "By zone name, then name, a page at a time, with each cluster's host count.",
      }),
    )
    .input(core.listClustersInput)
    .output(inventoryRouterOutputs.clusters)
    .query(serve(core.listClusters)),
  /** Admin, Auditor. */
  zones: inventoryProcedure
    .meta(rest("Inventory", "GET /zones", "List zones"))
    .output(inventoryRouterOutputs.zones)
    .query(serve(core.listZones)),
  /** Admin. */
  createZone: adminProcedure
    .meta(rest("Inventory", "POST /zones", "Create a zone", { description: "Admins only." }))
    .input(core.createZoneInput)
    .output(inventoryRouterOutputs.createZone)
    .mutation(serve(core.createZone)),
  /** Admin. */
  renameZone: adminProcedure
    .meta(
      rest("Inventory", "PATCH /zones/:zoneId", "Rename a zone (and change its description)", {
        description: "Admins only.",
      }),
    )
    .input(core.renameZoneInput)
    .output(inventoryRouterOutputs.renameZone)
    .mutation(serve(core.renameZone)),
  /** Admin. Refused while it has clusters, L2 networks or VXLAN pools (ZONE_NOT_EMPTY). */
  deleteZone: adminProcedure
    .meta(
      rest("Inventory", "DELETE /zones/:zoneId", "Delete an empty zone", {
        description:
          "Admins only. Refused with 409 ZONE_NOT_EMPTY while the zone has clusters, L2 networks or VXLAN pools; `details` lists them.",
      }),
    )
    .input(core.zoneIdInput)
    .output(inventoryRouterOutputs.deleteZone)
    .mutation(serveOk(core.deleteZone)),
  /** Admin. */
  createCluster: adminProcedure
    .meta(
      rest("Inventory", "POST /clusters", "Create a cluster in a zone", {
        description: "Admins only.",
      }),
    )
    .input(core.createClusterInput)
    .output(inventoryRouterOutputs.createCluster)
    .mutation(serve(core.createCluster)),
  /** Admin. */
  renameCluster: adminProcedure
    .meta(
      rest("Inventory", "PATCH /clusters/:clusterId", "Rename a cluster", {
        description: "Admins only.",
      }),
    )
    .input(core.renameClusterInput)
    .output(inventoryRouterOutputs.renameCluster)
    .mutation(serve(core.renameCluster)),
  /** Admin. Refused while it has hosts, VMs or attached L2 networks (CLUSTER_NOT_EMPTY). */
  deleteCluster: adminProcedure
    .meta(
      rest("Inventory", "DELETE /clusters/:clusterId", "Delete an empty cluster", {
        description:
          "Admins only. Refused with 409 CLUSTER_NOT_EMPTY while the cluster has hosts, VMs or attached L2 networks; `details` lists them.",
      }),
    )
    .input(core.clusterIdInput)
    .output(inventoryRouterOutputs.deleteCluster)
    .mutation(serveOk(core.deleteCluster)),
});
