"use client";

import { useSearchParams } from "next/navigation";
import { useLiveRefresh } from "~/components/useLiveRefresh";
import type { ShownError } from "~/lib/errors";
import type { ListPage, ListQuery } from "./ListView";
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
