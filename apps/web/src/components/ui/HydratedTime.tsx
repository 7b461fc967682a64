"use client";

import { useHydrated } from "~/components/useHydrated";
import { dateTime, relativeTime } from "~/lib/format";
import type { Column } from "./ListView";

// Times on a server-rendered page: the server knows neither the reader's zone nor the moment the
// browser hydrates, so it renders the time in UTC and the browser hydrates that same text, then
// shows its own (a different text would be a hydration error, React #418).

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A time in the reader's locale and zone (UTC until hydrated). */
export function HydratedDateTime({ date }: { date: Date | null }) {
  const inBrowser = useHydrated();
  if (!date) return <>—</>;
  return <time dateTime={date.toISOString()}>{inBrowser ? dateTime(date) : utc(date)}</time>;
}

/** "3 min ago" against `now` (the exact time on hover); the UTC time until hydrated. */
export function HydratedRelativeTime({ date, now }: { date: Date; now: number }) {
  const inBrowser = useHydrated();
  return (
    <time dateTime={date.toISOString()} title={inBrowser ? dateTime(date) : undefined}>
      {inBrowser ? relativeTime(date, now) : utc(date)}
    </time>
  );
}

/** The "Created" column of a server-rendered list: how long ago, exact on hover. */
export function hydratedCreatedColumn<T extends { createdAt: Date }, S extends string>(
  sort: S,
  now: number,
): Column<T, S> {
  return {
    key: "created",
    header: "Created",
    sort,
    secondary: true,
    cell: (row) => <HydratedRelativeTime date={row.createdAt} now={now} />,
  };
}
