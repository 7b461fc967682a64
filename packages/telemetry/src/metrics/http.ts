import { Counter, Histogram, type Registry } from "prom-client";
import { DURATION_BUCKETS } from "./registry";

export interface HttpMetrics {
  /** `route` must come from a fixed set (a route template or a procedure name), never a raw path. */
  observe(route: string, method: string, status: number, seconds: number): void;
}

export function createHttpMetrics(registry: Registry): HttpMetrics {
  const requests = new Counter({
    name: "virtfn_http_requests_total",
    help: "HTTP requests answered, by route, method and status.",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "virtfn_http_request_duration_seconds",
    help: "HTTP request latency by route and method.",
    labelNames: ["route", "method"] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    observe(route, method, status, duration) {
      requests.inc({ route, method, status: String(status) });
      seconds.observe({ route, method }, duration);
    },
  };
}
