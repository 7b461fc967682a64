"use client";

import { useSteadyRefresh } from "./useSteadyRefresh";

/**
 * Renders the server-rendered page again every `ms` while it is mounted (and the tab visible):
 * render it only while there is something to follow, such as a running operation.
 */
export function LiveRefresh({ ms }: { ms: number }) {
  useSteadyRefresh(ms);
  return null;
}
