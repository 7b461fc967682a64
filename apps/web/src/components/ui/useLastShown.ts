"use client";

import { useState } from "react";

/**
 * What a server-rendered list or panel shows: this render's answer, or after a failed refresh the
 * last one shown for the same `key` (the same URL, VM or network), so that the data stays on
 * screen with the failure beside it (react-query's last data, for data the server renders and
 * useLiveRefresh refreshes). An answer for another key never shows.
 */
export function useLastShown<T>(data: T | null, key: string): T | null {
  const [last, setLast] = useState({ key, data });
  if (data !== null && (last.data !== data || last.key !== key)) setLast({ key, data });
  return data ?? (last.key === key ? last.data : null);
}
