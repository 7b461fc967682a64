"use client";

import type { JSX, ReactNode } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { Pager } from "~/components/table";
import { Button } from "./Button";
import { DataTable, rowId, type Column, type KeyedBy } from "./DataTable";
import type { ListParams } from "./useListParams";
import { Options } from "./Options";

// Column is part of ListView's props; pages import it from here with ListView.
export type { Column } from "./DataTable";

export interface FilterDef<F extends string = string> {
  key: F;
  label: string;
  /** The option for "no filter". */
  allLabel: string;
  options: readonly { value: string; label: string }[];
}

/** The `{items, nextCursor, total}` page every list procedure answers. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
  totalExact?: boolean;
}

/** What ListView reads from a react-query result. */
export interface ListQuery<T> {
  data: ListPage<T> | undefined;
  isPending: boolean;
  isFetching?: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

export interface ListViewProps<T, S extends string, F extends string> {
  list: ListParams<S, F>;
  query: ListQuery<T>;
  columns: readonly Column<T, S>[];
  /** What tells the rows apart; left out, their `id` (see the overloads). */
  rowKey?: ((row: T) => string) | undefined;
  /** Plural noun: "users", "API keys". */
  noun: string;
  /** Shown when the list is empty and nothing narrows it: what the list is for, what to do. */
  empty: ReactNode;
  search?: { label: string; placeholder: string };
  filters?: readonly FilterDef<F>[];
  /** More toolbar content (a toggle, a count). */
  toolbar?: ReactNode;
  /** The last column's content (an ActionMenu, an ActionConfirm); the column is a key column. */
  rowActions?: (row: T) => ReactNode;
  rowTestId?: string;
  /** More `data-*` attributes on a row, for tests that pick a row by its name. */
  rowData?: (row: T) => Record<`data-${string}`, string>;
  /** Rendered above the table (a row mutation's error, for example). */
  notice?: ReactNode;
  className?: string;
  /** False for a list the server answers whole (no cursor): no pager. */
  paged?: boolean;
}

/**
 * A list page's body: toolbar (search and filters, in the URL), the table, the cursor pager, and
 * its loading, empty, no-match and error states.
 */
export function ListView<
  T extends { id: string },
  S extends string = string,
  F extends string = string,
>(props: ListViewProps<T, S, F>): JSX.Element;
export function ListView<T, S extends string = string, F extends string = string>(
  props: ListViewProps<T, S, F> & KeyedBy<T>,
): JSX.Element;
export function ListView<T, S extends string = string, F extends string = string>(
  props: ListViewProps<T, S, F>,
) {
  const { search, filters, toolbar, notice, ...body } = props;
  const { list, noun } = body;
  const hasToolbar = Boolean(search || filters?.length || toolbar);
  return (
    <>
      {hasToolbar ? (
        <div className="toolbar" role="search" aria-label={`Filter ${noun}`}>
          {search ? (
            <label className="field-inline grow">
              <span className="sr-only">{search.label}</span>
              <input
                type="search"
                placeholder={search.placeholder}
                value={list.searchText}
                onChange={(event) => list.setSearchText(event.target.value)}
              />
            </label>
          ) : null}
          {filters?.map((filter) => (
            <FilterSelect key={filter.key} list={list} filter={filter} />
          ))}
          {toolbar}
        </div>
      ) : null}
      {notice}
      <ListBody {...body} />
    </>
  );
}

function ListBody<T, S extends string, F extends string>({
  list,
  query,
  noun,
  empty,
  paged = true,
  rowKey = rowId,
  ...table
}: Omit<ListViewProps<T, S, F>, "search" | "filters" | "toolbar" | "notice">) {
  const { data } = query;
  if (query.isError && !data) {
    return (
      <ErrorBox
        title={`Could not load ${noun}.`}
        error={query.error}
        onRetry={() => void query.refetch()}
      />
    );
  }
  if (query.isPending || !data) {
    return (
      <div className="loading" aria-busy="true">
        Loading {noun}…
      </div>
    );
  }
  if (data.items.length === 0 && !list.cursor) {
    return list.narrowed ? (
      <div className="empty" data-testid="list-empty">
        <p>
          <strong>No {noun} match these filters.</strong>
        </p>
        <Button size="sm" onClick={list.clear}>
          Clear filters
        </Button>
      </div>
    ) : (
      <div className="empty" data-testid="list-empty">
        {empty}
      </div>
    );
  }
  return (
    <>
      {query.isError ? <ErrorBox title="Refreshing failed." error={query.error} /> : null}
      <DataTable
        {...table}
        rowKey={rowKey}
        rows={data.items}
        sorting={{ sort: list.sort, order: list.order, onSort: list.setSort }}
        busy={query.isFetching}
      />
      {paged ? (
        <Pager
          total={data.total}
          totalExact={data.totalExact ?? true}
          offset={list.offset}
          count={data.items.length}
          limit={list.limit}
          hasNext={data.nextCursor !== null}
          hasPrev={list.hasPrev}
          onNext={() => data.nextCursor && list.next(data.nextCursor)}
          onPrev={list.prev}
          onLimit={list.setLimit}
          noun={noun}
        />
      ) : null}
    </>
  );
}

/** A filter as a select, kept in the URL as `?<filter>=`; its first option is "no filter". */
export function FilterSelect<S extends string, F extends string>({
  list,
  filter,
}: {
  list: ListParams<S, F>;
  filter: FilterDef<NoInfer<F>>;
}) {
  return (
    <label className="field-inline">
      <span className="sr-only">{filter.label}</span>
      <select
        aria-label={filter.label}
        value={list.filters[filter.key] ?? ""}
        onChange={(event) => list.setFilter(filter.key, event.target.value || undefined)}
      >
        <option value="">{filter.allLabel}</option>
        <Options options={filter.options} />
      </select>
    </label>
  );
}
