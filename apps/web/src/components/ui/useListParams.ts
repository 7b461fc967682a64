"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import type { SortOrder } from "~/components/table";
import { readListParams, type ListParamsOptions } from "./list-params";

export { listInput, pageInput, type ListParamsOptions } from "./list-params";

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

  const { q, sort, order, limit, cursor, filters } = readListParams<S, F>(
    (key) => params.get(key),
    options,
  );

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
