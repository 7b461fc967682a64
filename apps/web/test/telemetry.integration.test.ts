// Metrics and logs after real operations: a worker with its own /metrics, /healthz and /readyz
// over HTTP, a sim agent, and the web's /api/metrics and instrumented REST route; the numbers are
// checked against the database, the log lines are parsed as JSON and searched by their ids.
import { Writable } from "node:stream";
import type { RunningAgent } from "@virtfn/agent";
import { stopVm } from "@virtfn/core";
import { createLogger, lineLog } from "@virtfn/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type RunningWorker } from "../../worker/src/index";
import { createFixture, waitForOperation, type Fixture } from "../../worker/test/helpers";
import { addSimHost, type SimHost } from "../../worker/test/sriov-helpers";
import { catalog, network, runningVm, split } from "../../worker/test/vms-helpers";
import { handleRest } from "../src/server/rest/handler";
import { restRouteOf } from "../src/server/rest/route-label";
import { metricsResponse } from "../src/server/metrics-endpoint";
import { instrumented, webTelemetry } from "../src/server/telemetry";
import { parsePrometheusText as parse, type Sample } from "./prometheus-text";

/** The value of the one sample with this name and these labels, or undefined. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}) {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} is ambiguous`);
  return found[0]?.value;
}

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  // Every line must be JSON: JSON.parse throws on anything else.
  return { stream, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const current = await read();
    if (ok(current) || i >= 200) return current;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let fx: Fixture;
let worker: RunningWorker;
let host: SimHost;
const agents: RunningAgent[] = [];
const workerLogs = capture();
const webLogs = capture();
let vm: { id: string };
let l2Name: string;

const scrapeWorker = async () => {
  const response = await fetch(`http://127.0.0.1:${worker.httpPort}/metrics`);
  expect(response.status).toBe(200);
  return parse(await response.text());
};
const scrapeWeb = async () => {
  const response = await metricsResponse(new Request("http://127.0.0.1/api/metrics"), undefined);
  expect(response.status).toBe(200);
  return parse(await response.text());
};

beforeAll(async () => {
  fx = await createFixture("telemetry");
  // The web's fleet gauges read this database, uncached, so each scrape sees the latest rows.
  process.env.DATABASE_URL = fx.database.url;
  process.env.VIRTFN_METRICS_CACHE_MS = "0";
  webTelemetry({ logDestination: webLogs.stream });
  worker = await startWorker(
    { ...fx.config, httpPort: 0 },
    lineLog(createLogger({ service: "worker", destination: workerLogs.stream })),
  );
  host = await addSimHost(fx, agents, "kvm-a", "kvm-i350-82599");
  await split(fx, host, "em1", 4);
  const l3 = await network(fx, {
    name: "metrics",
    iface: "em1",
    cidr: "10.31.0.0/24",
    sriov: true,
  });
  l2Name = "metrics-l2";
  const cat = await catalog(fx.db);
  vm = await runningVm(fx, fx.tenant, cat, "metrics-vm", [
    { l3Id: l3.id, sriov: true },
    { l3Id: l3.id, sriov: false, isDefault: true },
  ]);
}, 120_000);

afterAll(async () => {
  await worker?.close();
  await Promise.all(agents.map((agent) => agent.close().catch(() => undefined)));
  await fx?.cleanup();
});

describe("worker metrics", () => {
  it("count finished operations by kind and status, with their latency", async () => {
    const samples = await until(scrapeWorker, (s) =>
      ["host.connect", "pf.split", "vm.create"].every(
        (kind) => value(s, "virtfn_operations_total", { kind, status: "Succeeded" }) === 1,
      ),
    );
    for (const kind of ["host.connect", "pf.split", "vm.create"]) {
      expect(value(samples, "virtfn_operations_total", { kind, status: "Succeeded" })).toBe(1);
      expect(
        value(samples, "virtfn_operation_duration_seconds_count", { kind, status: "Succeeded" }),
      ).toBe(1);
      expect(
        value(samples, "virtfn_operation_duration_seconds_sum", { kind, status: "Succeeded" }),
      ).toBeGreaterThan(0);
    }
    expect(value(samples, "virtfn_operations_total", { status: "Failed" })).toBeUndefined();
  });

  it("time agent calls by route and name the queues' depth and age", async () => {
    const samples = await scrapeWorker();
    expect(
      value(samples, "virtfn_agent_request_duration_seconds_count", { route: "setVfCount" }),
    ).toBeGreaterThanOrEqual(1);
    for (const queue of ["hosts", "vms"]) {
      expect(value(samples, "virtfn_queue_jobs", { queue, state: "waiting" })).toBe(0);
      expect(value(samples, "virtfn_queue_jobs", { queue, state: "active" })).toBe(0);
      expect(value(samples, "virtfn_queue_oldest_waiting_seconds", { queue })).toBe(0);
    }
    expect(value(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("answer liveness and readiness, which asks Postgres and Redis", async () => {
    const live = await fetch(`http://127.0.0.1:${worker.httpPort}/healthz`);
    expect(live.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${worker.httpPort}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ok: true,
      checks: { postgres: { ok: true }, redis: { ok: true } },
    });
  });

  it("log JSON lines that carry the operation id", async () => {
    const created = await fx.db.operation.findFirstOrThrow({ where: { kind: "vm.create" } });
    // A run is logged when it starts (with its attempt) and when it ends.
    const lines = workerLogs.lines().filter((entry) => entry.operationId === created.id);
    expect(lines[0]).toMatchObject({
      service: "worker",
      kind: "vm.create",
      msg: expect.stringContaining("running (attempt 1 of") as unknown,
    });
    expect(lines.at(-1)).toMatchObject({
      service: "worker",
      level: "info",
      kind: "vm.create",
      operationId: created.id,
      msg: expect.stringContaining("succeeded") as unknown,
    });
    const connect = workerLogs.lines().find((entry) => entry.kind === "host.connect");
    expect(connect).toMatchObject({ host: "kvm-a" });
  });
});

describe("web metrics", () => {
  it("count VFs by state, PF and L2, and an allocation ratio that matches the VFs in use", async () => {
    const samples = await scrapeWeb();
    const rows = await fx.db.virtualFunction.groupBy({ by: ["state"], _count: true });
    const count = (state: string) => rows.find((row) => row.state === state)?._count ?? 0;
    const inUse = count("Reserved") + count("Attached") + count("Releasing");
    const existing = rows.reduce((sum, row) => sum + row._count, 0) - count("Missing");
    expect(inUse).toBe(1);
    expect(existing).toBe(4);

    expect(value(samples, "virtfn_vfs", { state: "Attached" })).toBe(1);
    expect(value(samples, "virtfn_vfs", { state: "Available" })).toBe(3);
    expect(value(samples, "virtfn_pf_vfs", { host: "kvm-a", pf: "em1", state: "Attached" })).toBe(
      1,
    );
    expect(value(samples, "virtfn_l2_vfs", { l2: l2Name, state: "Available" })).toBe(3);
    expect(value(samples, "virtfn_vf_allocation_ratio")).toBe(inUse / existing);
    expect(value(samples, "virtfn_l2_vf_allocation_ratio", { l2: l2Name })).toBe(inUse / existing);
    expect(value(samples, "virtfn_fleet_metrics_up")).toBe(1);
  });

  it("give the reconcile lag of connected hosts as a maximum and a histogram", async () => {
    const samples = await scrapeWeb();
    expect(value(samples, "virtfn_reconcile_lag_seconds_count")).toBe(1);
    expect(value(samples, "virtfn_reconcile_lag_seconds_bucket", { le: "+Inf" })).toBe(1);
    const buckets = samples
      .filter((s) => s.name === "virtfn_reconcile_lag_seconds_bucket")
      .map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(value(samples, "virtfn_reconcile_lag_max_seconds")).toBeGreaterThanOrEqual(0);
    expect(value(samples, "virtfn_reconcile_lag_max_seconds")).toBeLessThan(3600);
  });

  it("count HTTP requests by route template and status, and log them with the request id", async () => {
    const call = (path: string, requestId: string) => {
      const request = new Request(`http://127.0.0.1/api/v1${path}`, {
        headers: { "x-request-id": requestId },
      });
      return instrumented(request, restRouteOf(request), () =>
        handleRest(request, [], { db: fx.db }),
      );
    };
    const answer = await call(`/vms/${vm.id}`, "metrics-test-1");
    expect(answer.status).toBe(401);
    expect(answer.headers.get("x-request-id")).toBe("metrics-test-1");
    expect((await call("/no/such/thing", "metrics-test-2")).status).toBe(404);

    const samples = await scrapeWeb();
    expect(
      value(samples, "virtfn_http_requests_total", {
        route: "/api/v1/vms/:vmId",
        method: "GET",
        status: "401",
      }),
    ).toBe(1);
    expect(
      value(samples, "virtfn_http_requests_total", { route: "/api/v1/(unmatched)", status: "404" }),
    ).toBe(1);
    expect(samples.some((s) => s.labels.route?.includes(vm.id))).toBe(false);
    expect(webLogs.lines().find((line) => line.requestId === "metrics-test-1")).toMatchObject({
      service: "web",
      route: "/api/v1/vms/:vmId",
      status: 401,
    });
  });

  it("answer only the bearer of VIRTFN_METRICS_TOKEN when one is set", async () => {
    const url = "http://127.0.0.1/api/metrics";
    expect((await metricsResponse(new Request(url), "s3cret-token")).status).toBe(401);
    const wrong = new Request(url, { headers: { authorization: "Bearer nope" } });
    expect((await metricsResponse(wrong, "s3cret-token")).status).toBe(401);
    const right = new Request(url, { headers: { authorization: "Bearer s3cret-token" } });
    expect((await metricsResponse(right, "s3cret-token")).status).toBe(200);
  });
});

describe("a failed operation", () => {
  it("is counted as Failed, with the agent's errors by code", async () => {
    await host.agent.close();
    const { operation } = await stopVm(fx.db, fx.tenant, { vmId: vm.id });
    const done = await waitForOperation(fx.db, fx.admin, operation.id);
    expect(done.status).toBe("Failed");
    const samples = await until(
      scrapeWorker,
      (s) => value(s, "virtfn_operations_total", { kind: "vm.stop", status: "Failed" }) === 1,
    );
    expect(value(samples, "virtfn_operations_total", { kind: "vm.stop", status: "Failed" })).toBe(
      1,
    );
    const errors = samples.filter(
      (s) => s.name === "virtfn_agent_request_errors_total" && s.labels.code === "UNREACHABLE",
    );
    expect(errors.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThan(0);
    const failed = workerLogs.lines().filter((line) => line.operationId === operation.id);
    expect(failed.at(-1)).toMatchObject({ errorCode: done.errorCode });
  });
});
