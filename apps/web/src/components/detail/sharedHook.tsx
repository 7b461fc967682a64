"use client";

import { createContext, use, type ReactNode } from "react";

/**
 * One hook's value (an action, its pending state and error) shared by islands that a server
 * component renders apart inside one panel: its buttons in the table's rows and the error under
 * the panel's title. The provider wraps the panel; the islands read the value inside it.
 */
export function sharedHook<T>(useValue: () => T, name: string) {
  const Context = createContext<T | null>(null);
  function Provider({ children }: { children: ReactNode }) {
    return <Context value={useValue()}>{children}</Context>;
  }
  function useShared(): T {
    const value = use(Context);
    if (value === null) throw new Error(`${name}'s islands render inside its provider`);
    return value;
  }
  return { Provider, useShared };
}
