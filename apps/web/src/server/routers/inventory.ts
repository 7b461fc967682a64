import * as core from "@virtfn/core";
import { inventoryRouterOutputs } from "./outputs.generated";
import { admin, answersOk, inventory, serviceRouter } from "./service-router";

export const inventoryRouter = serviceRouter("Inventory", inventoryRouterOutputs, {
  /** Admin, Auditor. */
  clusters: inventory({
    route: "GET /clusters",
    summary: "List clusters",
    input: core.listClustersInput,
    service: core.listClusters,
    description: "By zone name, then name, a page at a time, with each cluster's host count.",
  }),
  /** Admin, Auditor. */
  zones: inventory({
    route: "GET /zones",
    summary: "List zones",
    service: core.listZones,
  }),
  /** Admin. */
  createZone: admin({
    route: "POST /zones",
    summary: "Create a zone",
    input: core.createZoneInput,
    service: core.createZone,
    description: "Admins only.",
  }),
  /** Admin. */
  renameZone: admin({
    route: "PATCH /zones/:zoneId",
    summary: "Rename a zone (and change its description)",
    input: core.renameZoneInput,
    service: core.renameZone,
    description: "Admins only.",
  }),
  /** Admin. Refused while it has clusters, L2 networks or VXLAN pools (ZONE_NOT_EMPTY). */
  deleteZone: admin({
    route: "DELETE /zones/:zoneId",
    summary: "Delete an empty zone",
    input: core.zoneIdInput,
    service: answersOk(core.deleteZone),
    description:
      "Admins only. Refused with 409 ZONE_NOT_EMPTY while the zone has clusters, L2 networks or VXLAN pools; `details` lists them.",
  }),
  /** Admin. */
  createCluster: admin({
    route: "POST /clusters",
    summary: "Create a cluster in a zone",
    input: core.createClusterInput,
    service: core.createCluster,
    description: "Admins only.",
  }),
  /** Admin. */
  renameCluster: admin({
    route: "PATCH /clusters/:clusterId",
    summary: "Rename a cluster",
    input: core.renameClusterInput,
    service: core.renameCluster,
    description: "Admins only.",
  }),
  /** Admin. Refused while it has hosts, VMs or attached L2 networks (CLUSTER_NOT_EMPTY). */
  deleteCluster: admin({
    route: "DELETE /clusters/:clusterId",
    summary: "Delete an empty cluster",
    input: core.clusterIdInput,
    service: answersOk(core.deleteCluster),
    description:
      "Admins only. Refused with 409 CLUSTER_NOT_EMPTY while the cluster has hosts, VMs or attached L2 networks; `details` lists them.",
  }),
});
