import { getDb } from "../../../server/db";
import { checkReadiness } from "../../../server/readiness";

export const dynamic = "force-dynamic";

/**
 * Readiness for load balancers and Kubernetes: 200 when Postgres and Redis both answer, else 503
 * naming the one that failed. /api/health is liveness and never looks at either.
 */
export async function GET() {
  const readiness = await checkReadiness({ db: getDb(), redisUrl: process.env.REDIS_URL });
  return Response.json(readiness, {
    status: readiness.ok ? 200 : 503,
    headers: { "cache-control": "no-store", ...(readiness.ok ? {} : { "retry-after": "5" }) },
  });
}
