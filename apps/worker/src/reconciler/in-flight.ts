import { performance } from "node:perf_hooks";

export interface InFlightStats {
  /** The most reconciles in flight at once. */
  peak: number;
  /** The time-weighted mean while at least one was in flight (0 if none ever was). */
  mean: number;
}

/**
 * Counts reconciles in flight over time, for the worker's own account of how much of its bound
 * it used: each has one agent call in flight at a time.
 */
export function createInFlightGauge(now: () => number = () => performance.now()) {
  let current = 0;
  let peak = 0;
  let since = now();
  let busyMs = 0;
  let area = 0;
  const advance = () => {
    const at = now();
    if (current > 0) {
      busyMs += at - since;
      area += current * (at - since);
    }
    since = at;
  };
  return {
    set(count: number): void {
      advance();
      current = count;
      peak = Math.max(peak, count);
    },
    stats(): InFlightStats {
      advance();
      return { peak, mean: busyMs > 0 ? area / busyMs : 0 };
    },
  };
}
