// The VF list's URL params and its query, read alike by the page (server) and VfsPage (browser).
import type { VfState } from "@virtfn/db";
import type { ListUrlState } from "~/components/ui/list-params";

export const vfStates = [
  "Available",
  "Reserved",
  "Attached",
  "Releasing",
  "Missing",
] as const satisfies readonly VfState[];

export const vfsList = { filters: ["state", "l2", "pf", "host"] as const, defaultLimit: 50 };

/** sriov.vfs's input for the URL's search, filters and page. */
export function vfsInput(list: ListUrlState<never, (typeof vfsList.filters)[number]>) {
  return {
    cursor: list.cursor,
    limit: list.limit,
    q: list.q,
    state: vfStates.find((s) => s === list.filters.state),
    hostId: list.filters.host,
    pfId: list.filters.pf,
    l2Id: list.filters.l2,
  };
}
