import { z } from "zod";

const catalogName = z
  .string()
  .trim()
  .min(1, "Give it a name")
  .max(64, "At most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Letters, digits, dots, dashes and underscores only");

export const createOfferingInput = z.object({
  name: catalogName,
  vcpus: z.number().int().min(1, "At least 1 vCPU").max(512, "At most 512 vCPUs"),
  memoryMiB: z.number().int().min(128, "At least 128 MiB").max(4_194_304, "At most 4 TiB"),
  /** Where its VMs' VF NICs must sit relative to their vCPUs and memory (vms/numa.ts). */
  vfNumaPolicy: z.enum(["none", "preferred", "required"]).default("none"),
});
export type CreateOfferingInput = z.input<typeof createOfferingInput>;

export const offeringIdInput = z.object({ offeringId: z.uuid("Not an offering id") });
export type OfferingIdInput = z.input<typeof offeringIdInput>;

export const createImageInput = z.object({
  name: catalogName,
  format: z.enum(["qcow2", "raw"]).default("qcow2"),
  sizeGiB: z.number().int().min(1, "At least 1 GiB").max(65_536),
});
export type CreateImageInput = z.input<typeof createImageInput>;

export const imageIdInput = z.object({ imageId: z.uuid("Not an image id") });
export type ImageIdInput = z.input<typeof imageIdInput>;
