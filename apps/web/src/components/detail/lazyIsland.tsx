"use client";

import type { ComponentType } from "react";
import { lazyComponent } from "~/components/lazyComponent";
import { useHydrated } from "~/components/useHydrated";
import styles from "./island.module.css";

/**
 * A page's interactive part (its buttons, menus, forms) whose code loads after the page's first
 * load. The server renders it in full, and React keeps the server's HTML until the code is there
 * to hydrate it. Until then its controls are disabled (a fieldset around it), so that a click
 * before its handlers are attached waits instead of doing nothing.
 */
export function lazyIsland<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazyComponent(async () => {
    const Island = await load();
    function HydratedIsland(props: P) {
      const hydrated = useHydrated();
      return (
        <fieldset className={styles.island} disabled={!hydrated}>
          <Island {...props} />
        </fieldset>
      );
    }
    return HydratedIsland;
  });
}
