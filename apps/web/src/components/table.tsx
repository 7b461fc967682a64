"use client";

import { Button } from "~/components/ui/Button";

export type SortOrder = "asc" | "desc";

/** A column header that sorts on click (and on Enter/Space, since it is a button). */
export function SortHeader<S extends string>({
  label,
  field,
  sort,
  order,
  onSort,
  className,
}: {
  label: string;
  field: S;
  /** The list's current sort field (undefined: the server's default, no column marked). */
  sort: S | undefined;
  order: SortOrder;
  onSort: (field: S, order: SortOrder) => void;
  className?: string;
}) {
  const active = sort === field;
  const ariaSort = active ? (order === "asc" ? "ascending" : "descending") : "none";
  return (
    <th aria-sort={ariaSort} className={className}>
      <button
        type="button"
        className={`sort ${active ? "sort-active" : ""}`}
        onClick={() => onSort(field, active && order === "asc" ? "desc" : "asc")}
      >
        {label}
        <span className="sort-icon" aria-hidden="true">
          {active ? (order === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}

/** Cursor pagination: the server gives the next cursor; the pager keeps the stack of previous ones. */
export function Pager({
  total,
  totalExact = true,
  offset,
  count,
  limit,
  hasNext,
  hasPrev,
  onNext,
  onPrev,
  onLimit,
  noun,
}: {
  total: number;
  /** False when the list stopped counting (core's Page.total): show the total as "N+". */
  totalExact?: boolean;
  offset: number;
  count: number;
  limit: number;
  hasNext: boolean;
  hasPrev: boolean;
  onNext: () => void;
  onPrev: () => void;
  onLimit: (limit: number) => void;
  noun: string;
}) {
  return (
    <div className="pager">
      <span className="pager-info">
        {total === 0
          ? `0 ${noun}`
          : `${offset + 1}–${offset + count} of ${total}${totalExact ? "" : "+"} ${noun}`}
      </span>
      <label className="pager-limit">
        <span>Per page</span>
        <select value={limit} onChange={(event) => onLimit(Number(event.target.value))}>
          {[10, 25, 50, 100].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <div className="pager-buttons">
        <Button size="sm" onClick={onPrev} disabled={!hasPrev}>
          ‹ Previous
        </Button>
        <Button size="sm" onClick={onNext} disabled={!hasNext}>
          Next ›
        </Button>
      </div>
    </div>
  );
}
