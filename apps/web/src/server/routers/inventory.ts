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

const ok = { ok: true as const };

export const inventoryRouter = router({
  /** Admin, Auditor. */
  clusters: inventoryProcedure.query(({ ctx }) => listClusters(ctx.db, ctx.actor)),
  /** Admin, Auditor. */
  zones: inventoryProcedure.query(({ ctx }) => listZones(ctx.db, ctx.actor)),
  /** Admin. */
  createZone: adminProcedure
    .input(createZoneInput)
    .mutation(({ ctx, input }) => createZone(ctx.db, ctx.actor, input)),
  /** Admin. */
  renameZone: adminProcedure
    .input(renameZoneInput)
    .mutation(({ ctx, input }) => renameZone(ctx.db, ctx.actor, input)),
  /** Admin. Refused while it has clusters, L2 networks or VXLAN pools (ZONE_NOT_EMPTY). */
  deleteZone: adminProcedure.input(zoneIdInput).mutation(async ({ ctx, input }) => {
    await deleteZone(ctx.db, ctx.actor, input);
    return ok;
  }),
  /** Admin. */
  createCluster: adminProcedure
    .input(createClusterInput)
    .mutation(({ ctx, input }) => createCluster(ctx.db, ctx.actor, input)),
  /** Admin. */
  renameCluster: adminProcedure
    .input(renameClusterInput)
    .mutation(({ ctx, input }) => renameCluster(ctx.db, ctx.actor, input)),
  /** Admin. Refused while it has hosts, VMs or attached L2 networks (CLUSTER_NOT_EMPTY). */
  deleteCluster: adminProcedure.input(clusterIdInput).mutation(async ({ ctx, input }) => {
    await deleteCluster(ctx.db, ctx.actor, input);
    return ok;
  }),
});
