import { docsPageHtml } from "~/server/rest/docs-page";

export const dynamic = "force-dynamic";

export function GET() {
  return new Response(docsPageHtml(), {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}
