"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState, useTransition } from "react";

/**
 * Renders the page again on the server every `ms` while the tab is visible, like useLiveRefresh,
 * but each refresh is started only once the last one has landed. A page that takes the server
 * longer than `ms` to render (a VM page following a migration every second, on a loaded host)
 * would otherwise queue refreshes faster than they land and show older and older data.
 */
export function useSteadyRefresh(ms: number) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // Bumped at each tick, so that the next one is scheduled even when the refresh lands at once.
  const [ticks, setTicks] = useState(0);
  const now = useCallback(() => {
    setTicks((count) => count + 1);
    startTransition(() => router.refresh());
  }, [router]);
  useEffect(() => {
    if (pending) return undefined;
    const timer = setTimeout(() => {
      if (document.visibilityState === "visible") now();
    }, ms);
    return () => clearTimeout(timer);
  }, [ms, now, pending, ticks]);
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
