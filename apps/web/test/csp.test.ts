// Pages carry a nonce-based Content-Security-Policy from the proxy: a fresh nonce per request,
// no 'unsafe-inline' for scripts, and the same policy on the request so Next.js puts the nonce on
// its own scripts. API paths get JSON errors from the proxy for what Next.js would answer itself.
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "../src/proxy";

function scriptSrc(policy: string): string {
  return policy.split(";").find((part) => part.trim().startsWith("script-src")) ?? "";
}

describe("the proxy", () => {
  it("gives every page a fresh nonce and a script-src without 'unsafe-inline'", () => {
    const first = proxy(new NextRequest("http://127.0.0.1:3000/login"));
    const second = proxy(
      new NextRequest("http://127.0.0.1:3000/vms", { headers: { cookie: "virtfn_session=x" } }),
    );
    const policies = [first, second].map((r) => r.headers.get("content-security-policy") ?? "");
    for (const policy of policies) {
      expect(scriptSrc(policy)).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
      expect(scriptSrc(policy)).not.toContain("unsafe-inline");
      expect(policy).toContain("object-src 'none'");
      expect(policy).toContain("frame-ancestors 'none'");
    }
    expect(policies[0]).not.toBe(policies[1]);
    // Next.js reads the nonce from the request's policy (forwarded as an override header).
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(policies[0]);
  });

  it("still sends visitors without a session to /login, with a same-origin next", () => {
    const answer = proxy(new NextRequest("http://127.0.0.1:3000/vms?x=1"));
    expect(answer.status).toBe(307);
    const location = new URL(answer.headers.get("location") ?? "");
    expect(location.pathname).toBe("/login");
    expect(location.searchParams.get("next")).toBe("/vms?x=1");
  });

  it("answers undecodable, unknown and wrong-method API requests with JSON errors", async () => {
    const cases: Array<[string, string, number]> = [
      ["GET", "/api/v1/vms/%E0%A4%A", 400],
      ["GET", "/api/nope", 404],
      ["POST", "/api/health", 405],
      ["DELETE", "/api/trpc/vms.list", 405],
    ];
    for (const [method, path, status] of cases) {
      const answer = proxy(new NextRequest(`http://127.0.0.1:3000${path}`, { method }));
      expect(answer.status, `${method} ${path}`).toBe(status);
      expect(await answer.json()).toMatchObject({
        code: expect.any(String),
        message: expect.any(String),
        details: {},
      });
    }
    const passes = proxy(new NextRequest("http://127.0.0.1:3000/api/v1/vms"));
    expect(passes.headers.get("x-middleware-next")).toBe("1");
  });

  it("lets readiness and metrics through, and gives every API request an echoed X-Request-Id", () => {
    for (const path of ["/api/ready", "/api/metrics"])
      expect(
        proxy(new NextRequest(`http://127.0.0.1:3000${path}`)).headers.get("x-middleware-next"),
      ).toBe("1");
    const given = proxy(
      new NextRequest("http://127.0.0.1:3000/api/v1/vms", { headers: { "x-request-id": "abc-1" } }),
    );
    expect(given.headers.get("x-request-id")).toBe("abc-1");
    // Next passes the rewritten request headers on through this header pair.
    expect(given.headers.get("x-middleware-request-x-request-id")).toBe("abc-1");
    const fresh = proxy(new NextRequest("http://127.0.0.1:3000/api/trpc/vms.list"));
    const id = fresh.headers.get("x-request-id");
    expect(id).toMatch(/^[\w-]{36}$/);
    expect(fresh.headers.get("x-middleware-request-x-request-id")).toBe(id);
    // A malformed id is not echoed; the REST boundary refuses it with a 400.
    const bad = proxy(
      new NextRequest("http://127.0.0.1:3000/api/v1/vms", { headers: { "x-request-id": "a b" } }),
    );
    expect(bad.headers.get("x-request-id")).toBeNull();
  });
});
