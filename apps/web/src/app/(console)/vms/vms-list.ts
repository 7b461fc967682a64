// The VM list's URL params and its vms.list input, read alike by the page (server) and VmsPage
// (browser): no "use client".
import { listInput, type ListUrlState } from "~/components/ui/list-params";
import { vmStates } from "./vmState";

export const vmsList = {
  sorts: ["name", "createdAt", "state"] as const,
  defaultSort: "name" as const,
  filters: ["state"] as const,
};

type VmSort = (typeof vmsList.sorts)[number];

export function vmsListInput(params: ListUrlState<VmSort, "state">) {
  return { ...listInput(params), state: vmStates.find((s) => s === params.filters.state) };
}
