"use client";

import { useState, type ReactNode } from "react";
import { CreateButton, ListEmpty, type CreateAction } from "./ListEmpty";
import { rowId, type RowKeyRule } from "./DataTable";
import { ListView, type ListViewProps } from "./ListView";
import { PageHeader } from "./PageHeader";

/** A list page's create action and its dialog; null for those who may not create. */
export interface CreateDialogSpec {
  label: string;
  /** The dialog, mounted only while open (so its form code and queries load then); given `close`. */
  dialog: (close: () => void) => ReactNode;
}

/**
 * The open/closed state of a create dialog: the action for the header and the empty state, and
 * the dialog to render (null while closed, or for those who may not create).
 */
export function useCreateDialog(spec: CreateDialogSpec | null): {
  action: CreateAction | null;
  dialog: ReactNode;
} {
  const [open, setOpen] = useState(false);
  if (!spec) return { action: null, dialog: null };
  return {
    action: { label: spec.label, onClick: () => setOpen(true) },
    dialog: open ? spec.dialog(() => setOpen(false)) : null,
  };
}

/** What a page of its own (a project-scoped page) lays out: the header's parts and the list. */
export interface ListPageParts {
  title: string;
  subtitle: string;
  /** The create button, for the header. */
  action: ReactNode;
  children: ReactNode;
}

/** The page around the list: a header above it, or a page of its own given the parts. */
type ListPageFrame =
  | { title: string; subtitle: ReactNode; frame?: never }
  | { title: string; subtitle: string; frame: (parts: ListPageParts) => ReactNode };

export type ListPageProps<T, S extends string, F extends string> = Omit<
  ListViewProps<T, S, F>,
  "empty"
> &
  ListPageFrame & {
    create: CreateDialogSpec | null;
    /** The empty state: what one is (with the create button) or, for the others, who adds them. */
    empty: { about: ReactNode; othersNote?: string };
  };

/**
 * A whole list page: the header with its create button, the list (toolbar, table, pager and
 * states) whose empty state offers the same create action, and the create dialog.
 */
export function ListPage<T, S extends string = string, F extends string = string>(
  props: ListPageProps<T, S, F> & RowKeyRule<T>,
) {
  // The frame is called through `props`, where checking it narrows the subtitle to a string.
  const { title, subtitle, frame: _frame, create, empty, rowKey = rowId, ...view } = props;
  const { action, dialog } = useCreateDialog(create);
  const createButton = action ? <CreateButton {...action} /> : null;
  const list = (
    <ListView
      {...view}
      rowKey={rowKey}
      empty={
        <ListEmpty
          noun={view.noun}
          create={action}
          about={empty.about}
          othersNote={empty.othersNote ?? ""}
        />
      }
    />
  );
  return (
    <>
      {props.frame ? (
        props.frame({
          title: props.title,
          subtitle: props.subtitle,
          action: createButton,
          children: list,
        })
      ) : (
        <>
          <PageHeader title={title} subtitle={subtitle} actions={createButton} />
          {list}
        </>
      )}
      {dialog}
    </>
  );
}
