"use client";

import type { JSX, ReactNode } from "react";
import { CreateButton } from "./ListEmpty";
import { useCreateDialog, type CreateDialogSpec } from "./ListPage";
import { rowId, type KeyedBy } from "./DataTable";
import { ListView, type Column, type ListQuery } from "./ListView";
import { useListParams, type ListParams } from "./useListParams";

/**
 * A panel holding one list: its heading with a count and an add button, the table with its
 * states, and the add form's dialog. A list the server answers whole (zones, offerings…) has no
 * pager; a paged one (clusters) passes the `list` its query reads its cursor and limit from.
 */
export function ListSection<T extends { id: string }>(props: ListSectionProps<T>): JSX.Element;
export function ListSection<T>(props: ListSectionProps<T> & KeyedBy<T>): JSX.Element;
export function ListSection<T>({
  title,
  noun,
  query,
  columns,
  rowKey = rowId,
  rowTestId,
  empty,
  add,
  rowActions,
  list: pagedList,
}: ListSectionProps<T>) {
  const ownList = useListParams();
  const list = pagedList ?? ownList;
  const { action, dialog } = useCreateDialog(add ?? null);
  return (
    <section className="panel">
      <div className="panel-head">
        <h2>
          {title} <span className="count">{query.data?.total ?? 0}</span>
        </h2>
        {action ? <CreateButton {...action} size="sm" /> : null}
      </div>
      <ListView
        list={list}
        query={query}
        paged={pagedList !== undefined}
        columns={columns}
        rowKey={rowKey}
        rowTestId={rowTestId}
        noun={noun}
        empty={empty}
        rowActions={rowActions}
      />
      {dialog}
    </section>
  );
}

interface ListSectionProps<T> {
  title: string;
  noun: string;
  query: ListQuery<T>;
  columns: readonly Column<T>[];
  /** What tells the rows apart; left out, their `id` (see the overloads). */
  rowKey?: ((row: T) => string) | undefined;
  rowTestId: string;
  empty: ReactNode;
  /** The add button and its form (a FormDialog, given `close`); left out for readers. */
  add?: CreateDialogSpec | undefined;
  rowActions?: ((row: T) => ReactNode) | undefined;
  /** For a paged list: the params its query uses; the section then shows the pager. */
  list?: ListParams<string, never> | undefined;
}
