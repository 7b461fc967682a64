"use client";

import { useLiveRefresh } from "./useLiveRefresh";

/**
 * Renders the server-rendered page again every `ms` while it is mounted (and the tab visible):
 * render it only while there is something to follow, such as a running operation.
 */
export function LiveRefresh({ ms }: { ms: number }) {
  useLiveRefresh(ms);
  return null;
}
