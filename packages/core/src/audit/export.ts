import type { Db } from "@virtfn/db";
import type { Actor } from "../shared/actor";
import {
  listAuditEvents,
  listAuditEventsInput,
  type AuditEventView,
  type ListAuditEventsInput,
} from "./events";

// The audit log's export: the filtered rows, page by page along the same keyset as the page, so
// an export of the whole log streams in constant memory and never counts it.

/** Where an export stops; the last line says so when it was cut. */
export const AUDIT_EXPORT_CAP = 100_000;
const EXPORT_PAGE = 200;

export const exportAuditEventsInput = listAuditEventsInput.omit({ cursor: true, limit: true });
export type ExportAuditEventsInput = Omit<ListAuditEventsInput, "cursor" | "limit">;

/** The filtered events, a page at a time; `truncated` on the last page when the cap was hit. */
export async function* auditEventPages(
  db: Db,
  actor: Actor,
  input: ExportAuditEventsInput,
): AsyncGenerator<{ items: AuditEventView[]; truncated: boolean }> {
  let cursor: string | undefined;
  let sent = 0;
  for (;;) {
    const page = await listAuditEvents(db, actor, { ...input, cursor, limit: EXPORT_PAGE });
    sent += page.items.length;
    const more = page.nextCursor !== null;
    const truncated = more && sent >= AUDIT_EXPORT_CAP;
    yield { items: page.items, truncated };
    if (!more || truncated) return;
    cursor = page.nextCursor ?? undefined;
  }
}

export const AUDIT_CSV_COLUMNS = [
  "at",
  "actor",
  "viaApiKey",
  "action",
  "outcome",
  "errorCode",
  "message",
  "targetType",
  "targetId",
  "targetName",
  "project",
  "sourceIp",
  "id",
] as const;

function message(details: AuditEventView["details"]): string {
  if (!details || typeof details !== "object" || Array.isArray(details)) return "";
  const value = (details as Record<string, unknown>).message;
  return typeof value === "string" ? value : "";
}

/** RFC 4180 quoting, and a leading quote on what a spreadsheet would run as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function auditCsvRow(event: AuditEventView): string {
  const fields = [
    event.at.toISOString(),
    event.actorName,
    event.apiKeyId ? "yes" : "no",
    event.action,
    event.outcome,
    event.errorCode ?? "",
    message(event.details),
    event.targetType,
    event.targetId ?? "",
    event.targetName ?? "",
    event.projectName ?? event.projectId ?? "",
    event.sourceIp ?? "",
    event.id,
  ];
  return `${fields.map(csvField).join(",")}\r\n`;
}
