"use client";

import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/**
 * False in the server's render and while the browser hydrates it, true after. A server-rendered
 * page shows its buttons before their handlers are attached: a click then does nothing, so a
 * button that acts in the browser stays disabled until this is true.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
