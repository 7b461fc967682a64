import type { JSX, ReactNode } from "react";
import { SortHeader, type SortOrder } from "~/components/table";
import { Table } from "./Table";

export interface Column<T, S extends string = string> {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** The list's sort field for this column: its header then sorts on click. */
  sort?: S;
  num?: boolean;
  /** Hidden below 760 px; key columns (name, state, actions) never set this. */
  secondary?: boolean;
  className?: string;
}

export interface DataTableProps<T, S extends string> {
  rows: readonly T[];
  columns: readonly Column<T, S>[];
  /** What tells the rows apart; left out, their `id` (see the overloads). */
  rowKey?: ((row: T) => string) | undefined;
  /** Given, the columns with a `sort` field sort on a header click. */
  sorting?: {
    sort: S | undefined;
    order: SortOrder;
    onSort: (sort: S, order: SortOrder) => void;
  };
  rowActions?: ((row: T) => ReactNode) | undefined;
  rowTestId?: string | undefined;
  rowData?: ((row: T) => Record<`data-${string}`, string>) | undefined;
  className?: string | undefined;
  busy?: boolean | undefined;
  /** The table's own test id (rows have `rowTestId`). */
  testId?: string | undefined;
}

/** What a table, a list or a list page must add for rows that have no string `id` of their own. */
export interface KeyedBy<T> {
  rowKey: (row: T) => string;
}

/** The same rule for a component only pages call (a generic caller needs the overloads). */
export type RowKeyRule<T> = T extends { id: string } ? unknown : KeyedBy<T>;

/** The key of a row that has a string `id`: the components let `rowKey` out only for those rows. */
export function rowId(row: unknown): string {
  if (typeof row === "object" && row !== null && "id" in row && typeof row.id === "string") {
    return row.id;
  }
  throw new TypeError("A row without a string id needs a rowKey.");
}

/** The table of a list, or of a detail page's rows: headers (sortable or not), cells, row actions. */
export function DataTable<T extends { id: string }, S extends string = string>(
  props: DataTableProps<T, S>,
): JSX.Element;
export function DataTable<T, S extends string = string>(
  props: DataTableProps<T, S> & KeyedBy<T>,
): JSX.Element;
export function DataTable<T, S extends string = string>({
  rows,
  columns,
  rowKey = rowId,
  sorting,
  rowActions,
  rowTestId,
  rowData,
  className,
  busy,
  testId,
}: DataTableProps<T, S>) {
  return (
    <Table
      className={className}
      testId={testId}
      busy={busy}
      head={
        <>
          {columns.map((column) => {
            const cls = columnClass(column);
            return column.sort && sorting ? (
              <SortHeader
                key={column.key}
                label={column.header}
                field={column.sort}
                sort={sorting.sort}
                order={sorting.sort === column.sort ? sorting.order : "asc"}
                onSort={sorting.onSort}
                className={cls}
              />
            ) : (
              <th key={column.key} className={cls}>
                {column.header}
              </th>
            );
          })}
          {rowActions ? (
            <th className="num row-actions">
              <span className="sr-only">Actions</span>
            </th>
          ) : null}
        </>
      }
    >
      {rows.map((row) => (
        <tr key={rowKey(row)} data-testid={rowTestId} {...rowData?.(row)}>
          {columns.map((column) => (
            <td key={column.key} className={columnClass(column)}>
              {column.cell(row)}
            </td>
          ))}
          {rowActions ? <td className="num row-actions">{rowActions(row)}</td> : null}
        </tr>
      ))}
    </Table>
  );
}

function columnClass(column: { num?: boolean; secondary?: boolean; className?: string }) {
  return (
    [column.num ? "num" : null, column.secondary ? "hide-narrow" : null, column.className]
      .filter(Boolean)
      .join(" ") || undefined
  );
}
