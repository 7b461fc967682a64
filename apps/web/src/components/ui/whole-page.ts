// No "use client": a server-rendered page's page.tsx shapes its whole lists with it, inside
// settle(), so the browser gets one stable object per render (useServerList keeps the last page
// shown by identity).
import type { ListPage } from "./ListView";

/** A list the server answers whole (an array) as the one page ListView shows (`paged={false}`). */
export function wholePage<T>(items: T[]): ListPage<T> {
  return { items, nextCursor: null, total: items.length };
}
