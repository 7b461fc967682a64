"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useTransition } from "react";

/**
 * Renders the page again on the server every `ms` while the tab is visible, and at once when it
 * becomes visible again (react-query's interval and refetch-on-focus, for a server-rendered page).
 * The rows stay on screen meanwhile; `pending` is true until the new ones arrive.
 */
export function useLiveRefresh(ms: number) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const now = useCallback(() => startTransition(() => router.refresh()), [router]);
  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === "visible") now();
    };
    const timer = setInterval(tick, ms);
    document.addEventListener("visibilitychange", tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", tick);
    };
  }, [ms, now]);
  return { pending, now };
}
