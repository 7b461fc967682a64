"use client";

import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { useLiveRefresh } from "~/components/useLiveRefresh";
import type { ShownError } from "~/lib/errors";
import type { ListPage, ListQuery } from "./ListView";

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
  const shown = useLastPage(page, useSearchParams().toString());
  return {
    data: shown ?? undefined,
    isPending: false,
    isFetching: refresh.pending,
    isError: error !== null,
    error,
    refetch: refresh.now,
  };
}

/**
 * The page to show: this render's, or after a failed refresh the last one shown for the same URL
 * (a failure for other filters shows no rows of the old ones).
 */
function useLastPage<T>(page: T | null, url: string): T | null {
  const [last, setLast] = useState({ url, page });
  if (page !== null && (last.page !== page || last.url !== url)) setLast({ url, page });
  return page ?? (last.url === url ? last.page : null);
}
