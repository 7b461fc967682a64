import * as core from "@virtfn/core";
import { adminProcedure, authedProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve, serveOk } from "./serve";
import { catalogRouterOutputs } from "./outputs.generated";

export const catalogRouter = router({
  /** Signed in: everyone who creates VMs picks an offering. */
  offerings: authedProcedure
    .meta(rest("Catalog", "GET /offerings", "List instance offerings"))
    .output(catalogRouterOutputs.offerings)
    .query(serve(core.listOfferings)),
  /** Signed in. */
  images: authedProcedure
    .meta(rest("Catalog", "GET /images", "List images"))
    .output(catalogRouterOutputs.images)
    .query(serve(core.listImages)),
  /** Admin. */
  createOffering: adminProcedure
    .meta(rest("Catalog", "POST /offerings", "Create an instance offering"))
    .input(core.createOfferingInput)
    .output(catalogRouterOutputs.createOffering)
    .mutation(serve(core.createOffering)),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteOffering: adminProcedure
    .meta(rest("Catalog", "DELETE /offerings/:offeringId", "Delete an instance offering"))
    .input(core.offeringIdInput)
    .output(catalogRouterOutputs.deleteOffering)
    .mutation(serveOk(core.deleteOffering)),
  /** Admin. */
  createImage: adminProcedure
    .meta(rest("Catalog", "POST /images", "Create an image"))
    .input(core.createImageInput)
    .output(catalogRouterOutputs.createImage)
    .mutation(serve(core.createImage)),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteImage: adminProcedure
    .meta(rest("Catalog", "DELETE /images/:imageId", "Delete an image"))
    .input(core.imageIdInput)
    .output(catalogRouterOutputs.deleteImage)
    .mutation(serveOk(core.deleteImage)),
});
