/** The view a detail page showed last, and for which thing (its id). */
export interface LastView<V> {
  key: string;
  view: V | null;
}

/**
 * What a detail page shows after a read: the view the server rendered; after a failed refresh the
 * last view shown for the same thing; else (or once the thing is gone) its gate.
 */
export function viewToShow<V>(
  last: LastView<V>,
  key: string,
  view: V | null,
  gone: boolean,
): V | null {
  if (gone) return null;
  return view ?? (last.key === key ? last.view : null);
}
