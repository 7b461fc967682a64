import { dateTime, relativeTime } from "~/lib/format";
import { timeColumn } from "./columns";
import type { Column } from "./ListView";

/**
 * A time as "12s ago", exact on hover, on a page the server renders. The server's text and the
 * browser's differ by the seconds between the two renders (and the title by their time zones):
 * hydration keeps the server's without an error, and the next tick of `now` shows the browser's.
 */
export function TimeAgo({ at, now }: { at: Date | null; now: number }) {
  return (
    <span title={dateTime(at)} suppressHydrationWarning>
      {relativeTime(at, now)}
    </span>
  );
}

/** columns.tsx's timeColumn with its cell as a TimeAgo: for lists the server renders. */
export function timeAgoColumn<T, S extends string = string>(
  options: Parameters<typeof timeColumn<T, S>>[0],
): Column<T, S> {
  return {
    ...timeColumn(options),
    cell: (row) => <TimeAgo at={options.at(row)} now={options.now} />,
  };
}
