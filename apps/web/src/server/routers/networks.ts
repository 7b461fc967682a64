import {
  addIpRange,
  addIpRangeInput,
  attachL2Cluster,
  createL2Input,
  createL2Network,
  createL3Input,
  createL3Network,
  createVxlanPool,
  createVxlanPoolInput,
  deleteIpRange,
  deleteL2Network,
  deleteL3Network,
  deleteVxlanPool,
  detachL2Cluster,
  getL2Network,
  getL3Network,
  ipRangeIdInput,
  l2ClusterInput,
  l2IdInput,
  l3IdInput,
  listL2Input,
  listL2Networks,
  listL3Input,
  listL3Networks,
  listVxlanPools,
  listVxlanPoolsInput,
  setL3Migratable,
  setL3MigratableInput,
  updateL2Input,
  updateL2Network,
  updateL3Input,
  updateL3Network,
  vxlanPoolIdInput,
} from "@virtfn/core";
import { adminProcedure, authedProcedure, inventoryProcedure, router } from "../trpc";
import { l2RouterOutputs, l3RouterOutputs, vxlanPoolsRouterOutputs } from "./outputs.generated";

const ok = { ok: true as const };

export const l2Router = router({
  /** Admin, Auditor. */
  list: inventoryProcedure
    .meta({ rest: { route: "GET /l2-networks", tag: "L2 networks", summary: "List L2 networks" } })
    .input(listL2Input)
    .output(l2RouterOutputs.list)
    .query(({ ctx, input }) => listL2Networks(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. */
  get: inventoryProcedure
    .meta({
      rest: { route: "GET /l2-networks/:l2Id", tag: "L2 networks", summary: "Get an L2 network" },
    })
    .input(l2IdInput)
    .output(l2RouterOutputs.get)
    .query(({ ctx, input }) => getL2Network(ctx.db, ctx.actor, input)),
  /** Admin (R15). R1: no SR-IOV on a Vxlan L2. */
  create: adminProcedure
    .meta({
      rest: {
        route: "POST /l2-networks",
        tag: "L2 networks",
        summary: "Create an L2 network",
        description: "No SR-IOV on a Vxlan L2 (R1).",
      },
    })
    .input(createL2Input)
    .output(l2RouterOutputs.create)
    .mutation(({ ctx, input }) => createL2Network(ctx.db, ctx.actor, input)),
  /** Admin (R15). Name, description, SR-IOV flag (R1, R2). */
  update: adminProcedure
    .meta({
      rest: {
        route: "PATCH /l2-networks/:l2Id",
        tag: "L2 networks",
        summary: "Change an L2 network",
      },
    })
    .input(updateL2Input)
    .output(l2RouterOutputs.update)
    .mutation(({ ctx, input }) => updateL2Network(ctx.db, ctx.actor, input)),
  /** Admin. Refused while L3s are on it (R16). */
  delete: adminProcedure
    .meta({
      rest: {
        route: "DELETE /l2-networks/:l2Id",
        tag: "L2 networks",
        summary: "Delete an L2 network",
        description: "Refused while L3 networks use it (R16).",
      },
    })
    .input(l2IdInput)
    .output(l2RouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteL2Network(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Admin. */
  attachCluster: adminProcedure
    .meta({
      rest: {
        route: "PUT /l2-networks/:l2Id/clusters/:clusterId",
        tag: "L2 networks",
        summary: "Attach an L2 network to a cluster",
      },
    })
    .input(l2ClusterInput)
    .output(l2RouterOutputs.attachCluster)
    .mutation(({ ctx, input }) => attachL2Cluster(ctx.db, ctx.actor, input)),
  /** Admin. Refused while VMs of the cluster have NICs on the L2. */
  detachCluster: adminProcedure
    .meta({
      rest: {
        route: "DELETE /l2-networks/:l2Id/clusters/:clusterId",
        tag: "L2 networks",
        summary: "Detach an L2 network from a cluster",
      },
    })
    .input(l2ClusterInput)
    .output(l2RouterOutputs.detachCluster)
    .mutation(({ ctx, input }) => detachL2Cluster(ctx.db, ctx.actor, input)),
});

export const l3Router = router({
  /** Any signed-in user: tenants pick L3s for their VMs' NICs. */
  list: authedProcedure
    .meta({ rest: { route: "GET /l3-networks", tag: "L3 networks", summary: "List L3 networks" } })
    .input(listL3Input)
    .output(l3RouterOutputs.list)
    .query(({ ctx, input }) => listL3Networks(ctx.db, ctx.actor, input)),
  /** Any signed-in user. */
  get: authedProcedure
    .meta({
      rest: { route: "GET /l3-networks/:l3Id", tag: "L3 networks", summary: "Get an L3 network" },
    })
    .input(l3IdInput)
    .output(l3RouterOutputs.get)
    .query(({ ctx, input }) => getL3Network(ctx.db, ctx.actor, input)),
  /** Admin (R15). R2: SR-IOV only if the L2 has it. */
  create: adminProcedure
    .meta({
      rest: {
        route: "POST /l3-networks",
        tag: "L3 networks",
        summary: "Create an L3 network",
        description: "SR-IOV only if its L2 has it (R2).",
      },
    })
    .input(createL3Input)
    .output(l3RouterOutputs.create)
    .mutation(({ ctx, input }) => createL3Network(ctx.db, ctx.actor, input)),
  /** Admin (R15). Name, description, DNS, SR-IOV flag (R1, R2). */
  update: adminProcedure
    .meta({
      rest: {
        route: "PATCH /l3-networks/:l3Id",
        tag: "L3 networks",
        summary: "Change an L3 network",
      },
    })
    .input(updateL3Input)
    .output(l3RouterOutputs.update)
    .mutation(({ ctx, input }) => updateL3Network(ctx.db, ctx.actor, input)),
  /** Admin. Refused while NICs or EIPs use it (R16). */
  delete: adminProcedure
    .meta({
      rest: {
        route: "DELETE /l3-networks/:l3Id",
        tag: "L3 networks",
        summary: "Delete an L3 network",
        description: "Refused while NICs or EIPs use it (R16).",
      },
    })
    .input(l3IdInput)
    .output(l3RouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteL3Network(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Admin. */
  addIpRange: adminProcedure
    .meta({
      rest: {
        route: "POST /l3-networks/:l3Id/ip-ranges",
        tag: "L3 networks",
        summary: "Add an IP range",
      },
    })
    .input(addIpRangeInput)
    .output(l3RouterOutputs.addIpRange)
    .mutation(({ ctx, input }) => addIpRange(ctx.db, ctx.actor, input)),
  /** Admin. Refused while NICs hold addresses in it. */
  deleteIpRange: adminProcedure
    .meta({
      rest: {
        route: "DELETE /ip-ranges/:ipRangeId",
        tag: "L3 networks",
        summary: "Delete an IP range",
      },
    })
    .input(ipRangeIdInput)
    .output(l3RouterOutputs.deleteIpRange)
    .mutation(({ ctx, input }) => deleteIpRange(ctx.db, ctx.actor, input)),
  /** Admin (R15). The SR-IOV profile's "migratable": new VF NICs on it get a failover partner. */
  setMigratable: adminProcedure
    .meta({
      rest: {
        route: "PUT /l3-networks/:l3Id/migratable",
        tag: "L3 networks",
        summary:
          "Mark the L3's SR-IOV profile migratable (new VF NICs get a virtio failover partner)",
      },
    })
    .input(setL3MigratableInput)
    .output(l3RouterOutputs.setMigratable)
    .mutation(({ ctx, input }) => setL3Migratable(ctx.db, ctx.actor, input)),
});

export const vxlanPoolsRouter = router({
  /** Admin, Auditor. */
  list: inventoryProcedure
    .meta({ rest: { route: "GET /vxlan-pools", tag: "VXLAN pools", summary: "List VXLAN pools" } })
    .input(listVxlanPoolsInput)
    .output(vxlanPoolsRouterOutputs.list)
    .query(({ ctx, input }) => listVxlanPools(ctx.db, ctx.actor, input)),
  /** Admin (R15). */
  create: adminProcedure
    .meta({
      rest: { route: "POST /vxlan-pools", tag: "VXLAN pools", summary: "Create a VXLAN pool" },
    })
    .input(createVxlanPoolInput)
    .output(vxlanPoolsRouterOutputs.create)
    .mutation(({ ctx, input }) => createVxlanPool(ctx.db, ctx.actor, input)),
  /** Admin. Refused while L2s use it. */
  delete: adminProcedure
    .meta({
      rest: {
        route: "DELETE /vxlan-pools/:poolId",
        tag: "VXLAN pools",
        summary: "Delete a VXLAN pool",
      },
    })
    .input(vxlanPoolIdInput)
    .output(vxlanPoolsRouterOutputs.delete)
    .mutation(async ({ ctx, input }) => {
      await deleteVxlanPool(ctx.db, ctx.actor, input);
      return ok;
    }),
});

export const networksRouter = router({
  l2: l2Router,
  l3: l3Router,
  vxlanPools: vxlanPoolsRouter,
});
