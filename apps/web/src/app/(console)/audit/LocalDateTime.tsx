"use client";

import { useSyncExternalStore } from "react";
import { dateTime } from "~/lib/format";

const noSubscription = () => () => {};

/**
 * A time in the reader's locale and zone. The server knows neither, so it renders UTC; the
 * browser hydrates that same text, then shows its own (no hydration mismatch).
 */
export function LocalDateTime({ date }: { date: Date }) {
  const inBrowser = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const iso = date.toISOString();
  return (
    <time dateTime={iso}>
      {inBrowser ? dateTime(date) : `${iso.slice(0, 16).replace("T", " ")} UTC`}
    </time>
  );
}
