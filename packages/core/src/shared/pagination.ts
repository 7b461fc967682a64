import { z } from "zod";

export const sortOrder = z.enum(["asc", "desc"]).default("asc");

/** Cursor pagination: the cursor is the opaque offset of the next page, so sorting can vary. */
export const pageInput = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, "cursor must come from a previous page")
    .optional(),
  limit: z.number().int().min(1).max(200).default(25),
});
export type PageInput = z.infer<typeof pageInput>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

export function pageWindow(input: PageInput): { skip: number; take: number } {
  return { skip: input.cursor ? Number(input.cursor) : 0, take: input.limit };
}

export function toPage<T>(items: T[], total: number, input: PageInput): Page<T> {
  const { skip } = pageWindow(input);
  const next = skip + items.length;
  return { items, total, nextCursor: next < total ? String(next) : null };
}
