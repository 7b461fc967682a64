export const dynamic = "force-dynamic";

/** Liveness for the start script: the server is up and routing. It does not touch the database. */
export function GET() {
  return Response.json({ ok: true });
}
