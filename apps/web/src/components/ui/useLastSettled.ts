"use client";

import { useState } from "react";
import type { ShownError } from "~/lib/errors";

/** One read a server-rendered page made: its answer, or the failure to show instead. */
export interface SettledRead<T> {
  data: T | null;
  error: ShownError | null;
}

/**
 * A read the server rendered, keeping the last answer for the same `key` when a refresh fails: the
 * data stays on screen with the failure beside it (react-query's last data, for a page whose data
 * the server renders and useLiveRefresh refreshes). Another key (another VM) starts afresh.
 */
export function useLastSettled<T>(read: SettledRead<T>, key: string): SettledRead<T> {
  const [last, setLast] = useState({ key, data: read.data });
  if (read.data !== null && (last.data !== read.data || last.key !== key)) {
    setLast({ key, data: read.data });
  }
  return { data: read.data ?? (last.key === key ? last.data : null), error: read.error };
}
