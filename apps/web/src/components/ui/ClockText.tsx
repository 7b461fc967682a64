"use client";

import { useSyncExternalStore } from "react";
import { dateTime, duration, relativeTime } from "~/lib/format";
import type { Column } from "./ListView";

// Text that depends on the clock or on the reader's locale and zone ("12s ago", a local date).
// A server-rendered page cannot know it: the server (and the browser while it hydrates) renders
// the UTC time, then the browser its own text. Rendering it directly would differ between the
// two by a second or a zone, and React refuses the page's hydration (error 418).

const noSubscription = () => () => {};

/** False on the server and while hydrating; true in the browser after that. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "12s ago" in the browser; the UTC time from the server. */
export function TimeAgo({ date, now }: { date: Date | null; now?: number }) {
  const hydrated = useHydrated();
  if (!date) return <>{relativeTime(date)}</>;
  return <>{hydrated ? relativeTime(date, now) : utc(date)}</>;
}

/** The reader's local date and time in the browser; the UTC time from the server. */
export function LocalTime({ date }: { date: Date | null }) {
  const hydrated = useHydrated();
  if (!date) return <>{dateTime(date)}</>;
  return <>{hydrated ? dateTime(date) : utc(date)}</>;
}

/** How long something ran; a running one's (which grows with the clock) only in the browser. */
export function Elapsed({ from, to, now }: { from: Date | null; to: Date | null; now: number }) {
  const hydrated = useHydrated();
  return <>{hydrated || to !== null || from === null ? duration(from, to, now) : "…"}</>;
}

/**
 * A column of how long ago (the exact time on hover), for a server-rendered list: columns.tsx's
 * timeColumn renders the clock's text on the server too, which fails hydration.
 */
export function agoColumn<T, S extends string = string>({
  key,
  header,
  at,
  now,
  sort,
}: {
  key: string;
  header: string;
  at: (row: T) => Date | null;
  now: number;
  sort?: S;
}): Column<T, S> {
  return {
    key,
    header,
    sort,
    secondary: true,
    cell: (row) => (
      <span title={dateTime(at(row))}>
        <TimeAgo date={at(row)} now={now} />
      </span>
    ),
  };
}
