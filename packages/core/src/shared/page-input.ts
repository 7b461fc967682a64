import { z } from "zod";

// The list inputs alone (zod, nothing else): client forms reach them through "@virtfn/core/schemas".
// The cursor codecs that read them on the server (pagination.ts) use Node's Buffer.

export const sortOrder = z.enum(["asc", "desc"]).default("asc");
export type SortOrder = z.infer<typeof sortOrder>;

/**
 * Cursor pagination. The cursor is opaque: an offset for small lists (projects, users, keys), a
 * keyset position (the last row's sort value and id) for the lists that grow with the fleet.
 */
export const pageInput = z.object({
  cursor: z
    .string()
    .max(512)
    .regex(/^[A-Za-z0-9_-]+$/, "cursor must come from a previous page")
    .optional(),
  limit: z.number().int().min(1).max(200).default(25),
});
export type PageInput = z.infer<typeof pageInput>;
