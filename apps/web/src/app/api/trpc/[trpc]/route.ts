import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/root";
import { instrumented } from "~/server/telemetry";
import { createContext } from "~/server/trpc";

export const dynamic = "force-dynamic";

const procedures = new Set(Object.keys(appRouter._def.procedures));

/** One known procedure names itself; a batch or an unknown name gets a fixed label. */
function routeOf(request: Request): string {
  let names: string;
  try {
    names = decodeURIComponent(new URL(request.url).pathname.replace(/^\/api\/trpc\/?/, ""));
  } catch {
    return "/api/trpc/(unknown)";
  }
  if (procedures.has(names)) return `/api/trpc/${names}`;
  return names.split(",").every((name) => procedures.has(name))
    ? "/api/trpc/(batch)"
    : "/api/trpc/(unknown)";
}

function handler(req: Request) {
  return instrumented(req, routeOf(req), () =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: appRouter,
      createContext: ({ req: request, resHeaders }) =>
        createContext({ headers: request.headers, resHeaders, url: request.url }),
    }),
  );
}

export { handler as GET, handler as POST };
