"use client";

import { useEffect, useState } from "react";
import type { ListParams } from "./useListParams";

// The list filters only some lists use (a checkbox, a typed value): apart from ListView, so that
// every other list page does not carry them.

/** A yes/no filter as a checkbox, kept in the URL as `?<filter>=1`. */
export function CheckFilter<S extends string, F extends string>({
  list,
  filter,
  label,
}: {
  list: ListParams<S, F>;
  filter: NoInfer<F>;
  label: string;
}) {
  return (
    <label className="field-inline">
      <input
        type="checkbox"
        checked={list.filters[filter] === "1"}
        onChange={(event) => list.setFilter(filter, event.target.checked ? "1" : undefined)}
      />
      <span>{label}</span>
    </label>
  );
}

/**
 * A typed filter (a name, an id, a date) with a visible label, kept in the URL as `?<filter>=`
 * once typing pauses. A Back or "Clear filters" that changes the URL shows in the box.
 */
export function TextFilter<S extends string, F extends string>({
  list,
  filter,
  label,
  placeholder,
  type = "search",
}: {
  list: ListParams<S, F>;
  filter: NoInfer<F>;
  label: string;
  placeholder?: string;
  type?: "search" | "datetime-local";
}) {
  const inUrl = list.filters[filter] ?? "";
  const [text, setText] = useState(inUrl);
  const [shown, setShown] = useState(inUrl);
  if (shown !== inUrl) {
    setShown(inUrl);
    if (text.trim() !== inUrl) setText(inUrl);
  }
  useEffect(() => {
    const typed = text.trim();
    if (typed === inUrl) return undefined;
    const timer = setTimeout(() => list.setFilter(filter, typed || undefined), 250);
    return () => clearTimeout(timer);
    // Only typing changes the URL (a Back to another value does not retype it).
  }, [text]);
  return (
    <label className="field-inline">
      <span>{label}</span>
      <input
        type={type}
        placeholder={placeholder}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
    </label>
  );
}
