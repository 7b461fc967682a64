/**
 * Memoizes an async read for `ttlMs`: callers within that window share one result, and callers
 * that arrive while it runs share the one in flight, so N scrapers cost one query. A failure is
 * not remembered: the next caller tries again.
 */
export function cachedFor<T>(ttlMs: number, read: () => Promise<T>): () => Promise<T> {
  let value: { at: number; result: T } | null = null;
  let inFlight: Promise<T> | null = null;
  return () => {
    if (value && Date.now() - value.at < ttlMs) return Promise.resolve(value.result);
    inFlight ??= read()
      .then((result) => {
        value = { at: Date.now(), result };
        return result;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
}
