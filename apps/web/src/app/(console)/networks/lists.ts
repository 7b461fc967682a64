// The L2 and L3 lists' URL params and the list input they make, read alike by the pages (on the
// server) and the list components (in the browser): no "use client".
import { listInput, type ListUrlState } from "~/components/ui/list-params";
import { l2Types, l3Categories, sriovFromFilter } from "./shared";

export const l2List = {
  sorts: ["name", "type", "createdAt"] as const,
  defaultSort: "name" as const,
  filters: ["type", "sriov"] as const,
};

export const l3List = {
  sorts: ["name", "category", "createdAt"] as const,
  defaultSort: "name" as const,
  filters: ["category", "sriov"] as const,
};

type Sorts<O> = O extends { sorts: readonly (infer S extends string)[] } ? S : never;
type Filters<O> = O extends { filters: readonly (infer F extends string)[] } ? F : never;

export function l2ListInput(params: ListUrlState<Sorts<typeof l2List>, Filters<typeof l2List>>) {
  return {
    ...listInput(params),
    type: l2Types.find((t) => t === params.filters.type),
    sriovEnabled: sriovFromFilter(params.filters.sriov),
  };
}

export function l3ListInput(params: ListUrlState<Sorts<typeof l3List>, Filters<typeof l3List>>) {
  return {
    ...listInput(params),
    category: l3Categories.find((c) => c === params.filters.category),
    sriovEnabled: sriovFromFilter(params.filters.sriov),
  };
}

/** Lists refresh on the server this often while open (their react-query interval before). */
export const LIST_REFRESH_MS = 30_000;
