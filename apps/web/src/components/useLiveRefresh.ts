"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState, useTransition } from "react";

/**
 * Renders the page again on the server every `ms` while the tab is visible, and at once when it
 * becomes visible again (react-query's interval and refetch-on-focus, for a server-rendered page).
 * The rows stay on screen meanwhile; `pending` is true until the new ones arrive. Each refresh
 * starts only once the last one has landed: Next queues router.refresh() calls, so on a server
 * slower than `ms` a fixed interval would queue them faster than they land and show older and
 * older data.
 */
export function useLiveRefresh(ms: number) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // Bumped at each refresh, so that the next one is scheduled even when it lands at once.
  const [refreshes, setRefreshes] = useState(0);
  const now = useCallback(() => {
    setRefreshes((count) => count + 1);
    startTransition(() => router.refresh());
  }, [router]);
  useEffect(() => {
    if (pending) return undefined;
    const timer = setTimeout(() => {
      if (document.visibilityState === "visible") now();
    }, ms);
    return () => clearTimeout(timer);
  }, [ms, now, pending, refreshes]);
  useEffect(() => {
    // A tab shown again catches up at once (a hidden one skipped its ticks).
    const onShow = () => {
      if (document.visibilityState === "visible") now();
    };
    document.addEventListener("visibilitychange", onShow);
    return () => document.removeEventListener("visibilitychange", onShow);
  }, [now]);
  return { pending, now };
}
