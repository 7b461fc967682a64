// The web process's logger and metrics: one of each per process. Dev HMR re-evaluates modules,
// so they live on globalThis like the Prisma client; a second registration would throw.
import { randomUUID } from "node:crypto";
import { fleetMetrics, latestVfCounters } from "@virtfn/core";
import {
  createHttpMetrics,
  createLogger,
  createRegistry,
  RECONCILE_LAG_BUCKETS,
  registerFleetCollectors,
  registerVfCounterCollectors,
  type HttpMetrics,
  type Logger,
  type Registry,
} from "@virtfn/telemetry";
import { getDb } from "./db";

interface WebTelemetry {
  logger: Logger;
  registry: Registry;
  http: HttpMetrics;
}

const globalForTelemetry = globalThis as unknown as { virtfnWebTelemetry?: WebTelemetry };

function envNumber(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(parsed) && parsed >= 0
    ? parsed
    : fallback;
}

/** `options` count on the first call only; tests pass a destination to read the log lines. */
export function webTelemetry(
  options: { logDestination?: NodeJS.WritableStream } = {},
): WebTelemetry {
  if (!globalForTelemetry.virtfnWebTelemetry) {
    const logger = createLogger({
      service: "web",
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });
    const registry = createRegistry("web");
    registerFleetCollectors({
      registry,
      read: () =>
        fleetMetrics(getDb(), {
          // One series set per PF: worth it for a few hundred hosts, a lot at 10,000.
          perPf: process.env.VIRTFN_METRICS_PER_PF !== "0",
          lagBuckets: RECONCILE_LAG_BUCKETS,
        }),
      cacheMs: envNumber(process.env.VIRTFN_METRICS_CACHE_MS, 10_000),
      onError: (error) =>
        logger.warn({ err: error }, "metrics: could not read the fleet's numbers"),
    });
    // One series set per VF in use (six counters each): see README "Metrics" for the cardinality.
    if (process.env.VIRTFN_METRICS_PER_VF !== "0")
      registerVfCounterCollectors({
        registry,
        read: () => latestVfCounters(getDb()),
        cacheMs: envNumber(process.env.VIRTFN_METRICS_CACHE_MS, 10_000),
        onError: (error) => logger.warn({ err: error }, "metrics: could not read the VF counters"),
      });
    globalForTelemetry.virtfnWebTelemetry = {
      logger,
      registry,
      http: createHttpMetrics(registry),
    };
  }
  return globalForTelemetry.virtfnWebTelemetry;
}

/** The same rule as the REST boundary: an id we can echo back safely, else a fresh one. */
export const REQUEST_ID = /^[\w.:@-]{1,128}$/;

export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Wraps a route handler: counts and times the request under `route` (a template from a fixed set,
 * so that a caller cannot grow the label set), and logs one JSON line with the request id.
 */
export async function instrumented(
  request: Request,
  route: string,
  handle: () => Promise<Response>,
): Promise<Response> {
  const started = performance.now();
  const { logger, http } = webTelemetry();
  let status = 500;
  let requestId = request.headers.get("x-request-id");
  try {
    const response = await handle();
    status = response.status;
    // The id the caller was answered with (the proxy's or the handler's own) is the one to log.
    requestId = response.headers.get("x-request-id") ?? requestId;
    return response;
  } finally {
    const seconds = (performance.now() - started) / 1000;
    http.observe(route, request.method, status, seconds);
    const line = {
      requestId: requestId ?? undefined,
      method: request.method,
      route,
      status,
      durationMs: seconds * 1000,
    };
    if (status >= 500) logger.error(line, "request failed");
    else logger.info(line, "request");
  }
}
