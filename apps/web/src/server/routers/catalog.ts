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
import { adminProcedure, authedProcedure, router, answerOk } from "../trpc";
import { restRoutes } from "../rest/route";
import { catalogRouterOutputs } from "./outputs.generated";

const rest = restRoutes("Catalog");

export const catalogRouter = router({
  /** Signed in: everyone who creates VMs picks an offering. */
  offerings: authedProcedure
    .meta(rest("GET /offerings", "List instance offerings"))
    .output(catalogRouterOutputs.offerings)
    .query(({ ctx }) => listOfferings(ctx.db, ctx.actor)),
  /** Signed in. */
  images: authedProcedure
    .meta(rest("GET /images", "List images"))
    .output(catalogRouterOutputs.images)
    .query(({ ctx }) => listImages(ctx.db, ctx.actor)),
  /** Admin. */
  createOffering: adminProcedure
    .meta(rest("POST /offerings", "Create an instance offering"))
    .input(createOfferingInput)
    .output(catalogRouterOutputs.createOffering)
    .mutation(({ ctx, input }) => createOffering(ctx.db, ctx.actor, input)),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteOffering: adminProcedure
    .meta(rest("DELETE /offerings/:offeringId", "Delete an instance offering"))
    .input(offeringIdInput)
    .output(catalogRouterOutputs.deleteOffering)
    .mutation(({ ctx, input }) => answerOk(deleteOffering(ctx.db, ctx.actor, input))),
  /** Admin. */
  createImage: adminProcedure
    .meta(rest("POST /images", "Create an image"))
    .input(createImageInput)
    .output(catalogRouterOutputs.createImage)
    .mutation(({ ctx, input }) => createImage(ctx.db, ctx.actor, input)),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteImage: adminProcedure
    .meta(rest("DELETE /images/:imageId", "Delete an image"))
    .input(imageIdInput)
    .output(catalogRouterOutputs.deleteImage)
    .mutation(({ ctx, input }) => answerOk(deleteImage(ctx.db, ctx.actor, input))),
});
