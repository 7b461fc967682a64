// No "use client": a server-rendered page's page.tsx shapes its whole lists with it.
import type { ListPage } from "./ListView";

/** A list the server answers whole (an array) as the one page a ListSection shows. */
export function wholePage<T>(items: T[]): ListPage<T> {
  return { items, nextCursor: null, total: items.length };
}
