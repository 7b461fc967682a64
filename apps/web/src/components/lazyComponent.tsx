"use client";

import { lazy, Suspense, type ComponentType } from "react";

/**
 * A component whose code loads when it is first rendered (a dialog when it opens), not with the
 * page. React's own lazy and Suspense: next/dynamic would add ~1.5 kB gzipped to every page.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>) {
  const Lazy = lazy(async () => ({ default: await load() }));
  function LazyBoundary(props: P) {
    return (
      <Suspense fallback={null}>
        <Lazy {...props} />
      </Suspense>
    );
  }
  return LazyBoundary;
}
