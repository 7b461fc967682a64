import { listClusters, listZones } from "@virtfn/core";
import { inventoryProcedure, router } from "../trpc";

export const inventoryRouter = router({
  /** Admin, Auditor. */
  clusters: inventoryProcedure.query(({ ctx }) => listClusters(ctx.db, ctx.actor)),
  /** Admin, Auditor. */
  zones: inventoryProcedure.query(({ ctx }) => listZones(ctx.db, ctx.actor)),
});
