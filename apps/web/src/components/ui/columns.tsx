import { dateTime, relativeTime } from "~/lib/format";
import type { Column } from "./ListView";

/** A "5 min ago" column with the exact time on hover; secondary (hidden below 760 px). */
export function timeColumn<T, S extends string = string>({
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
    cell: (row) => <span title={dateTime(at(row))}>{relativeTime(at(row), now)}</span>,
  };
}

/** The "Created" column: the exact creation time; secondary (hidden below 760 px). */
export function createdColumn<T extends { createdAt: Date }, S extends string = string>(
  sort?: S,
): Column<T, S> {
  return {
    key: "created",
    header: "Created",
    sort,
    secondary: true,
    cell: (row) => dateTime(row.createdAt),
  };
}
