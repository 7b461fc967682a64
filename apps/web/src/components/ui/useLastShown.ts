"use client";

import { useState } from "react";
import { answerToShow } from "./last-shown";

/**
 * What a server-rendered list or panel shows: this render's answer, or after a failed refresh the
 * last one shown for the same `key` (the same URL, VM or network), so that the data stays on
 * screen with the failure beside it (react-query's last data, for data the server renders and
 * useLiveRefresh refreshes). An answer for another key never shows; nor one for a thing `gone`.
 */
export function useLastShown<T>(data: T | null, key: string, gone = false): T | null {
  const [last, setLast] = useState<{ key: string; data: T | null }>({ key, data });
  if (data !== null && (last.data !== data || last.key !== key)) setLast({ key, data });
  return answerToShow(last, key, data, gone);
}
