"use client";

import { useRouter } from "next/navigation";
import { createContext, use, type ReactNode } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { DetailGate, isNotFound, type DetailList } from "~/components/ui/DetailGate";
import { useLastShown } from "~/components/ui/useLastShown";
import type { ShownError } from "~/lib/errors";

const RefreshErrorContext = createContext<ShownError | null>(null);

/**
 * A detail page's view, rendered on the server, kept on screen when a refresh fails: the last view
 * shown for the same `itemKey` stays, with the failure in its header (where the view puts
 * <RefreshError />). Without a view to show (the first read failed, or the thing is gone) the
 * page shows its gate: not found with the way back to its list, or the error to retry.
 */
export function LastShown({
  itemKey,
  view,
  error,
  noun,
  list,
  missing,
}: {
  itemKey: string;
  /** The view the server rendered, null when its read failed. */
  view: ReactNode;
  error: ShownError | null;
  /** "L3 network": "L3 network not found." */
  noun: string;
  list: DetailList;
  /** Instead of the plain "not found" (where more can be said). */
  missing?: ReactNode;
}) {
  const router = useRouter();
  const shown = useLastShown(view, itemKey, isNotFound(error));
  if (shown === null) {
    return (
      <DetailGate
        query={{ isPending: false, error, refetch: () => router.refresh() }}
        noun={noun}
        list={list}
        missing={missing}
      />
    );
  }
  return <RefreshErrorContext value={error}>{shown}</RefreshErrorContext>;
}

/** Why the latest refresh failed, while LastShown keeps the last view on screen. */
export function RefreshError() {
  const error = use(RefreshErrorContext);
  return error ? <ErrorBox title="Refreshing failed." error={error} /> : null;
}
