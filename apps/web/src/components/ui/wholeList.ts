// For a server-rendered page whose procedure answers a whole list (an array, not a page): the
// page ListView and useServerList read. Made on the server, so the browser gets one stable object
// per render (useServerList keeps the last page by identity).
import type { ListPage } from "./ListView";
import type { Settled } from "~/trpc/server";

export function wholeList<T>(settled: Settled<T[]>): Settled<ListPage<T>> {
  return settled.error
    ? settled
    : { data: { items: settled.data, nextCursor: null, total: settled.data.length }, error: null };
}
