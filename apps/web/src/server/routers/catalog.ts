import * as core from "@virtfn/core";
import { catalogRouterOutputs } from "./outputs.generated";
import { admin, answersOk, serviceRouter, signedIn } from "./service-router";

export const catalogRouter = serviceRouter("Catalog", catalogRouterOutputs, {
  /** Signed in: everyone who creates VMs picks an offering. */
  offerings: signedIn({
    route: "GET /offerings",
    summary: "List instance offerings",
    service: core.listOfferings,
  }),
  /** Signed in. */
  images: signedIn({
    route: "GET /images",
    summary: "List images",
    service: core.listImages,
  }),
  /** Admin. */
  createOffering: admin({
    route: "POST /offerings",
    summary: "Create an instance offering",
    input: core.createOfferingInput,
    service: core.createOffering,
  }),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteOffering: admin({
    route: "DELETE /offerings/:offeringId",
    summary: "Delete an instance offering",
    input: core.offeringIdInput,
    service: answersOk(core.deleteOffering),
  }),
  /** Admin. */
  createImage: admin({
    route: "POST /images",
    summary: "Create an image",
    input: core.createImageInput,
    service: core.createImage,
  }),
  /** Admin. Refused while VMs use it (CATALOG_IN_USE). */
  deleteImage: admin({
    route: "DELETE /images/:imageId",
    summary: "Delete an image",
    input: core.imageIdInput,
    service: answersOk(core.deleteImage),
  }),
});
