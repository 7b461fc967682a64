// The weaknesses of issue 11, one test each: inputs that reached Postgres or threw outside any
// try, a project key that read its user's other project, and a login that could be brute-forced,
// probed by timing, spoofed past its limits or used to lock everyone out.
import { performance } from "node:perf_hooks";
import { TRPCError } from "@trpc/server";
import {
  addProjectMember,
  createApiKey,
  createProject,
  createUser,
  type Actor,
} from "@virtfn/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { handleRest } from "../src/server/rest/handler";
import { createCaller } from "../src/server/root";
import { createContext } from "../src/server/trpc";
import { limiterPrefix, limiterRedis, resetRateLimits } from "../src/server/rest/rate-limit";
import { callerWith, createWebFixture, rest, type WebFixture } from "./fixture";

let w: WebFixture;
const PASSWORD = "correct-horse-battery-staple";

beforeAll(async () => {
  w = await createWebFixture("hostile");
}, 180_000);
afterAll(async () => {
  await w?.cleanup();
});
afterEach(() => {
  delete process.env.VIRTFN_TRUSTED_PROXY_HOPS;
  resetRateLimits();
});

let userCount = 0;
async function freshUser(): Promise<string> {
  const username = `login-${++userCount}-${Math.random().toString(36).slice(2, 8)}`;
  await createUser(w.db, w.fx.admin, {
    username,
    password: PASSWORD,
    role: "Tenant",
    projectIds: [w.a.projectId],
  });
  return username;
}

/** One login through the real tRPC procedure; the domain code of a refusal, or "ok". */
async function login(
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const caller = await callerWith(w.db, headers);
  try {
    await caller.auth.login({ username, password });
    return "ok";
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const cause = error.cause as { code?: string } | undefined;
    return cause?.code ?? error.code;
  }
}

async function rawRest(method: string, rawPath: string, token: string, body?: string) {
  const request = new Request(`http://127.0.0.1:3000/api/v1${rawPath}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    ...(body ? { body } : {}),
  });
  const response = await handleRest(request, [], { db: w.db });
  const text = await response.text();
  return { status: response.status, type: response.headers.get("content-type"), text };
}

describe("the input boundary", () => {
  it("answers malformed escapes in a path with a JSON 400 or 404, never a 500", async () => {
    for (const segment of ["%25", "%E0%A4%A", "%", "a%00b", "%ED%A0%80"]) {
      const answer = await rawRest("GET", `/vms/${segment}`, w.a.token);
      expect(answer.status, segment).toBeGreaterThanOrEqual(400);
      expect(answer.status, segment).toBeLessThan(500);
      expect(answer.type).toContain("application/json");
      expect(JSON.parse(answer.text)).toMatchObject({
        code: expect.any(String),
        message: expect.any(String),
        details: expect.any(Object),
      });
    }
  });

  it("refuses NUL, bad escapes and out-of-range cursors in queries with 400", async () => {
    const expected = {
      "search=a%00b": "VALIDATION_FAILED",
      "search=%E0%A4%A": "VALIDATION_FAILED",
      // The VM list pages by keyset: a cursor no page gave is refused as such.
      "cursor=99999999999999999999": "INVALID_CURSOR",
    };
    for (const [query, code] of Object.entries(expected)) {
      const answer = await rawRest("GET", `/vms?${query}`, w.a.token);
      expect(answer.status, query).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({ code });
    }
  });

  it("refuses NUL and lone surrogates in a body with 400, and audits the refusal", async () => {
    for (const raw of ['"a\\u0000b"', '"\\ud800x"']) {
      const answer = await rawRest(
        "POST",
        "/security-groups",
        w.a.token,
        `{"projectId":"${w.a.projectId}","name":${raw}}`,
      );
      expect(answer.status, raw).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({ code: "VALIDATION_FAILED" });
    }
    const audited = await w.db.auditEvent.count({
      where: {
        action: "securityGroup.create",
        outcome: "Failure",
        errorCode: "VALIDATION_FAILED",
        apiKeyId: w.a.apiKeyId,
      },
    });
    expect(audited).toBeGreaterThanOrEqual(2);
    // The tRPC transport has the same boundary (a login's username reaches the audit log).
    expect(await login("a\u0000b", "x")).toBe("VALIDATION_FAILED");
  });

  it("maps a dangling project id and concurrent deletes to domain errors", async () => {
    const admin = await createApiKey(w.db, w.fx.admin, { name: "hostile-admin" });
    const dangling = await rest(w.db, "POST", "/security-groups", {
      token: admin.token,
      body: { projectId: "00000000-0000-4000-8000-00000000abcd", name: "nowhere" },
    });
    expect([404, 409]).toContain(dangling.status);
    const sg = await rest(w.db, "POST", "/security-groups", {
      token: w.a.token,
      body: { projectId: w.a.projectId, name: `twice-${Date.now()}` },
    });
    expect(sg.status).toBe(200);
    const id = (sg.body as { id: string }).id;
    const both = await Promise.all(
      Array.from({ length: 4 }, () =>
        rest(w.db, "DELETE", `/security-groups/${id}`, { token: w.a.token }),
      ),
    );
    for (const answer of both) expect([200, 404, 409]).toContain(answer.status);
    expect(both.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(1);
  });

  it("treats % and _ in a search as themselves, not as wildcards", async () => {
    for (const term of ["%", "_", "secret%a"]) {
      const answer = await rest(w.db, "GET", `/vms?search=${encodeURIComponent(term)}`, {
        token: w.a.token,
      });
      expect(answer.status).toBe(200);
      expect((answer.body as { items: unknown[] }).items, term).toEqual([]);
    }
    const plain = await rest(w.db, "GET", `/vms?search=secret-vm`, { token: w.a.token });
    expect((plain.body as { items: unknown[] }).items).toHaveLength(1);
  });
});

describe("key scope", () => {
  it("a key scoped to project B sees nothing of its user's project A, operations and audit included", async () => {
    const projectB = await createProject(w.db, w.fx.admin, { name: `scope-b-${Date.now()}` });
    const both = await createUser(w.db, w.fx.admin, {
      username: `both-${Date.now()}`,
      password: PASSWORD,
      role: "Tenant",
      projectIds: [w.a.projectId],
    });
    await addProjectMember(w.db, w.fx.admin, { projectId: projectB.id, userId: both.id });
    const actor: Actor = {
      userId: both.id,
      username: both.username,
      role: "Tenant",
      projectIds: [w.a.projectId, projectB.id],
    };
    // The user of both projects requested an operation in A (so "my requests" would match it).
    const opA = await w.db.operation.findFirstOrThrow({ where: { projectId: w.a.projectId } });
    await w.db.operation.update({ where: { id: opA.id }, data: { requesterId: both.id } });
    const { token } = await createApiKey(w.db, actor, { name: "b-only", projectId: projectB.id });

    const list = await rest(w.db, "GET", "/operations?limit=200", { token });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(opA.id);
    expect((await rest(w.db, "GET", `/operations/${opA.id}`, { token })).status).toBe(404);
    const byTarget = await rest(w.db, "GET", `/operations?targetId=${opA.targetId}`, { token });
    expect((byTarget.body as { items: unknown[] }).items).toEqual([]);
    const bySearch = await rest(
      w.db,
      "GET",
      `/operations?search=${encodeURIComponent(opA.targetName)}`,
      { token },
    );
    expect((bySearch.body as { items: unknown[] }).items).toEqual([]);
    const audit = await rest(w.db, "GET", "/audit-events?limit=200", { token });
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).not.toContain(w.a.projectId);
    expect(JSON.stringify(audit.body)).not.toContain(w.vmA.id);
  });
});

describe("login", () => {
  it("does not read X-Forwarded-For unless a trusted proxy is configured (a spoofed header is no fresh bucket)", async () => {
    const username = await freshUser();
    const answers: string[] = [];
    for (let i = 0; i < 8; i++) {
      answers.push(await login(username, "wrong", { "x-forwarded-for": `198.51.100.${i + 1}` }));
    }
    expect(answers.slice(0, 5)).toEqual(Array(5).fill("INVALID_CREDENTIALS"));
    expect(answers.slice(6)).toContain("LOGIN_THROTTLED");
    // The right password is refused while the block lasts.
    expect(await login(username, PASSWORD, { "x-forwarded-for": "198.51.100.99" })).toBe(
      "LOGIN_THROTTLED",
    );
  });

  it("one client's failures do not lock everyone out (no shared bucket)", async () => {
    const victim = await freshUser();
    const bystander = await freshUser();
    for (let i = 0; i < 40; i++) await login(victim, `guess-${i}`);
    expect(await login(bystander, PASSWORD)).toBe("ok");
  });

  it("locks an account+client out with a growing, capped block, audited; another trusted client still gets in", async () => {
    process.env.VIRTFN_TRUSTED_PROXY_HOPS = "1";
    const username = await freshUser();
    const attacker = { "x-forwarded-for": "203.0.113.66" };
    for (let i = 0; i < 6; i++) await login(username, `guess-${i}`, attacker);
    expect(await login(username, PASSWORD, attacker)).toBe("LOGIN_THROTTLED");
    expect(await login(username, PASSWORD, { "x-forwarded-for": "192.0.2.10" })).toBe("ok");
    const lockouts = await w.db.auditEvent.findMany({
      where: { action: "auth.lockout", actorName: `anonymous (${username})` },
    });
    expect(lockouts.length).toBeGreaterThanOrEqual(1);
    for (const event of lockouts) {
      expect((event.details as { seconds: number }).seconds).toBeLessThanOrEqual(300);
    }
    const failed = await w.db.auditEvent.count({
      where: {
        action: "auth.login",
        outcome: { in: ["Failure", "Denied"] },
        actorName: `anonymous (${username})`,
      },
    });
    expect(failed).toBeGreaterThanOrEqual(6);
    const succeeded = await w.db.auditEvent.count({
      where: { action: "auth.login", outcome: "Success", actorName: username },
    });
    expect(succeeded).toBe(1);
  });

  it("answers unknown users about as slowly as a wrong password (within a small factor)", async () => {
    const username = await freshUser();
    const time = async (name: string) => {
      const started = performance.now();
      await login(name, "wrong-password");
      return performance.now() - started;
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[2] ?? 0;
    await time(`nobody-warmup-${Date.now()}`);
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 5; i++) {
      unknown.push(await time(`nobody-${i}-${Date.now()}`));
      known.push(await time(username));
    }
    const ratio = median(known) / median(unknown);
    expect(ratio).toBeLessThan(2.5);
    expect(ratio).toBeGreaterThan(0.4);
  });

  it("limits cookie sessions as well as keys, in Redis shared by every replica", async () => {
    process.env.VIRTFN_RATE_LIMIT_SESSION = "3/6";
    resetRateLimits();
    try {
      const username = await freshUser();
      const resHeaders = new Headers();
      const loginCaller = createCaller(
        await createContext({ headers: new Headers(), resHeaders, db: w.db }),
      );
      await loginCaller.auth.login({ username, password: PASSWORD });
      const cookie = (resHeaders.get("set-cookie") ?? "").split(";")[0] ?? "";
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const session = await callerWith(w.db, { cookie });
        codes.push(
          await session.auth.me().then(
            () => "ok",
            (error: TRPCError) => error.code,
          ),
        );
      }
      expect(codes).toEqual(["ok", "ok", "ok", "TOO_MANY_REQUESTS"]);
      const redis = limiterRedis();
      expect(redis).not.toBeNull();
      const keys = await redis?.keys(`${limiterPrefix("session")}*`);
      expect(keys?.length).toBeGreaterThan(0);
    } finally {
      delete process.env.VIRTFN_RATE_LIMIT_SESSION;
    }
  });

  it("caps the active API keys of a user (configurable)", async () => {
    process.env.VIRTFN_MAX_API_KEYS_PER_USER = "3";
    try {
      const username = await freshUser();
      const user = await w.db.user.findUniqueOrThrow({ where: { username } });
      const actor: Actor = {
        userId: user.id,
        username,
        role: "Tenant",
        projectIds: [w.a.projectId],
      };
      const made = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          createApiKey(w.db, actor, { name: `k${i}`, projectId: w.a.projectId }),
        ),
      );
      expect(made.filter((m) => m.status === "fulfilled")).toHaveLength(3);
      for (const refused of made.filter((m) => m.status === "rejected")) {
        expect((refused.reason as { code: string }).code).toBe("API_KEY_LIMIT");
      }
    } finally {
      delete process.env.VIRTFN_MAX_API_KEYS_PER_USER;
    }
  });
});

describe("agent tokens", () => {
  it("are generated per host at add, returned once, and rotatable by an admin without entering the audit log", async () => {
    const admin = await createApiKey(w.db, w.fx.admin, { name: "token-admin" });
    const added: Array<{ id: string; token: string }> = [];
    for (const name of ["tok-1", "tok-2"]) {
      const answer = await rest(w.db, "POST", "/hosts", {
        token: admin.token,
        body: { name, clusterId: w.fx.clusterId, agentUrl: `http://127.0.0.1:9/${name}` },
      });
      expect(answer.status).toBeLessThan(300);
      const body = answer.body as { host: { id: string }; agentToken?: string };
      expect(body.agentToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = await w.db.host.findUniqueOrThrow({ where: { id: body.host.id } });
      expect(row.agentToken).toBe(body.agentToken);
      added.push({ id: body.host.id, token: body.agentToken ?? "" });
    }
    expect(added[0]?.token).not.toBe(added[1]?.token);

    const first = added[0];
    if (!first) throw new Error("a host should have been added");
    const tenant = await rest(w.db, "POST", `/hosts/${first.id}/rotate-token`, {
      token: w.a.token,
    });
    expect(tenant.status).toBe(403);
    const rotated = await rest(w.db, "POST", `/hosts/${first.id}/rotate-token`, {
      token: admin.token,
    });
    expect(rotated.status).toBe(200);
    const fresh = (rotated.body as { agentToken: string }).agentToken;
    expect(fresh).not.toBe(first.token);
    expect((await w.db.host.findUniqueOrThrow({ where: { id: first.id } })).agentToken).toBe(fresh);
    const events = await w.db.auditEvent.findMany({ where: { targetId: first.id } });
    expect(events.map((e) => e.action)).toContain("host.rotateToken");
    expect(JSON.stringify(events)).not.toContain(fresh);
    expect(JSON.stringify(events)).not.toContain(first.token);
  });
});
