import { describe, expect, it } from "vitest";
import { createAgentClient } from "./client";
import { AgentError } from "./errors";
import { buildPath } from "./routes";
import type { Task } from "./schemas/task";

interface Seen {
  method: string;
  url: string;
  auth: string | null;
  body: unknown;
}

/** A fetch that answers from a script and records requests; no sockets involved. */
function scripted(answers: Array<Response | Error>) {
  const seen: Seen[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    seen.push({
      method: init?.method ?? "GET",
      url: String(input),
      auth: headers.get("authorization"),
      body: typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : undefined,
    });
    const next = answers.shift();
    if (next === undefined) throw new Error("no scripted answer left");
    if (next instanceof Error) throw next;
    return next;
  };
  return { seen, fetchImpl };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const agentError = (code: string, status: number) =>
  json({ error: { code, message: `${code} happened` } }, status);
const refused = () =>
  new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") });

const health = { version: "0.1.0", hostname: "kvm-a", backend: "sim", bootId: "b-1" };
const task = (state: Task["state"], done: number, total = 4): Task => ({
  id: "op-1",
  kind: "set-vf-count",
  target: "0000:01:00.0",
  state,
  progress: { done, total },
  error: state === "failed" ? { code: "EBUSY", message: "busy" } : null,
});

function client(answers: Array<Response | Error>, retries = 2) {
  const s = scripted(answers);
  return {
    ...s,
    c: createAgentClient({
      baseUrl: "http://agent:7443/base",
      token: "tok",
      retries,
      retryDelayMs: 0,
      fetch: s.fetchImpl,
    }),
  };
}

describe("agent client", () => {
  it("sends the bearer token, encodes PCI addresses and keeps a base path", async () => {
    const { c, seen } = client([json({ taskId: "op-1" }, 202)]);
    expect(await c.setVfCount("0000:01:00.0", 4, { operationId: "op-1" })).toEqual({
      taskId: "op-1",
    });
    expect(seen).toEqual([
      {
        method: "PUT",
        url: "http://agent:7443/base/v1/nics/0000%3A01%3A00.0/sriov",
        auth: "Bearer tok",
        body: { count: 4, operationId: "op-1" },
      },
    ]);
  });

  it("maps the agent error body to AgentError with code, status and transience", async () => {
    const { c } = client([agentError("VF_IN_USE", 409)]);
    const err = await c
      .setVfCount("0000:01:00.0", 0, { operationId: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect(err).toMatchObject({
      code: "VF_IN_USE",
      status: 409,
      isTransient: false,
      message: "VF_IN_USE happened",
    });
  });

  it("retries idempotent calls after transient failures", async () => {
    const { c, seen } = client([refused(), agentError("INTERNAL", 500), json(health)]);
    expect(await c.health()).toEqual(health);
    expect(seen).toHaveLength(3);
  });

  it("gives up after the configured retries with UNREACHABLE", async () => {
    const { c, seen } = client([refused(), refused(), refused()]);
    await expect(c.getFacts()).rejects.toMatchObject({ code: "UNREACHABLE", isTransient: true });
    expect(seen).toHaveLength(3);
  });

  it("never retries non-idempotent calls (reboot, migrate)", async () => {
    const { c, seen } = client([refused(), json({ bootId: "x" })]);
    await expect(c.reboot()).rejects.toMatchObject({ code: "UNREACHABLE" });
    expect(seen).toHaveLength(1);
  });

  it("does not retry permanent errors", async () => {
    const { c, seen } = client([agentError("ERANGE", 422), json({ taskId: "x" })]);
    await expect(c.setVfCount("0000:01:00.0", 99, { operationId: "x" })).rejects.toMatchObject({
      code: "ERANGE",
    });
    expect(seen).toHaveLength(1);
  });

  it("rejects responses that break the contract with BAD_RESPONSE", async () => {
    const { c } = client([json({ version: 1 })]);
    await expect(c.health()).rejects.toMatchObject({ code: "BAD_RESPONSE" });
  });

  it("reads an agent without the PCI devices route (older than passthrough) as not reporting them", async () => {
    const { c } = client([new Response("Not Found", { status: 404 })]);
    expect(await c.listPciDevices()).toBeNull();
    const failing = client([agentError("INTERNAL", 500)], 0);
    await expect(failing.c.listPciDevices()).rejects.toMatchObject({ code: "INTERNAL" });
  });

  it("maps a non-agent 401 (a proxy) to UNAUTHORIZED", async () => {
    const { c } = client([new Response("nope", { status: 401 })]);
    await expect(c.listDomains()).rejects.toMatchObject({ code: "UNAUTHORIZED", status: 401 });
  });

  it("validates arguments locally before sending anything", async () => {
    const { c, seen } = client([]);
    await expect(c.setVfCount("01:00.0", 1, { operationId: "x" })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    await expect(
      c.attachVf("vm1", { mac: "01:00:5e:00:00:01", pciAddress: "0000:01:10.0", live: true }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
    expect(seen).toHaveLength(0);
  });

  it("normalises MACs to lower case", async () => {
    const { c, seen } = client([json({ ok: true })]);
    await c.addFdb("em1", "52:54:00:AA:BB:CC");
    expect(seen[0]?.url).toBe("http://agent:7443/base/v1/fdb/em1/52%3A54%3A00%3Aaa%3Abb%3Acc");
  });

  it("setVfCountAndWait polls to success and reports each progress change once", async () => {
    const { c } = client([
      json({ taskId: "op-1" }, 202),
      json(task("running", 1)),
      json(task("running", 1)),
      json(task("running", 3)),
      json(task("succeeded", 4)),
    ]);
    const progress: number[] = [];
    const final = await c.setVfCountAndWait("0000:01:00.0", 4, {
      operationId: "op-1",
      pollMs: 0,
      onProgress: (t) => progress.push(t.progress.done),
    });
    expect(final.state).toBe("succeeded");
    expect(progress).toEqual([1, 3, 4]);
  });

  it("setVfCountAndWait asks a pollMs function before each wait, with the task as last seen", async () => {
    const { c } = client([
      json({ taskId: "op-1" }, 202),
      json(task("running", 0)),
      json(task("running", 2)),
      json(task("succeeded", 4)),
    ]);
    const asked: Array<{ done: number; elapsed: boolean }> = [];
    await c.setVfCountAndWait("0000:01:00.0", 4, {
      operationId: "op-1",
      pollMs: (t, elapsedMs) => {
        asked.push({ done: t.progress.done, elapsed: elapsedMs >= 0 });
        return 0;
      },
    });
    // Not asked after the last look: the task had ended.
    expect(asked).toEqual([
      { done: 0, elapsed: true },
      { done: 2, elapsed: true },
    ]);
  });

  it("setVfCountAndWait throws the task error code on failure", async () => {
    const { c } = client([json({ taskId: "op-1" }, 202), json(task("failed", 0))]);
    await expect(
      c.setVfCountAndWait("0000:01:00.0", 4, { operationId: "op-1", pollMs: 0 }),
    ).rejects.toMatchObject({ code: "EBUSY" });
  });

  it("setVfCountAndWait re-issues the operation when a restarted agent forgot the task", async () => {
    const { c, seen } = client([
      json({ taskId: "op-1" }, 202),
      agentError("NOT_FOUND", 404),
      json({ taskId: "op-1" }, 202),
      json(task("succeeded", 4)),
    ]);
    expect(
      (await c.setVfCountAndWait("0000:01:00.0", 4, { operationId: "op-1", pollMs: 0 })).state,
    ).toBe("succeeded");
    expect(seen.map((s) => s.method)).toEqual(["PUT", "GET", "PUT", "GET"]);
    expect(seen[2]?.body).toEqual({ count: 4, operationId: "op-1" });
  });

  it("buildPath refuses a missing parameter", () => {
    expect(() => buildPath("/v1/tasks/:id", {})).toThrow(/missing path parameter id/);
  });

  it("buildPath sends the parameters its path does not name as the query string", () => {
    expect(buildPath("/v1/tasks/:id", { id: "op 1", waitMs: "5000", untilDone: "16" })).toBe(
      "/v1/tasks/op%201?waitMs=5000&untilDone=16",
    );
    expect(buildPath("/v1/tasks/:id", { id: "op-1" })).toBe("/v1/tasks/op-1");
  });
});

describe("waiting out an outage (retryForMs)", () => {
  const outage = () => Array.from({ length: 8 }, refused);

  it("keeps retrying an unreachable agent past the counted retries until it answers", async () => {
    const s = scripted([...outage(), json(health)]);
    const c = createAgentClient({
      baseUrl: "http://agent:7443",
      token: "tok",
      retries: 1,
      retryDelayMs: 1,
      retryForMs: 60_000,
      fetch: s.fetchImpl,
    });
    await expect(c.health()).resolves.toMatchObject({ bootId: "b-1" });
    expect(s.seen).toHaveLength(9);
  });

  it("without a budget it gives up after the counted retries; a per-call 0 overrides the budget", async () => {
    const s = scripted([...outage(), json(health)]);
    const c = createAgentClient({
      baseUrl: "http://agent:7443",
      token: "tok",
      retries: 1,
      retryDelayMs: 1,
      fetch: s.fetchImpl,
    });
    await expect(c.health()).rejects.toMatchObject({ code: "UNREACHABLE" });
    expect(s.seen).toHaveLength(2);
    const p = scripted([...outage(), json(health)]);
    const patient = createAgentClient({
      baseUrl: "http://agent:7443",
      token: "tok",
      retries: 1,
      retryDelayMs: 1,
      retryForMs: 60_000,
      fetch: p.fetchImpl,
    });
    await expect(patient.health({ retryForMs: 0 })).rejects.toMatchObject({ code: "UNREACHABLE" });
    expect(p.seen).toHaveLength(2);
  });

  it("never retries a non-idempotent call, budget or not", async () => {
    const s = scripted([refused(), json({ ok: true })]);
    const c = createAgentClient({
      baseUrl: "http://agent:7443",
      token: "tok",
      retryDelayMs: 1,
      retryForMs: 60_000,
      fetch: s.fetchImpl,
    });
    await expect(c.reboot()).rejects.toMatchObject({ code: "UNREACHABLE" });
    expect(s.seen).toHaveLength(1);
  });
});

describe("the call observer (onCall)", () => {
  it("hears each call once, retries included, with the error code of a failed one", async () => {
    const events: Array<{ route: string; errorCode?: string }> = [];
    const s = scripted([refused(), json(health), agentError("EBUSY", 409)]);
    const c = createAgentClient({
      baseUrl: "http://agent:7443",
      token: "tok",
      retryDelayMs: 0,
      fetch: s.fetchImpl,
      onCall: ({ route, errorCode, durationMs }) => {
        expect(durationMs).toBeGreaterThanOrEqual(0);
        events.push(errorCode === undefined ? { route } : { route, errorCode });
        throw new Error("an observer that throws does not fail the call");
      },
    });
    expect(await c.health()).toEqual(health);
    await expect(c.setVfCount("0000:01:00.0", 4, { operationId: "op-1" })).rejects.toThrow(
      AgentError,
    );
    expect(events).toEqual([{ route: "health" }, { route: "setVfCount", errorCode: "EBUSY" }]);
  });
});
