// GET /api/v1/audit-events/export?format=csv|json&<the list's filters>: the filtered audit events
// streamed as CSV or as a JSON array, page by page from core (auditEventPages), so an export of
// the whole log holds one page in memory. Authenticated like every /api/v1 call (an API key, or
// the console's session cookie for the page's button); visibility is the list's.
import { randomUUID } from "node:crypto";
import {
  AUDIT_CSV_COLUMNS,
  AUDIT_EXPORT_CAP,
  auditCsvRow,
  auditEventPages,
  exportAuditEventsInput,
} from "@virtfn/core";
import { z } from "zod";
import { createContext } from "../trpc";
import { restError } from "./handler";

const exportQuery = exportAuditEventsInput
  .extend({ format: z.enum(["csv", "json"]).default("csv") })
  .strict();

function problem(status: number, body: unknown, requestId: string): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-request-id": requestId },
  });
}

export async function exportAuditEvents(request: Request): Promise<Response> {
  const requestId = randomUUID();
  try {
    const ctx = await createContext({
      headers: request.headers,
      resHeaders: new Headers(),
      url: request.url,
    });
    const actor = ctx.actor;
    if (!actor) {
      return problem(
        401,
        {
          code: "UNAUTHENTICATED",
          message: "Send an API key: Authorization: Bearer vfn_…",
          details: {},
        },
        requestId,
      );
    }
    const params = Object.fromEntries(new URL(request.url).searchParams);
    const { format, ...filters } = exportQuery.parse(params);
    const pages = auditEventPages(ctx.db, actor, filters);
    // The first page is read before answering, so that a refused filter is a 400, not a cut stream.
    const first = await pages.next();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const write = (text: string) => controller.enqueue(encoder.encode(text));
        let count = 0;
        try {
          write(format === "csv" ? `${AUDIT_CSV_COLUMNS.join(",")}\r\n` : "[");
          let page = first;
          while (!page.done) {
            for (const event of page.value.items) {
              write(
                format === "csv"
                  ? auditCsvRow(event)
                  : `${count === 0 ? "" : ","}\n${JSON.stringify(event)}`,
              );
              count += 1;
            }
            if (page.value.truncated) {
              if (format === "csv")
                write(`# cut at ${AUDIT_EXPORT_CAP} events: narrow the filters\r\n`);
              break;
            }
            page = await pages.next();
          }
          if (format === "json") write("\n]\n");
          controller.close();
        } catch (error) {
          console.error(
            `[web] request ${requestId}: audit export failed after ${count} rows:`,
            error,
          );
          controller.error(error);
        }
      },
    });
    const stamp = new Date().toISOString().replaceAll(":", "-").slice(0, 19);
    return new Response(body, {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json",
        "content-disposition": `attachment; filename="audit-${stamp}.${format}"`,
        "cache-control": "no-store",
        "x-request-id": requestId,
      },
    });
  } catch (error) {
    const { status, body } = restError(error, requestId);
    return problem(status, body, requestId);
  }
}
