/**
 * The `now` to give ClockText's parts (TimeAgo, Elapsed, time columns) from a page rendered on the
 * server: 0 lets the browser's clock decide, since the format helpers take the later of `now`
 * and the clock. The page's refresh renders them again.
 */
export const BROWSER_NOW = 0;
