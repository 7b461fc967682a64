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

const ok = { ok: true as const };

export const catalogRouter = router({
  /** Signed in: everyone who creates VMs picks an offering. */
  offerings: authedProcedure.query(({ ctx }) => listOfferings(ctx.db, ctx.actor)),
  /** Signed in. */
  images: authedProcedure.query(({ ctx }) => listImages(ctx.db, ctx.actor)),
  /** Admin. */
  createOffering: adminProcedure
    .input(createOfferingInput)
    .mutation(({ ctx, input }) => createOffering(ctx.db, ctx.actor, input)),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteOffering: adminProcedure.input(offeringIdInput).mutation(async ({ ctx, input }) => {
    await deleteOffering(ctx.db, ctx.actor, input);
    return ok;
  }),
  /** Admin. */
  createImage: adminProcedure
    .input(createImageInput)
    .mutation(({ ctx, input }) => createImage(ctx.db, ctx.actor, input)),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteImage: adminProcedure.input(imageIdInput).mutation(async ({ ctx, input }) => {
    await deleteImage(ctx.db, ctx.actor, input);
    return ok;
  }),
});
