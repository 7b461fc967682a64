// The L2's clusters are paged in the URL (an L2 may be attached to hundreds): the page size and
// the cursors of the pages before this one, for "Previous". No "use client": the page reads it on
// the server and the panel writes it in the browser.
import { LIST_LIMITS } from "~/components/ui/list-params";

export const CLUSTER_LIMIT_KEY = "clusterLimit";
export const CLUSTER_AFTER_KEY = "clusterAfter";
const DEFAULT_LIMIT = 25;

export interface ClusterPages {
  limit: number;
  /** The cursors of the pages before the shown one; the last is the shown page's. */
  cursors: string[];
}

export function readClusterPages(
  limit: string | null | undefined,
  cursors: readonly string[],
): ClusterPages {
  const asked = Number(limit);
  return {
    limit: LIST_LIMITS.includes(asked) ? asked : DEFAULT_LIMIT,
    cursors: cursors.filter(Boolean),
  };
}

/** The URL query for `pages`, the other params kept. */
export function clusterPagesQuery(current: URLSearchParams, pages: ClusterPages): string {
  const next = new URLSearchParams(current);
  next.delete(CLUSTER_AFTER_KEY);
  next.delete(CLUSTER_LIMIT_KEY);
  if (pages.limit !== DEFAULT_LIMIT) next.set(CLUSTER_LIMIT_KEY, String(pages.limit));
  for (const cursor of pages.cursors) next.append(CLUSTER_AFTER_KEY, cursor);
  return next.toString();
}
