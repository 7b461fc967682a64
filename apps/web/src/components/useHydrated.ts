"use client";

import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/**
 * False in the server's render and while the browser hydrates it, true after. For a part whose
 * text depends on the clock deep inside a shared component (relative times), rendered by the
 * browser alone so that hydration does not fail on it; and for a button that acts in the
 * browser, which stays disabled until its handler is attached (a click before would do nothing).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
