import { handleRest } from "~/server/rest/handler";

export const dynamic = "force-dynamic";

async function handler(request: Request, { params }: RouteContext<"/api/v1/[...path]">) {
  const { path } = await params;
  return handleRest(request, path);
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
