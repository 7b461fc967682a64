import {
  createImage,
  createImageInput,
  createOffering,
  createOfferingInput,
  deleteImage,
  deleteOffering,
  imageIdInput,
  listImages,
  listOfferings,
  offeringIdInput,
} from "@virtfn/core";
import { adminProcedure, authedProcedure, router } from "../trpc";
import { catalogRouterOutputs } from "./outputs.generated";

const ok = { ok: true as const };

export const catalogRouter = router({
  /** Signed in: everyone who creates VMs picks an offering. */
  offerings: authedProcedure
    .output(catalogRouterOutputs.offerings)
    .query(({ ctx }) => listOfferings(ctx.db, ctx.actor)),
  /** Signed in. */
  images: authedProcedure
    .output(catalogRouterOutputs.images)
    .query(({ ctx }) => listImages(ctx.db, ctx.actor)),
  /** Admin. */
  createOffering: adminProcedure
    .input(createOfferingInput)
    .output(catalogRouterOutputs.createOffering)
    .mutation(({ ctx, input }) => createOffering(ctx.db, ctx.actor, input)),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteOffering: adminProcedure
    .input(offeringIdInput)
    .output(catalogRouterOutputs.deleteOffering)
    .mutation(async ({ ctx, input }) => {
      await deleteOffering(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Admin. */
  createImage: adminProcedure
    .input(createImageInput)
    .output(catalogRouterOutputs.createImage)
    .mutation(({ ctx, input }) => createImage(ctx.db, ctx.actor, input)),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteImage: adminProcedure
    .input(imageIdInput)
    .output(catalogRouterOutputs.deleteImage)
    .mutation(async ({ ctx, input }) => {
      await deleteImage(ctx.db, ctx.actor, input);
      return ok;
    }),
});
