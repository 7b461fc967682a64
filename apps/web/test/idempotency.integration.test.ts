// Idempotency-Key records never outlive the request that holds them: a request that dies keeps its
// key only for a short lease, a failed request releases it, and a request that committed but could
// not answer is replayed with what it created instead of running twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  abandonIdempotentRequest,
  beginIdempotentRequest,
  keepIdempotentRequest,
  createApiKey,
  createOffering,
  reconnectHost,
  seedDemo,
  type Actor,
} from "@virtfn/core";
import { createTestDatabase, type TestDatabase } from "@virtfn/db/testing";
import { idempotentDb, provisionalAnswer } from "../src/server/rest/idempotent-db";
import { resetRateLimits } from "../src/server/rest/rate-limit";
import { rest } from "./fixture";

let database: TestDatabase;
let admin: Actor;
let token: string;
let apiKeyId: string;

beforeAll(async () => {
  database = await createTestDatabase("idem");
  await seedDemo(database.db, []);
  const row = await database.db.user.findUniqueOrThrow({ where: { username: "admin" } });
  admin = { userId: row.id, username: row.username, role: "Admin", projectIds: [] };
  const key = await createApiKey(database.db, admin, { name: "idem" });
  token = key.token;
  apiKeyId = key.apiKey.id;
}, 60_000);
afterAll(async () => {
  await database?.drop();
});

describe("Idempotency-Key records", () => {
  it("a stale in-progress record frees its key once the lease is over", async () => {
    const ref = { scope: "user:lease", key: "k1", fingerprint: "f" };
    const t0 = new Date();
    expect(await beginIdempotentRequest(database.db, { ...ref, leaseMs: 1000 }, t0)).toEqual({
      state: "new",
    });
    // Within the lease a repeat is told to wait, with how long.
    await expect(
      beginIdempotentRequest(database.db, ref, new Date(t0.getTime() + 500)),
    ).rejects.toMatchObject({
      code: "IDEMPOTENCY_IN_PROGRESS",
      details: { retryAfterSeconds: 1 },
    });
    // The holder died without answering: after the lease the key runs again.
    expect(await beginIdempotentRequest(database.db, ref, new Date(t0.getTime() + 1500))).toEqual({
      state: "new",
    });
  });

  it("a running request keeps its key past the lease, and frees it a lease after it stops renewing", async () => {
    const ref = { scope: "user:keep", key: "k4", fingerprint: "f", leaseMs: 600 };
    expect(await beginIdempotentRequest(database.db, ref)).toEqual({ state: "new" });
    const stop = keepIdempotentRequest(database.db, ref);
    try {
      // Several leases later the request still runs: its renewals keep the key.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await expect(beginIdempotentRequest(database.db, ref)).rejects.toMatchObject({
        code: "IDEMPOTENCY_IN_PROGRESS",
      });
    } finally {
      stop();
    }
    // Its process died (nothing renews): a lease later the client's retry runs it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await beginIdempotentRequest(database.db, ref)).toEqual({ state: "new" });
  });

  it("a failed request releases its key at once", async () => {
    const ref = { scope: "user:fail", key: "k2", fingerprint: "f" };
    expect(await beginIdempotentRequest(database.db, ref)).toEqual({ state: "new" });
    await abandonIdempotentRequest(database.db, ref);
    expect(await beginIdempotentRequest(database.db, ref)).toEqual({ state: "new" });
  });

  it("a request that committed but never answered is replayed with what it created", async () => {
    const ref = { scope: `key:${apiKeyId}`, key: "k3" };
    const body = { name: "committed-unanswered", vcpus: 2, memoryMiB: 256 };
    // The request's fingerprint, learnt from a tenant's refused attempt at the same request.
    const tenant = await database.db.user.findUniqueOrThrow({
      where: { username: "tenant" },
      include: { memberships: true },
    });
    const projectIds = tenant.memberships.map((m) => m.projectId);
    const tenantKey = await createApiKey(
      database.db,
      { userId: tenant.id, username: tenant.username, role: "Tenant", projectIds },
      { name: "probe", projectId: projectIds[0] },
    );
    const probe = await rest(database.db, "POST", "/offerings", {
      token: tenantKey.token,
      body,
      headers: { "idempotency-key": "probe" },
    });
    expect(probe.status).toBe(403);
    const { fingerprint } = await database.db.idempotencyRecord.findUniqueOrThrow({
      where: { scope_key: { scope: `key:${tenantKey.apiKey.id}`, key: "probe" } },
    });

    // The first attempt: the handler takes the key, the procedure commits its create, and the
    // request dies before it answers (the handler never stores its answer).
    await beginIdempotentRequest(database.db, { ...ref, fingerprint });
    const created = await createOffering(
      idempotentDb(database.db, ref, (result) =>
        provisionalAnswer(result, false, "/api/v1/operations"),
      ),
      admin,
      body,
    );

    resetRateLimits();
    const retry = await rest(database.db, "POST", "/offerings", {
      token,
      body,
      headers: { "idempotency-key": "k3" },
    });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual({ id: created.id, name: body.name });
    expect(await database.db.instanceOffering.count({ where: { name: body.name } })).toBe(1);
  });

  it("a one-statement command (host reconnect) stores its answer in the same commit as its operation", async () => {
    const cluster = await database.db.cluster.findFirstOrThrow();
    const host = await database.db.host.create({
      data: {
        name: "idem-host",
        clusterId: cluster.id,
        agentUrl: "http://127.0.0.1:19999",
        agentToken: "idem-token-0123456789",
        connectionState: "Connected",
      },
    });
    const ref = { scope: `key:${apiKeyId}`, key: "k5" };
    await beginIdempotentRequest(database.db, { ...ref, fingerprint: "reconnect" });
    // The request dies after its commit: the handler never stores its final answer.
    const { operation } = await reconnectHost(
      idempotentDb(database.db, ref, (result) =>
        provisionalAnswer(result, true, "/api/v1/operations"),
      ),
      admin,
      { hostId: host.id },
    );
    const record = await database.db.idempotencyRecord.findUniqueOrThrow({
      where: { scope_key: ref },
    });
    expect(record).toMatchObject({
      status: 202,
      location: `/api/v1/operations/${operation.id}`,
      body: {
        host: { id: host.id, name: "idem-host" },
        operation: { id: operation.id, status: "Pending", kind: "host.connect" },
      },
    });
  });

  it("a provisional answer carries ids only, and 202 with the operation for long-running work", () => {
    const answer = provisionalAnswer(
      {
        vm: { id: "vm-1", name: "web", secret: "no" },
        operation: { id: "op-1", status: "Pending", kind: "VmCreate" },
        passwordHash: "never",
      },
      true,
      "/api/v1/operations",
    );
    expect(answer).toEqual({
      status: 202,
      location: "/api/v1/operations/op-1",
      body: {
        vm: { id: "vm-1", name: "web" },
        operation: { id: "op-1", status: "Pending", kind: "VmCreate" },
      },
    });
  });
});
