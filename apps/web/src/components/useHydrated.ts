"use client";

import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/**
 * False in the server's render and in hydration, true after: for a part of a server-rendered page
 * whose text depends on the clock deep inside a shared component (relative times), rendered by
 * the browser alone so that hydration does not fail on it.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
