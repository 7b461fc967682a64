import * as core from "@virtfn/core";
import { router } from "../trpc";
import { l2RouterOutputs, l3RouterOutputs, vxlanPoolsRouterOutputs } from "./outputs.generated";
import { admin, answersOk, inventory, serviceRouter, signedIn } from "./service-router";

export const l2Router = serviceRouter("L2 networks", l2RouterOutputs, {
  /** Admin, Auditor. */
  list: inventory({
    route: "GET /l2-networks",
    summary: "List L2 networks",
    input: core.listL2Input,
    service: core.listL2Networks,
  }),
  /** Admin, Auditor. */
  get: inventory({
    route: "GET /l2-networks/:l2Id",
    summary: "Get an L2 network",
    input: core.l2IdInput,
    service: core.getL2Network,
  }),
  /** Admin, Auditor. The clusters an L2 is attached to, a page at a time (an L2 row names a few). */
  clusters: inventory({
    route: "GET /l2-networks/:l2Id/clusters",
    summary: "List the clusters an L2 network is attached to",
    input: core.l2ClustersInput,
    service: core.listL2Clusters,
    description:
      "By name, with each cluster's host count. An L2 network's own answer names only its first few clusters and their count (`clusterCount`).",
  }),
  /** Admin (R15). R1: no SR-IOV on a Vxlan L2. */
  create: admin({
    route: "POST /l2-networks",
    summary: "Create an L2 network",
    input: core.createL2Input,
    service: core.createL2Network,
    description: "No SR-IOV on a Vxlan L2 (R1).",
  }),
  /** Admin (R15). Name, description, SR-IOV flag (R1, R2). */
  update: admin({
    route: "PATCH /l2-networks/:l2Id",
    summary: "Change an L2 network",
    input: core.updateL2Input,
    service: core.updateL2Network,
  }),
  /** Admin. Refused while L3s are on it (R16). */
  delete: admin({
    route: "DELETE /l2-networks/:l2Id",
    summary: "Delete an L2 network",
    input: core.l2IdInput,
    service: answersOk(core.deleteL2Network),
    description: "Refused while L3 networks use it (R16).",
  }),
  /** Admin. */
  attachCluster: admin({
    route: "PUT /l2-networks/:l2Id/clusters/:clusterId",
    summary: "Attach an L2 network to a cluster",
    input: core.l2ClusterInput,
    service: core.attachL2Cluster,
  }),
  /** Admin. Refused while VMs of the cluster have NICs on the L2. */
  detachCluster: admin({
    route: "DELETE /l2-networks/:l2Id/clusters/:clusterId",
    summary: "Detach an L2 network from a cluster",
    input: core.l2ClusterInput,
    service: core.detachL2Cluster,
  }),
});

export const l3Router = serviceRouter("L3 networks", l3RouterOutputs, {
  /** Any signed-in user: tenants pick L3s for their VMs' NICs. */
  list: signedIn({
    route: "GET /l3-networks",
    summary: "List L3 networks",
    input: core.listL3Input,
    service: core.listL3Networks,
  }),
  /** Any signed-in user. */
  get: signedIn({
    route: "GET /l3-networks/:l3Id",
    summary: "Get an L3 network",
    input: core.l3IdInput,
    service: core.getL3Network,
  }),
  /** Admin (R15). R2: SR-IOV only if the L2 has it. */
  create: admin({
    route: "POST /l3-networks",
    summary: "Create an L3 network",
    input: core.createL3Input,
    service: core.createL3Network,
    description: "SR-IOV only if its L2 has it (R2).",
  }),
  /** Admin (R15). Name, description, DNS, SR-IOV flag (R1, R2). */
  update: admin({
    route: "PATCH /l3-networks/:l3Id",
    summary: "Change an L3 network",
    input: core.updateL3Input,
    service: core.updateL3Network,
  }),
  /** Admin. Refused while NICs or EIPs use it (R16). */
  delete: admin({
    route: "DELETE /l3-networks/:l3Id",
    summary: "Delete an L3 network",
    input: core.l3IdInput,
    service: answersOk(core.deleteL3Network),
    description: "Refused while NICs or EIPs use it (R16).",
  }),
  /** Admin. */
  addIpRange: admin({
    route: "POST /l3-networks/:l3Id/ip-ranges",
    summary: "Add an IP range",
    input: core.addIpRangeInput,
    service: core.addIpRange,
  }),
  /** Admin. Refused while NICs hold addresses in it. */
  deleteIpRange: admin({
    route: "DELETE /ip-ranges/:ipRangeId",
    summary: "Delete an IP range",
    input: core.ipRangeIdInput,
    service: core.deleteIpRange,
  }),
  /** Admin (R15). The SR-IOV profile's "migratable": new VF NICs on it get a failover partner. */
  setMigratable: admin({
    route: "PUT /l3-networks/:l3Id/migratable",
    summary: "Mark the L3's SR-IOV profile migratable (new VF NICs get a virtio failover partner)",
    input: core.setL3MigratableInput,
    service: core.setL3Migratable,
  }),
});

export const vxlanPoolsRouter = serviceRouter("VXLAN pools", vxlanPoolsRouterOutputs, {
  /** Admin, Auditor. */
  list: inventory({
    route: "GET /vxlan-pools",
    summary: "List VXLAN pools",
    input: core.listVxlanPoolsInput,
    service: core.listVxlanPools,
  }),
  /** Admin (R15). */
  create: admin({
    route: "POST /vxlan-pools",
    summary: "Create a VXLAN pool",
    input: core.createVxlanPoolInput,
    service: core.createVxlanPool,
  }),
  /** Admin. Refused while L2s use it. */
  delete: admin({
    route: "DELETE /vxlan-pools/:poolId",
    summary: "Delete a VXLAN pool",
    input: core.vxlanPoolIdInput,
    service: answersOk(core.deleteVxlanPool),
  }),
});

export const networksRouter = router({
  l2: l2Router,
  l3: l3Router,
  vxlanPools: vxlanPoolsRouter,
});
