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
    .output(inventoryRouterOutputs.clusters)
    .query(({ ctx }) => listClusters(ctx.db, ctx.actor)),
  /** Admin, Auditor. */
  zones: inventoryProcedure
    .output(inventoryRouterOutputs.zones)
    .query(({ ctx }) => listZones(ctx.db, ctx.actor)),
  /** Admin. */
  createZone: adminProcedure
    .input(createZoneInput)
    .output(inventoryRouterOutputs.createZone)
    .mutation(({ ctx, input }) => createZone(ctx.db, ctx.actor, input)),
  /** Admin. */
  renameZone: adminProcedure
    .input(renameZoneInput)
    .output(inventoryRouterOutputs.renameZone)
    .mutation(({ ctx, input }) => renameZone(ctx.db, ctx.actor, input)),
  /** Admin. Refused while it has clusters, L2 networks or VXLAN pools (ZONE_NOT_EMPTY). */
  deleteZone: adminProcedure
    .input(zoneIdInput)
    .output(inventoryRouterOutputs.deleteZone)
    .mutation(async ({ ctx, input }) => {
      await deleteZone(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Admin. */
  createCluster: adminProcedure
    .input(createClusterInput)
    .output(inventoryRouterOutputs.createCluster)
    .mutation(({ ctx, input }) => createCluster(ctx.db, ctx.actor, input)),
  /** Admin. */
  renameCluster: adminProcedure
    .input(renameClusterInput)
    .output(inventoryRouterOutputs.renameCluster)
    .mutation(({ ctx, input }) => renameCluster(ctx.db, ctx.actor, input)),
  /** Admin. Refused while it has hosts, VMs or attached L2 networks (CLUSTER_NOT_EMPTY). */
  deleteCluster: adminProcedure
    .input(clusterIdInput)
    .output(inventoryRouterOutputs.deleteCluster)
    .mutation(async ({ ctx, input }) => {
      await deleteCluster(ctx.db, ctx.actor, input);
      return ok;
    }),
});
