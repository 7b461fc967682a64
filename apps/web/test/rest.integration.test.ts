// The REST API over the real route handler: auth, errors, pagination, 202 + wait, Idempotency-Key,
// rate limits, audit of refused mutations, CSRF, and the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, login, revokeApiKey } from "@virtfn/core";
import { endpoints } from "../src/server/rest/endpoints";
import { resetRateLimits } from "../src/server/rest/rate-limit";
import { allProcedurePaths } from "../src/server/rest/schemas";
import { callerWith, createWebFixture, rest, waitForOperation, type WebFixture } from "./fixture";

let w: WebFixture;

beforeAll(async () => {
  w = await createWebFixture("rest");
}, 120_000);
afterAll(async () => {
  await w?.cleanup();
});

describe("REST /api/v1", () => {
  it("refuses anonymous callers and bad keys with 401", async () => {
    const anonymous = await rest(w.db, "GET", "/vms");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: "UNAUTHENTICATED" });
    const bad = await rest(w.db, "GET", "/vms", {
      token: "vfn_000000000000_notarealsecretnotarealsecretnotarealsecret00",
    });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ code: "INVALID_API_KEY" });
  });

  it("lists a project's VMs with cursor pagination and coerced query parameters", async () => {
    const page = await rest(w.db, "GET", `/vms?limit=1&projectId=${w.a.projectId}`, {
      token: w.a.token,
    });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 1, nextCursor: null, items: [{ id: w.vmA.id }] });
    const one = await rest(w.db, "GET", `/vms/${w.vmA.id}`, { token: w.a.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: w.vmA.id, name: w.vmA.name });
    const key = await w.db.apiKey.findUniqueOrThrow({ where: { id: w.a.apiKeyId } });
    expect(key.lastUsedAt).not.toBeNull();
  });

  it("answers every list as { items, nextCursor, total }, never a bare array", async () => {
    const admin = (await createApiKey(w.db, w.fx.admin, { name: "rest-lists-admin" })).token;
    // Every GET endpoint that needs no id but the project's: the whole-collection lists
    // (zones, clusters, offerings, images, a project's EIPs…) and the paged ones.
    const lists = endpoints.filter(
      (e) =>
        e.method === "GET" &&
        e.path.split("/").every((s) => !s.startsWith(":") || s === ":projectId"),
    );
    const bare: string[] = [];
    let pages = 0;
    for (const endpoint of lists) {
      const path = endpoint.path.replace(":projectId", w.a.projectId);
      const answer = await rest(w.db, "GET", path, { token: admin });
      expect(answer.status, path).toBe(200);
      if (Array.isArray(answer.body)) bare.push(path);
      const body = answer.body as { items?: unknown };
      if (Array.isArray(body.items)) {
        pages += 1;
        expect(answer.body, path).toMatchObject({
          items: expect.any(Array),
          nextCursor: null,
          total: expect.any(Number),
        });
      }
    }
    expect(bare).toEqual([]);
    for (const path of [
      "/zones",
      "/clusters",
      "/offerings",
      "/images",
      "/projects/:projectId/eips",
    ])
      expect(lists.map((e) => e.path)).toContain(path);
    expect(pages).toBeGreaterThanOrEqual(15);
    const offerings = await rest(w.db, "GET", "/offerings", { token: w.a.token });
    expect(offerings.body).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ id: w.cat.offeringId })]),
      nextCursor: null,
      total: expect.any(Number),
      totalExact: true,
    });
  });

  it("refuses unknown body fields with 400 naming them, at any depth, changing nothing", async () => {
    const admin = (await createApiKey(w.db, w.fx.admin, { name: "rest-strict-admin" })).token;
    const l2Id = w.l3.l2.id;
    const before = await w.db.l2Network.findUniqueOrThrow({ where: { id: l2Id } });
    const bogus = await rest(w.db, "PATCH", `/l2-networks/${l2Id}`, {
      token: admin,
      body: { name: "renamed-by-bogus", bogus: 1 },
    });
    expect(bogus.status).toBe(400);
    expect(bogus.body).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { fieldErrors: { bogus: ["Unknown field"] } },
    });
    expect(await w.db.l2Network.findUniqueOrThrow({ where: { id: l2Id } })).toEqual(before);
    const nested = await rest(w.db, "POST", "/vms", {
      token: w.a.token,
      body: {
        projectId: w.a.projectId,
        name: "strict-vm",
        offeringId: w.cat.offeringId,
        imageId: w.cat.imageId,
        nics: [{ l3Id: w.l3.id, sriov: false, colour: "red" }],
      },
    });
    expect(nested.status).toBe(400);
    expect(nested.body).toMatchObject({
      details: { fieldErrors: { "nics.0.colour": expect.any(Array) } },
    });
    const noBody = await rest(w.db, "POST", `/vms/${w.vmA.id}/reboot`, {
      token: w.a.token,
      body: { force: true },
    });
    expect(noBody.status).toBe(400);
    expect(noBody.body).toMatchObject({ details: { fieldErrors: { force: expect.any(Array) } } });
    const fine = await rest(w.db, "PATCH", `/l2-networks/${l2Id}`, {
      token: admin,
      body: { description: "known fields pass" },
    });
    expect(fine.status).toBe(200);
    // Query strings are strict too: on a list, on a GET that takes only its path, and beside a
    // body (where only a long-running endpoint's `wait` belongs).
    for (const [method, path, field] of [
      ["GET", "/l2-networks?limit=5&bogus=1", "bogus"],
      ["GET", "/zones?bogus=1", "bogus"],
      ["GET", `/vms/${w.vmA.id}?bogus=1`, "bogus"],
      ["PATCH", `/l2-networks/${l2Id}?name=renamed-by-query`, "query.name"],
      ["POST", `/vms/${w.vmA.id}/reboot?force=true`, "query.force"],
    ] as const) {
      const answer = await rest(w.db, method, path, { token: admin });
      expect(answer.status, path).toBe(400);
      expect(answer.body, path).toMatchObject({
        code: "VALIDATION_FAILED",
        details: { fieldErrors: { [field]: ["Unknown field"] } },
      });
    }
    expect(await w.db.l2Network.findUniqueOrThrow({ where: { id: l2Id } })).toMatchObject({
      name: before.name,
    });
  });

  it("maps errors to { code, message, details } with 400/403/404/405", async () => {
    const invalid = await rest(w.db, "POST", "/vms", {
      token: w.a.token,
      body: { projectId: w.a.projectId, nics: [] },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { fieldErrors: { name: expect.any(Array), nics: expect.any(Array) } },
    });
    const badLimit = await rest(w.db, "GET", "/vms?limit=9999", { token: w.a.token });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body).toMatchObject({ details: { fieldErrors: { limit: expect.any(Array) } } });
    const missing = await rest(w.db, "GET", "/vms/00000000-0000-4000-8000-000000000000", {
      token: w.a.token,
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      code: "NOT_FOUND",
      message: expect.any(String),
      details: expect.any(Object),
    });
    const split = await rest(w.db, "POST", `/pfs/${w.pfId}/split`, {
      token: w.a.token,
      body: { count: 2 },
    });
    expect(split.status).toBe(403);
    expect(split.body).toMatchObject({ code: "ADMIN_ONLY" });
    // An unknown route and an unknown resource are told apart.
    const noRoute = await rest(w.db, "GET", "/nope", { token: w.a.token });
    expect(noRoute.status).toBe(404);
    expect(noRoute.body).toMatchObject({ code: "ROUTE_NOT_FOUND" });
    const wrongMethod = await rest(w.db, "PATCH", "/vms", { token: w.a.token });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toContain("GET");
  });

  it("audits refused mutations once, with the source IP and the key", async () => {
    // Two trusted proxies appended to X-Forwarded-For: the client is the second from the right.
    process.env.VIRTFN_TRUSTED_PROXY_HOPS = "2";
    try {
      await rest(w.db, "POST", `/pfs/${w.pfId}/split`, {
        token: w.a.token,
        body: { count: 3 },
        headers: { "x-forwarded-for": "203.0.113.7, 10.0.0.1" },
      });
    } finally {
      delete process.env.VIRTFN_TRUSTED_PROXY_HOPS;
    }
    const events = await w.db.auditEvent.findMany({
      where: { action: "pf.split", sourceIp: "203.0.113.7" },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: "Denied",
      errorCode: "ADMIN_ONLY",
      apiKeyId: w.a.apiKeyId,
      targetId: w.pfId,
      actorName: w.a.actor.username,
    });
    const failed = await rest(w.db, "DELETE", "/vms/00000000-0000-4000-8000-000000000001", {
      token: w.a.token,
    });
    expect(failed.status).toBe(404);
    expect(
      await w.db.auditEvent.count({
        where: { action: "vm.delete", outcome: "Failure", errorCode: "NOT_FOUND" },
      }),
    ).toBe(1);
    // Tenants list their projects' events only.
    const mine = await rest(w.db, "GET", "/audit-events?limit=200", { token: w.b.token });
    expect(mine.status).toBe(200);
    const items = (mine.body as { items: Array<{ projectId: string | null }> }).items;
    expect(items.every((event) => event.projectId === w.b.projectId)).toBe(true);
  });

  it("long operations answer 202 with a Location, and ?wait returns the finished operation", async () => {
    const stopped = await rest(w.db, "POST", `/vms/${w.vmA.id}/stop`, { token: w.a.token });
    expect(stopped.status).toBe(202);
    const body = stopped.body as { operation: { id: string; status: string }; vm: { id: string } };
    expect(stopped.headers.get("location")).toBe(`/api/v1/operations/${body.operation.id}`);
    expect(body.vm.id).toBe(w.vmA.id);
    const waited = await rest(w.db, "GET", `/operations/${body.operation.id}`, {
      token: w.a.token,
    });
    expect(waited.status).toBe(200);
    // Wait on the next one.
    for (let i = 0; i < 100; i++) {
      const op = await rest(w.db, "GET", `/operations/${body.operation.id}`, { token: w.a.token });
      if ((op.body as { status: string }).status === "Succeeded") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const started = await rest(w.db, "POST", `/vms/${w.vmA.id}/start?wait=30`, {
      token: w.a.token,
    });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ operation: { status: "Succeeded", kind: "vm.start" } });
    const badWait = await rest(w.db, "POST", `/vms/${w.vmA.id}/start?wait=abc`, {
      token: w.a.token,
    });
    expect(badWait.status).toBe(400);
  });

  it("a committed long operation answers 202 from its own row, even when it can no longer be read", async () => {
    // The pool drained under load: every later read of an operation waits out and fails. The
    // command has already committed, so its answer must not be a 503 (issue 9's load test saw
    // creates that took their VF answered 503, and a client retrying them would create twice).
    const drained = new Error("timeout exceeded when trying to connect");
    const unreadable = new Proxy(w.db, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property);
        if (property === "operation")
          return new Proxy(target.operation, {
            get: (model, name) =>
              name === "findFirst" || name === "findUnique" || name === "findFirstOrThrow"
                ? () => Promise.reject(drained)
                : (Reflect.get(model, name) as unknown),
          });
        return typeof value === "function" ? (value as () => unknown).bind(target) : value;
      },
    });
    const before = await w.db.operation.count({ where: { targetId: w.vmA.id } });
    for (const wait of ["", "?wait=5"]) {
      const answer = await rest(unreadable, "POST", `/vms/${w.vmA.id}/reboot${wait}`, {
        token: w.a.token,
      });
      expect(answer.status, wait).toBe(202);
      const body = answer.body as { operation: { id: string; kind: string; requester: string } };
      expect(body.operation).toMatchObject({ kind: "vm.reboot", requester: expect.any(String) });
      expect(answer.headers.get("location")).toBe(`/api/v1/operations/${body.operation.id}`);
      const done = await waitForOperation(w.db, w.fx.admin, body.operation.id);
      expect(done.status).toBe("Succeeded");
    }
    expect(await w.db.operation.count({ where: { targetId: w.vmA.id } })).toBe(before + 2);
  });

  it("replays POSTs with the same Idempotency-Key and refuses a reused key with another body", async () => {
    const headers = { "idempotency-key": "create-key-1" };
    const first = await rest(w.db, "POST", "/api-keys", {
      token: w.a.token,
      headers,
      body: { name: "ci", projectId: w.a.projectId },
    });
    expect(first.status).toBe(200);
    const again = await rest(w.db, "POST", "/api-keys", {
      token: w.a.token,
      headers,
      body: { projectId: w.a.projectId, name: "ci" },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await w.db.apiKey.count({ where: { name: "ci" } })).toBe(1);
    const other = await rest(w.db, "POST", "/api-keys", {
      token: w.a.token,
      headers,
      body: { name: "other", projectId: w.a.projectId },
    });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    // Another caller's identical key is theirs alone.
    const b = await rest(w.db, "POST", "/api-keys", {
      token: w.b.token,
      headers,
      body: { name: "ci", projectId: w.b.projectId },
    });
    expect(b.status).toBe(200);
    expect(b.headers.get("idempotent-replayed")).toBeNull();
    // The new key works and stops working once revoked.
    const token = (first.body as { token: string }).token;
    expect(token).toMatch(/^vfn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await rest(w.db, "GET", "/me", { token })).status).toBe(200);
    await revokeApiKey(w.db, w.a.actor, {
      apiKeyId: (first.body as { apiKey: { id: string } }).apiKey.id,
    });
    expect((await rest(w.db, "GET", "/me", { token })).status).toBe(401);
    const stored = await w.db.apiKey.findFirstOrThrow({
      where: { name: "ci", userId: w.a.actor.userId },
    });
    expect(stored.secretHash).not.toContain(token.slice(18));
  });

  it("rate limits per API key with 429 and Retry-After", async () => {
    process.env.VIRTFN_RATE_LIMIT_KEY = "3/6";
    resetRateLimits();
    try {
      const answers = [];
      for (let i = 0; i < 4; i++)
        answers.push(await rest(w.db, "GET", "/me", { token: w.b.token }));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
      expect(Number(answers[3]?.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(answers[3]?.body).toMatchObject({ code: "RATE_LIMITED" });
      // Another key has its own bucket.
      expect((await rest(w.db, "GET", "/me", { token: w.a.token })).status).toBe(200);
    } finally {
      delete process.env.VIRTFN_RATE_LIMIT_KEY;
      resetRateLimits();
    }
  });

  it("refuses cross-site cookie mutations (CSRF) but not same-origin ones or API keys", async () => {
    const { token } = await login(w.db, {
      username: w.a.actor.username,
      password: "password-a-0123456789",
    });
    const cookie = `virtfn_session=${token}`;
    const evil = await callerWith(w.db, {
      cookie,
      origin: "https://evil.example",
      host: "127.0.0.1:3000",
    });
    await expect(evil.vms.stop({ vmId: w.vmA.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const fetchSite = await callerWith(w.db, { cookie, "sec-fetch-site": "cross-site" });
    await expect(
      fetchSite.apiKeys.create({ name: "x", projectId: w.a.projectId }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await w.db.auditEvent.count({ where: { errorCode: "CROSS_SITE_REQUEST" } })).toBe(2);
    const same = await callerWith(w.db, {
      cookie,
      origin: "http://127.0.0.1:3000",
      host: "127.0.0.1:3000",
      "sec-fetch-site": "same-origin",
    });
    await expect(same.apiKeys.list({})).resolves.toMatchObject({ total: expect.any(Number) });
    const created = await same.apiKeys.create({ name: "same-origin", projectId: w.a.projectId });
    await same.apiKeys.revoke({ apiKeyId: created.apiKey.id });
    const keyed = await callerWith(w.db, {
      authorization: `Bearer ${w.a.token}`,
      origin: "https://evil.example",
    });
    await expect(keyed.apiKeys.list({})).resolves.toBeDefined();
  });

  it("serves an OpenAPI 3.1 document covering every endpoint the procedures declare", async () => {
    const doc = await rest(w.db, "GET", "/openapi.json");
    expect(doc.status).toBe(200);
    const body = doc.body as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(body.openapi).toBe("3.1.0");
    const operations = Object.values(body.paths).flatMap((p) => Object.values(p));
    expect(operations).toHaveLength(endpoints.length);
    const procedures = new Set(allProcedurePaths());
    for (const endpoint of endpoints)
      expect(procedures.has(endpoint.procedure), endpoint.procedure).toBe(true);
    expect(body.paths["/api/v1/vms"]?.post).toBeDefined();
    console.log(`[rest] ${endpoints.length} endpoints over ${procedures.size} procedures`);
  });
});
