import { handleRest } from "~/server/rest/handler";
import { restRouteOf } from "~/server/rest/route-label";
import { instrumented } from "~/server/telemetry";

export const dynamic = "force-dynamic";

async function handler(request: Request, { params }: RouteContext<"/api/v1/[...path]">) {
  const { path } = await params;
  return instrumented(request, restRouteOf(request), () => handleRest(request, path));
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
