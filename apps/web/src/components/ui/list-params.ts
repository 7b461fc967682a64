// A list's URL search params read the same way on the server (a page that renders its list
// there) and in the browser (useListParams): no "use client", so both can import it.
import type { SortOrder } from "~/components/table";

export interface ListParamsOptions<S extends string, F extends string> {
  /** The sort fields the list's input schema accepts; anything else in the URL is ignored. */
  sorts?: readonly S[];
  defaultSort?: S;
  defaultOrder?: SortOrder;
  /** The URL keys of the list's filters (for example "role", "state"). */
  filters?: readonly F[];
  defaultLimit?: number;
}

export interface ListUrlState<S extends string, F extends string> {
  q: string | undefined;
  sort: S | undefined;
  order: SortOrder;
  limit: number;
  cursor: string | undefined;
  filters: Record<F, string | undefined>;
}

export const LIST_LIMITS = [10, 25, 50, 100];

/** Next's `searchParams` of a page (a key may repeat: the first value counts). */
export type PageSearchParams = Record<string, string | string[] | undefined>;

/** A page's searchParams as a getter, the shape readListParams takes. */
export function searchParamGetter(params: PageSearchParams): (key: string) => string | null {
  return (key) => {
    const value = params[key];
    return (Array.isArray(value) ? value[0] : value) ?? null;
  };
}

export function readListParams<S extends string, F extends string>(
  get: (key: string) => string | null,
  options: ListParamsOptions<S, F>,
): ListUrlState<S, F> {
  const rawSort = get("sort");
  const rawOrder = get("order");
  const rawLimit = Number(get("limit"));
  const filters = {} as Record<F, string | undefined>;
  for (const key of options.filters ?? []) filters[key] = get(key) || undefined;
  return {
    q: get("q")?.trim() || undefined,
    sort: options.sorts?.find((s) => s === rawSort) ?? options.defaultSort,
    order: rawOrder === "asc" || rawOrder === "desc" ? rawOrder : (options.defaultOrder ?? "asc"),
    limit: LIST_LIMITS.includes(rawLimit) ? rawLimit : (options.defaultLimit ?? 25),
    cursor: get("cursor") || undefined,
    filters,
  };
}

/** The page a cursor-paged list query asks for. */
export function pageInput(list: { cursor: string | undefined; limit: number }) {
  return { cursor: list.cursor, limit: list.limit };
}

/** The page, search and sort a list query asks for (the lists whose input has `search`). */
export function listInput<S extends string>(list: {
  cursor: string | undefined;
  limit: number;
  q: string | undefined;
  sort: S | undefined;
  order: SortOrder;
}) {
  return { ...pageInput(list), search: list.q, sort: list.sort, order: list.order };
}
