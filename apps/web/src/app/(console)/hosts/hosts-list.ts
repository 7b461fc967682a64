// The hosts list's URL params, read alike by the page (server) and HostsPage (browser): no
// "use client", so both import it.
import type { HostConnectionState } from "@virtfn/db";
import type { ListUrlState } from "~/components/ui/list-params";

export const connectionStates = [
  "Connected",
  "Connecting",
  "Disconnected",
] as const satisfies readonly HostConnectionState[];

export const hostsList = {
  sorts: ["name", "createdAt", "connectionState"] as const,
  defaultSort: "name" as const,
  filters: ["cluster", "state"] as const,
};

type HostsListState = ListUrlState<
  (typeof hostsList.sorts)[number],
  (typeof hostsList.filters)[number]
>;

/** hosts.list's filters from the URL's (a state that is not one is no filter). */
export function hostsFilterInput(list: HostsListState) {
  return {
    clusterId: list.filters.cluster,
    connectionState: connectionStates.find((s) => s === list.filters.state),
  };
}
