/** The answer a page showed last, and for which thing (a URL, a VM's or a network's id). */
export interface LastAnswer<T> {
  key: string;
  data: T | null;
}

/**
 * What a server-rendered page or panel shows after a read: this read's answer; after a failed
 * refresh the last answer shown for the same thing; else (or once the thing is gone) nothing, and
 * the page shows its gate.
 */
export function answerToShow<T>(
  last: LastAnswer<T>,
  key: string,
  data: T | null,
  gone = false,
): T | null {
  if (gone) return null;
  return data ?? (last.key === key ? last.data : null);
}
