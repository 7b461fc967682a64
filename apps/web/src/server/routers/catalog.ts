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
    .meta({ rest: { route: "GET /offerings", tag: "Catalog", summary: "List instance offerings" } })
    .output(catalogRouterOutputs.offerings)
    .query(({ ctx }) => listOfferings(ctx.db, ctx.actor)),
  /** Signed in. */
  images: authedProcedure
    .meta({ rest: { route: "GET /images", tag: "Catalog", summary: "List images" } })
    .output(catalogRouterOutputs.images)
    .query(({ ctx }) => listImages(ctx.db, ctx.actor)),
  /** Admin. */
  createOffering: adminProcedure
    .meta({
      rest: { route: "POST /offerings", tag: "Catalog", summary: "Create an instance offering" },
    })
    .input(createOfferingInput)
    .output(catalogRouterOutputs.createOffering)
    .mutation(({ ctx, input }) => createOffering(ctx.db, ctx.actor, input)),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteOffering: adminProcedure
    .meta({
      rest: {
        route: "DELETE /offerings/:offeringId",
        tag: "Catalog",
        summary: "Delete an instance offering",
      },
    })
    .input(offeringIdInput)
    .output(catalogRouterOutputs.deleteOffering)
    .mutation(async ({ ctx, input }) => {
      await deleteOffering(ctx.db, ctx.actor, input);
      return ok;
    }),
  /** Admin. */
  createImage: adminProcedure
    .meta({ rest: { route: "POST /images", tag: "Catalog", summary: "Create an image" } })
    .input(createImageInput)
    .output(catalogRouterOutputs.createImage)
    .mutation(({ ctx, input }) => createImage(ctx.db, ctx.actor, input)),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteImage: adminProcedure
    .meta({
      rest: { route: "DELETE /images/:imageId", tag: "Catalog", summary: "Delete an image" },
    })
    .input(imageIdInput)
    .output(catalogRouterOutputs.deleteImage)
    .mutation(async ({ ctx, input }) => {
      await deleteImage(ctx.db, ctx.actor, input);
      return ok;
    }),
});
