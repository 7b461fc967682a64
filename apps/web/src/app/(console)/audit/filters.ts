// The audit log's URL filters, for the page (server) and its toolbar (browser).
export const AUDIT_FILTERS = [
  "actor",
  "action",
  "target",
  "project",
  "outcome",
  "from",
  "to",
] as const;
export const outcomes = ["Success", "Failure", "Denied"] as const;

/** The cookie that tells the server the browser's time zone, for the From/To filters. */
export const TIME_ZONE_COOKIE = "virtfn-tz";
