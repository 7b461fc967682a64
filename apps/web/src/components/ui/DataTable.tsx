import type { ReactNode } from "react";
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
  rowKey: (row: T) => string;
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

/** The table of a list, or of a detail page's rows: headers (sortable or not), cells, row actions. */
export function DataTable<T, S extends string = string>({
  rows,
  columns,
  rowKey,
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
