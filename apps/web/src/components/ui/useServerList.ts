"use client";

import { useSearchParams } from "next/navigation";
import { useLiveRefresh } from "~/components/useLiveRefresh";
import type { ShownError } from "~/lib/errors";
import type { ListPage, ListQuery } from "./ListView";
import { useListParams, type ListParams, type ListParamsOptions } from "./useListParams";
import { useLastShown } from "./useLastShown";

/**
 * A list the server rendered (its page.tsx fetched it for the URL's params), as the query
 * ListView reads, refreshed on the server every `refreshMs` while the tab is visible. A refresh
 * that fails keeps the rows already shown, with the failure above them.
 */
export function useServerList<T>(
  page: ListPage<T> | null,
  error: ShownError | null,
  refreshMs: number,
): ListQuery<T> {
  const refresh = useLiveRefresh(refreshMs);
  const shown = useLastShown(page, useSearchParams().toString());
  return {
    data: shown ?? undefined,
    isPending: false,
    isFetching: refresh.pending,
    isError: error !== null,
    error,
    refetch: refresh.now,
  };
}

/** A list page's server read, or its failure to show: what page.tsx passes its list component. */
export interface ServerRead<T> {
  data: ListPage<T> | null;
  error: ShownError | null;
}

/** What ListView and ListPage take of a list: its params (in the URL) and its query. */
export interface ListViewSource<T, S extends string, F extends string> {
  list: ListParams<S, F>;
  query: ListQuery<T>;
}

/**
 * A server-rendered list whole, for ListView or ListPage to spread: the URL's search, filters,
 * sort and page (`options` say which) and the rows the server read for them (null without a read,
 * as before a project is picked), refreshed every `refreshMs`.
 */
export function useServerListView<T, S extends string = string, F extends string = never>(
  read: ServerRead<T> | null,
  refreshMs: number,
  options?: ListParamsOptions<S, F>,
): ListViewSource<T, S, F> {
  const list = useListParams(options);
  const query = useServerList(read?.data ?? null, read?.error ?? null, refreshMs);
  return { list, query };
}
