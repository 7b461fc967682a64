// Server only: luxon stays out of the browser's bundle.
import type { ListAuditEventsInput } from "@virtfn/core";
import { DateTime } from "luxon";
import { LIST_LIMITS, searchParamGetter, type PageSearchParams } from "~/components/ui/list-params";
import { outcomes } from "./filters";

/**
 * A datetime-local value ("2026-01-31T12:00") as an ISO time, read in the browser's time zone
 * (from its cookie; UTC before the browser has set it), or undefined when it is not a time.
 */
export function isoFromLocal(value: string | undefined, timeZone: string | undefined) {
  if (!value) return undefined;
  const time = DateTime.fromISO(value, { zone: timeZone ?? "UTC" });
  const inZone = time.isValid ? time : DateTime.fromISO(value, { zone: "UTC" });
  return inZone.isValid ? (inZone.toUTC().toISO() ?? undefined) : undefined;
}

/** audit.list's input for the URL's filters and page, and the same filters for the REST export. */
export function auditListQuery(searchParams: PageSearchParams, timeZone: string | undefined) {
  const param = searchParamGetter(searchParams);
  const get = (key: string) => param(key) || undefined;
  const filters = {
    actor: get("actor"),
    action: get("action"),
    targetId: get("target"),
    projectId: get("project"),
    outcome: outcomes.find((o) => o === get("outcome")),
    from: isoFromLocal(get("from"), timeZone),
    to: isoFromLocal(get("to"), timeZone),
  };
  const limit = Number(get("limit"));
  const input: ListAuditEventsInput = {
    cursor: get("cursor"),
    limit: LIST_LIMITS.includes(limit) ? limit : 25,
    ...filters,
  };
  const exportQuery = new URLSearchParams(
    Object.entries(filters).flatMap(([key, value]) => (value ? [[key, value]] : [])),
  ).toString();
  return { input, exportQuery };
}
