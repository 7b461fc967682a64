import { z } from "zod";
import { pageInput } from "../shared/page-input";

const inventoryName = z
  .string()
  .trim()
  .min(1, "Give it a name")
  .max(64, "At most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Letters, digits, dots, dashes and underscores only");

export const createZoneInput = z.object({
  name: inventoryName,
  description: z.string().trim().max(256, "At most 256 characters").default(""),
});
export type CreateZoneInput = z.input<typeof createZoneInput>;

export const zoneIdInput = z.object({ zoneId: z.uuid("Not a zone id") });
export type ZoneIdInput = z.input<typeof zoneIdInput>;

export const renameZoneInput = zoneIdInput.extend({
  name: inventoryName,
  description: z.string().trim().max(256, "At most 256 characters").optional(),
});
export type RenameZoneInput = z.input<typeof renameZoneInput>;

export const createClusterInput = z.object({
  zoneId: z.uuid("Pick a zone"),
  name: inventoryName,
});
export type CreateClusterInput = z.input<typeof createClusterInput>;

export const clusterIdInput = z.object({ clusterId: z.uuid("Not a cluster id") });
export type ClusterIdInput = z.input<typeof clusterIdInput>;

export const renameClusterInput = clusterIdInput.extend({ name: inventoryName });
export type RenameClusterInput = z.input<typeof renameClusterInput>;

/** Clusters by zone name, then name, a page at a time. */
export const listClustersInput = pageInput.extend({
  zoneId: z.uuid().optional(),
  search: z.string().trim().max(100).optional(),
  /** Only the clusters this L2 network is not attached to (the L2 page's attach picker). */
  notAttachedToL2Id: z.uuid().optional(),
});
export type ListClustersInput = z.input<typeof listClustersInput>;
