import { Link } from "~/components/ui/Link";
import type { ReactNode } from "react";
import { LocalTime, TimeAgo } from "./ClockText";
import { Badge } from "./Badge";
import type { Column } from "./ListView";

/**
 * A list's name column: the name (a link to the row's page when it has one) with a smaller line
 * under it; never hidden. `narrowSub` is shown instead of `sub` below 760 px, where it says what
 * the hidden secondary columns would. `flag` is a muted badge after the name ("Disabled").
 */
export function nameColumn<T, S extends string = string>({
  name,
  href,
  sub,
  narrowSub,
  flag,
  sort,
  header = "Name",
}: {
  name: (row: T) => ReactNode;
  href?: (row: T) => string;
  sub?: (row: T) => ReactNode;
  narrowSub?: (row: T) => ReactNode;
  flag?: (row: T) => string | null;
  sort?: S;
  header?: string;
}): Column<T, S> {
  const subLine = (content: ReactNode, className: string) =>
    content === null || content === undefined || content === "" ? null : (
      <div className={className}>{content}</div>
    );
  return {
    key: "name",
    header,
    sort,
    className: href ? undefined : "strong",
    cell: (row) => (
      <>
        {href ? (
          <Link href={href(row)} className="strong-link">
            {name(row)}
          </Link>
        ) : (
          name(row)
        )}
        {flag?.(row) ? (
          <>
            {" "}
            <Badge tone="muted">{flag(row)}</Badge>
          </>
        ) : null}
        {sub ? subLine(sub(row), narrowSub ? "sub hide-narrow" : "sub") : null}
        {narrowSub ? subLine(narrowSub(row), "sub show-narrow") : null}
      </>
    ),
  };
}

/** A "5 min ago" column with the exact time on hover; secondary (hidden below 760 px) unless told. */
export function timeColumn<T, S extends string = string>({
  key,
  header,
  at,
  now,
  sort,
  secondary = true,
}: {
  key: string;
  header: string;
  at: (row: T) => Date | null;
  now: number;
  sort?: S;
  secondary?: boolean;
}): Column<T, S> {
  return {
    key,
    header,
    sort,
    secondary,
    cell: (row) => <TimeAgo date={at(row)} now={now} />,
  };
}

/**
 * Times render through ClockText: the server (and hydration) shows UTC, the browser its own
 * text, so a server-rendered list hydrates without error 418.
 *
 * The "Created" column: the exact creation time, or with `now` how long ago (exact on hover);
 * secondary (hidden below 760 px).
 */
export function createdColumn<T extends { createdAt: Date }, S extends string = string>(
  sort?: S,
  now?: number,
): Column<T, S> {
  if (now !== undefined)
    return timeColumn({ key: "created", header: "Created", at: (row) => row.createdAt, now, sort });
  return {
    key: "created",
    header: "Created",
    sort,
    secondary: true,
    cell: (row) => <LocalTime date={row.createdAt} />,
  };
}
