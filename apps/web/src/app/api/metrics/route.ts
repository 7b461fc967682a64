import { metricsResponse } from "~/server/metrics-endpoint";

export const dynamic = "force-dynamic";

/** Prometheus metrics of this web process and the fleet; see metrics-endpoint.ts for the token. */
export function GET(request: Request) {
  return metricsResponse(request);
}
