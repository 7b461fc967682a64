import { createHash, timingSafeEqual } from "node:crypto";
import { webTelemetry } from "./telemetry";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * `GET /api/metrics`. With VIRTFN_METRICS_TOKEN set, only `Authorization: Bearer <token>` gets
 * the metrics (they name hosts, PFs and networks); unset, the endpoint is open, for a cluster
 * where only Prometheus reaches the pods. Compared in constant time over fixed-length digests.
 */
export async function metricsResponse(
  request: Request,
  token: string | undefined = process.env.VIRTFN_METRICS_TOKEN,
): Promise<Response> {
  if (token) {
    const given = /^Bearer (.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
    if (!timingSafeEqual(digest(given), digest(token))) {
      return Response.json(
        {
          code: "UNAUTHENTICATED",
          message: "Send Authorization: Bearer <VIRTFN_METRICS_TOKEN>.",
          details: {},
        },
        { status: 401, headers: { "www-authenticate": 'Bearer realm="virtfn-metrics"' } },
      );
    }
  }
  const { registry, logger } = webTelemetry();
  try {
    return new Response(await registry.metrics(), {
      headers: { "content-type": registry.contentType, "cache-control": "no-store" },
    });
  } catch (error) {
    logger.error({ err: error }, "metrics: collection failed");
    return Response.json(
      { code: "INTERNAL", message: "Could not collect the metrics.", details: {} },
      { status: 500 },
    );
  }
}
