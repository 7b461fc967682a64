import type { ReactNode } from "react";

/**
 * A table's frame: the scrolling wrapper, the `data` table with its header row, and the body.
 * DataTable fills it from columns; the detail panels whose cells are laid out by hand fill it
 * with their own header cells and rows.
 */
export function Table({
  className,
  testId,
  busy,
  caption,
  head,
  children,
}: {
  /** Classes besides `data`. */
  className?: string | undefined;
  testId?: string | undefined;
  busy?: boolean | undefined;
  caption?: ReactNode;
  /** The header row's cells. */
  head: ReactNode;
  /** The body's rows. */
  children: ReactNode;
}) {
  return (
    <div className="table-wrap" aria-busy={busy ? true : undefined}>
      <table className={className ? `data ${className}` : "data"} data-testid={testId}>
        {caption}
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
