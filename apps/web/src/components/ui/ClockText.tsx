"use client";

import { useHydrated } from "~/components/useHydrated";
import { dateTime, duration, relativeTime } from "~/lib/time-format";

// Text that depends on the clock or on the reader's locale and zone ("12s ago", a local date).
// A server-rendered page cannot know it: the server (and the browser while it hydrates) renders
// the UTC time, then the browser its own text. Rendering it directly would differ between the
// two by a second or a zone, and React refuses the page's hydration (error 418).

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "12s ago" in the browser (the exact local time on hover); the UTC time from the server. */
export function TimeAgo({ date, now }: { date: Date | null; now?: number }) {
  const hydrated = useHydrated();
  if (!date) return <>{relativeTime(date)}</>;
  return (
    <time dateTime={date.toISOString()} title={hydrated ? dateTime(date) : undefined}>
      {hydrated ? relativeTime(date, now) : utc(date)}
    </time>
  );
}

/** The reader's local date and time in the browser; the UTC time from the server. */
export function LocalTime({ date }: { date: Date | null }) {
  const hydrated = useHydrated();
  if (!date) return <>{dateTime(date)}</>;
  return <time dateTime={date.toISOString()}>{hydrated ? dateTime(date) : utc(date)}</time>;
}

/** How long something ran; a running one's (which grows with the clock) only in the browser. */
export function Elapsed({ from, to, now }: { from: Date | null; to: Date | null; now: number }) {
  const hydrated = useHydrated();
  return <>{hydrated || to !== null || from === null ? duration(from, to, now) : "…"}</>;
}
