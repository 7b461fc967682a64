"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
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

export interface ListParams<S extends string = string, F extends string = string> {
  /** The search text as typed (the URL gets it once typing pauses). */
  searchText: string;
  setSearchText: (text: string) => void;
  /** The search the query should use: trimmed, from the URL, undefined when empty. */
  q: string | undefined;
  sort: S | undefined;
  order: SortOrder;
  setSort: (sort: S, order: SortOrder) => void;
  filters: Record<F, string | undefined>;
  setFilter: (key: F, value: string | undefined) => void;
  /** True when a search or a filter narrows the list (an empty list then says "no match"). */
  narrowed: boolean;
  clear: () => void;
  limit: number;
  setLimit: (limit: number) => void;
  cursor: string | undefined;
  /** Where the current page starts, for "26–50 of 120". */
  offset: number;
  hasPrev: boolean;
  next: (cursor: string) => void;
  prev: () => void;
}

const LIMITS = [10, 25, 50, 100];
const SEARCH_DEBOUNCE_MS = 250;

/**
 * A list's search, filters, sort, page size and cursor, kept in the URL's search params so that a
 * filtered list can be linked, reloaded and reached again with Back. The cursors of the pages
 * before the current one stay in memory: they are only needed for "Previous".
 */
export function useListParams<S extends string = string, F extends string = never>(
  options: ListParamsOptions<S, F> = {},
): ListParams<S, F> {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const q = params.get("q")?.trim() || undefined;
  const rawSort = params.get("sort");
  const sort = options.sorts?.find((s) => s === rawSort) ?? (options.defaultSort as S | undefined);
  const rawOrder = params.get("order");
  const order: SortOrder =
    rawOrder === "asc" || rawOrder === "desc" ? rawOrder : (options.defaultOrder ?? "asc");
  const rawLimit = Number(params.get("limit"));
  const limit = LIMITS.includes(rawLimit) ? rawLimit : (options.defaultLimit ?? 25);
  const cursor = params.get("cursor") ?? undefined;
  const filters = {} as Record<F, string | undefined>;
  for (const key of options.filters ?? []) filters[key] = params.get(key) ?? undefined;

  const replace = (changes: Record<string, string | undefined>, keepPage = false) => {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === "") next.delete(key);
      else next.set(key, value);
    }
    if (!keepPage) next.delete("cursor");
    const query = next.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  // The pages before this one, as cursors ("" is the first page); reset when anything but the
  // cursor changes, because those cursors belong to another list.
  const listKey = [q, sort, order, limit, ...Object.values(filters)].join("|");
  const [stack, setStack] = useState<{ key: string; cursors: string[] }>({
    key: listKey,
    cursors: [],
  });
  const cursors = stack.key === listKey ? stack.cursors : [];

  const [searchText, setSearchText] = useState(q ?? "");
  // Back/Forward or a link may change ?q= under the box: show what the list is filtered by.
  const [shownQ, setShownQ] = useState(q);
  if (shownQ !== q) {
    setShownQ(q);
    if ((searchText.trim() || undefined) !== q) setSearchText(q ?? "");
  }
  useEffect(() => {
    const typed = searchText.trim() || undefined;
    if (typed === q) return undefined;
    const timer = setTimeout(() => replace({ q: typed }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // Only typing starts a new search (a Back to another ?q= does not retype it).
  }, [searchText]);

  const numericCursor = cursor && /^\d+$/.test(cursor) ? Number(cursor) : null;
  return {
    searchText,
    setSearchText,
    q,
    sort,
    order,
    setSort: (s, o) => replace({ sort: s, order: o }),
    filters,
    setFilter: (key, value) => replace({ [key]: value }),
    narrowed: q !== undefined || Object.values(filters).some((v) => v !== undefined),
    clear: () => {
      setSearchText("");
      replace({
        q: undefined,
        ...Object.fromEntries((options.filters ?? []).map((k) => [k, undefined])),
      });
    },
    limit,
    setLimit: (l) => replace({ limit: String(l) }),
    cursor,
    offset: numericCursor ?? cursors.length * limit,
    hasPrev: cursor !== undefined,
    next: (nextCursor) => {
      setStack({ key: listKey, cursors: [...cursors, cursor ?? ""] });
      replace({ cursor: nextCursor }, true);
    },
    prev: () => {
      const previous = cursors.at(-1);
      setStack({ key: listKey, cursors: cursors.slice(0, -1) });
      replace({ cursor: previous || undefined }, true);
    },
  };
}

/** The page a cursor-paged list query asks for. */
export function pageInput(list: { cursor: string | undefined; limit: number }) {
  return { cursor: list.cursor, limit: list.limit };
}

/** The page, search and sort a list query asks for (the lists whose input has `search`). */
export function listInput<S extends string, F extends string>(list: ListParams<S, F>) {
  return { ...pageInput(list), search: list.q, sort: list.sort, order: list.order };
}
