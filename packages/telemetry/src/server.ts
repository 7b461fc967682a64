// The worker's own small HTTP server: /metrics for Prometheus, /healthz for liveness (the event
// loop answers) and /readyz for readiness (Postgres and Redis asked for real).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Readiness } from "./readiness";

export interface TelemetryServer {
  port: number;
  close(): Promise<void>;
}

export async function startTelemetryServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  ready: () => Promise<Readiness>;
  onError?: (error: unknown) => void;
}): Promise<TelemetryServer> {
  const send = (res: http.ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    send(res, status, "application/json", JSON.stringify(body));
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD")
      return json(res, 405, { code: "METHOD_NOT_ALLOWED", message: "Use GET." });
    if (path === "/healthz") return json(res, 200, { ok: true });
    if (path === "/readyz") {
      void options.ready().then(
        (readiness) => json(res, readiness.ok ? 200 : 503, readiness),
        (error: unknown) => {
          options.onError?.(error);
          json(res, 503, { ok: false });
        },
      );
      return;
    }
    if (path === "/metrics") {
      void options.registry.metrics().then(
        (text) => send(res, 200, options.registry.contentType, text),
        (error: unknown) => {
          options.onError?.(error);
          json(res, 500, { code: "INTERNAL", message: "Could not collect the metrics." });
        },
      );
      return;
    }
    json(res, 404, { code: "NOT_FOUND", message: "Try /metrics, /healthz or /readyz." });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
