import * as core from "@virtfn/core";
import { adminProcedure, authedProcedure, inventoryProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve, serveOk } from "./serve";
import { l2RouterOutputs, l3RouterOutputs, vxlanPoolsRouterOutputs } from "./outputs.generated";

export const l2Router = router({
  /** Admin, Auditor. */
  list: inventoryProcedure
    .meta(rest("L2 networks", "GET /l2-networks", "List L2 networks"))
    .input(core.listL2Input)
    .output(l2RouterOutputs.list)
    .query(serve(core.listL2Networks)),
  /** Admin, Auditor. */
  get: inventoryProcedure
    .meta(rest("L2 networks", "GET /l2-networks/:l2Id", "Get an L2 network"))
    .input(core.l2IdInput)
    .output(l2RouterOutputs.get)
    .query(serve(core.getL2Network)),
  /** Admin, Auditor. The clusters an L2 is attached to, a page at a time (an L2 row names a few). */
  clusters: inventoryProcedure
    .meta(
      rest(
        "L2 networks",
        "GET /l2-networks/:l2Id/clusters",
        "List the clusters an L2 network is attached to",
        {
          description:
            "By name, with each cluster's host count. An L2 network's own answer names only its first few clusters and their count (`clusterCount`).",
        },
      ),
    )
    .input(core.l2ClustersInput)
    .output(l2RouterOutputs.clusters)
    .query(serve(core.listL2Clusters)),
  /** Admin (R15). R1: no SR-IOV on a Vxlan L2. */
  create: adminProcedure
    .meta(
      rest("L2 networks", "POST /l2-networks", "Create an L2 network", {
        description: "No SR-IOV on a Vxlan L2 (R1).",
      }),
    )
    .input(core.createL2Input)
    .output(l2RouterOutputs.create)
    .mutation(serve(core.createL2Network)),
  /** Admin (R15). Name, description, SR-IOV flag (R1, R2). */
  update: adminProcedure
    .meta(rest("L2 networks", "PATCH /l2-networks/:l2Id", "Change an L2 network"))
    .input(core.updateL2Input)
    .output(l2RouterOutputs.update)
    .mutation(serve(core.updateL2Network)),
  /** Admin. Refused while L3s are on it (R16). */
  delete: adminProcedure
    .meta(
      rest("L2 networks", "DELETE /l2-networks/:l2Id", "Delete an L2 network", {
        description: "Refused while L3 networks use it (R16).",
      }),
    )
    .input(core.l2IdInput)
    .output(l2RouterOutputs.delete)
    .mutation(serveOk(core.deleteL2Network)),
  /** Admin. */
  attachCluster: adminProcedure
    .meta(
      rest(
        "L2 networks",
        "PUT /l2-networks/:l2Id/clusters/:clusterId",
        "Attach an L2 network to a cluster",
      ),
    )
    .input(core.l2ClusterInput)
    .output(l2RouterOutputs.attachCluster)
    .mutation(serve(core.attachL2Cluster)),
  /** Admin. Refused while VMs of the cluster have NICs on the L2. */
  detachCluster: adminProcedure
    .meta(
      rest(
        "L2 networks",
        "DELETE /l2-networks/:l2Id/clusters/:clusterId",
        "Detach an L2 network from a cluster",
      ),
    )
    .input(core.l2ClusterInput)
    .output(l2RouterOutputs.detachCluster)
    .mutation(serve(core.detachL2Cluster)),
});

export const l3Router = router({
  /** Any signed-in user: tenants pick L3s for their VMs' NICs. */
  list: authedProcedure
    .meta(rest("L3 networks", "GET /l3-networks", "List L3 networks"))
    .input(core.listL3Input)
    .output(l3RouterOutputs.list)
    .query(serve(core.listL3Networks)),
  /** Any signed-in user. */
  get: authedProcedure
    .meta(rest("L3 networks", "GET /l3-networks/:l3Id", "Get an L3 network"))
    .input(core.l3IdInput)
    .output(l3RouterOutputs.get)
    .query(serve(core.getL3Network)),
  /** Admin (R15). R2: SR-IOV only if the L2 has it. */
  create: adminProcedure
    .meta(
      rest("L3 networks", "POST /l3-networks", "Create an L3 network", {
        description: "SR-IOV only if its L2 has it (R2).",
      }),
    )
    .input(core.createL3Input)
    .output(l3RouterOutputs.create)
    .mutation(serve(core.createL3Network)),
  /** Admin (R15). Name, description, DNS, SR-IOV flag (R1, R2). */
  update: adminProcedure
    .meta(rest("L3 networks", "PATCH /l3-networks/:l3Id", "Change an L3 network"))
    .input(core.updateL3Input)
    .output(l3RouterOutputs.update)
    .mutation(serve(core.updateL3Network)),
  /** Admin. Refused while NICs or EIPs use it (R16). */
  delete: adminProcedure
    .meta(
      rest("L3 networks", "DELETE /l3-networks/:l3Id", "Delete an L3 network", {
        description: "Refused while NICs or EIPs use it (R16).",
      }),
    )
    .input(core.l3IdInput)
    .output(l3RouterOutputs.delete)
    .mutation(serveOk(core.deleteL3Network)),
  /** Admin. */
  addIpRange: adminProcedure
    .meta(rest("L3 networks", "POST /l3-networks/:l3Id/ip-ranges", "Add an IP range"))
    .input(core.addIpRangeInput)
    .output(l3RouterOutputs.addIpRange)
    .mutation(serve(core.addIpRange)),
  /** Admin. Refused while NICs hold addresses in it. */
  deleteIpRange: adminProcedure
    .meta(rest("L3 networks", "DELETE /ip-ranges/:ipRangeId", "Delete an IP range"))
    .input(core.ipRangeIdInput)
    .output(l3RouterOutputs.deleteIpRange)
    .mutation(serve(core.deleteIpRange)),
  /** Admin (R15). The SR-IOV profile's "migratable": new VF NICs on it get a failover partner. */
  setMigratable: adminProcedure
    .meta(
      rest(
        "L3 networks",
        "PUT /l3-networks/:l3Id/migratable",
        "Mark the L3's SR-IOV profile migratable (new VF NICs get a virtio failover partner)",
      ),
    )
    .input(core.setL3MigratableInput)
    .output(l3RouterOutputs.setMigratable)
    .mutation(serve(core.setL3Migratable)),
});

export const vxlanPoolsRouter = router({
  /** Admin, Auditor. */
  list: inventoryProcedure
    .meta(rest("VXLAN pools", "GET /vxlan-pools", "List VXLAN pools"))
    .input(core.listVxlanPoolsInput)
    .output(vxlanPoolsRouterOutputs.list)
    .query(serve(core.listVxlanPools)),
  /** Admin (R15). */
  create: adminProcedure
    .meta(rest("VXLAN pools", "POST /vxlan-pools", "Create a VXLAN pool"))
    .input(core.createVxlanPoolInput)
    .output(vxlanPoolsRouterOutputs.create)
    .mutation(serve(core.createVxlanPool)),
  /** Admin. Refused while L2s use it. */
  delete: adminProcedure
    .meta(rest("VXLAN pools", "DELETE /vxlan-pools/:poolId", "Delete a VXLAN pool"))
    .input(core.vxlanPoolIdInput)
    .output(vxlanPoolsRouterOutputs.delete)
    .mutation(serveOk(core.deleteVxlanPool)),
});

export const networksRouter = router({
  l2: l2Router,
  l3: l3Router,
  vxlanPools: vxlanPoolsRouter,
});
