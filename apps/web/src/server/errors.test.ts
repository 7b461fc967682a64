// The error mapping, end to end through tRPC's fetch handler: domain errors keep their kind and
// code, zod errors (from tRPC's input parsing or re-thrown by a core service) become BAD_REQUEST
// with field paths, and anything else is a generic 500 with a request id.
import { Writable } from "node:stream";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { DomainError, ErrorCode } from "@virtfn/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { webTelemetry } from "./telemetry";
import type { Context } from "./trpc";
import { adminProcedure, publicProcedure, router } from "./trpc";

const schema = z.object({
  name: z.string().min(3, "Too short"),
  nested: z.object({ port: z.number().int() }),
});

const testRouter = router({
  domain: publicProcedure.query(() => {
    throw new DomainError(ErrorCode.HOST_IN_USE, "CONFLICT", "kvm-1 still runs 2 VM(s).", {
      vms: 2,
    });
  }),
  notFound: publicProcedure.query(() => {
    throw new DomainError(ErrorCode.NOT_FOUND, "NOT_FOUND", "Host x was not found.", {
      entity: "Host",
    });
  }),
  input: publicProcedure.input(schema).mutation(() => "ok"),
  serviceZod: publicProcedure.query(() => schema.parse({ name: "a", nested: { port: "x" } })),
  boom: publicProcedure.query(() => {
    throw new Error("connection string postgres://secret@db leaked");
  }),
  admin: adminProcedure.query(() => "secret"),
});

/** The audit rows the middleware writes for failed mutations; the test procedures touch nothing else. */
const audited: unknown[] = [];
const auditOnlyDb = {
  auditEvent: {
    create: (args: { data: unknown }) => {
      audited.push(args.data);
      return Promise.resolve(args.data);
    },
  },
};

function context(actor: Context["actor"] = null): Context {
  return {
    actor,
    requestId: "req-test-1",
    sessionToken: undefined,
    headers: new Headers(),
    resHeaders: new Headers(),
    url: undefined,
    db: auditOnlyDb as unknown as Context["db"],
  };
}

async function call(
  path: string,
  init: { method?: string; body?: unknown; actor?: Context["actor"] } = {},
) {
  const method = init.method ?? "GET";
  const req = new Request(`http://test/api/trpc/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify({ json: init.body }) : undefined,
  });
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: testRouter,
    createContext: () => context(init.actor ?? null),
  });
  const json = (await res.json()) as {
    error: { json: { message: string; data: Record<string, unknown> } };
  };
  return { status: res.status, error: json.error.json };
}

afterEach(() => {
  vi.restoreAllMocks();
  audited.length = 0;
});

describe("tRPC error mapping", () => {
  it("maps a DomainError's kind to the tRPC code and exposes its code and details", async () => {
    const { status, error } = await call("domain");
    expect(status).toBe(409);
    expect(error.message).toBe("kvm-1 still runs 2 VM(s).");
    expect(error.data).toMatchObject({
      code: "CONFLICT",
      domainCode: "HOST_IN_USE",
      details: { vms: 2 },
    });
    expect(error.data.stack).toBeUndefined();
  });

  it("maps NOT_FOUND", async () => {
    const { status, error } = await call("notFound");
    expect(status).toBe(404);
    expect(error.data).toMatchObject({ code: "NOT_FOUND", domainCode: "NOT_FOUND" });
  });

  it("turns input validation errors into BAD_REQUEST with field paths", async () => {
    const { status, error } = await call("input", {
      method: "POST",
      body: { name: "a", nested: { port: 1.5 } },
    });
    expect(status).toBe(400);
    expect(error.data).toMatchObject({ code: "BAD_REQUEST", domainCode: "VALIDATION_FAILED" });
    expect(error.data.fieldErrors).toMatchObject({
      name: ["Too short"],
      "nested.port": [expect.any(String)],
    });
    expect(error.message).toContain("name: Too short");
    expect(audited).toEqual([
      expect.objectContaining({
        action: "input",
        outcome: "Failure",
        errorCode: "VALIDATION_FAILED",
        // The audit log reads words, with the fields structured beside them (not zod's JSON).
        details: expect.objectContaining({
          message: expect.stringMatching(/^name: Too short; nested\.port: /) as unknown,
          fieldErrors: { name: ["Too short"], "nested.port": [expect.any(String)] },
          formErrors: [],
        }) as unknown,
      }),
    ]);
  });

  it("turns a ZodError thrown inside a service into BAD_REQUEST, not a 500", async () => {
    const { status, error } = await call("serviceZod");
    expect(status).toBe(400);
    expect(error.data.fieldErrors).toMatchObject({ name: ["Too short"] });
  });

  it("hides unexpected errors behind a request id and logs them", async () => {
    const lines: string[] = [];
    webTelemetry({
      logDestination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString().split("\n").filter(Boolean));
          done();
        },
      }),
    });
    const { status, error } = await call("boom");
    expect(status).toBe(500);
    expect(error.message).toBe("Something went wrong on the server. Request id: req-test-1.");
    expect(JSON.stringify(error)).not.toContain("secret");
    expect(error.data).toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
      requestId: "req-test-1",
      domainCode: null,
    });
    // One JSON line, at error level, with the request id and the error (kept in the log only).
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({
        level: "error",
        service: "web",
        requestId: "req-test-1",
        err: expect.objectContaining({ message: expect.any(String) as unknown }) as unknown,
      }),
    ]);
  });

  it("refuses anonymous callers with UNAUTHORIZED and non-admins with FORBIDDEN", async () => {
    const anonymous = await call("admin");
    expect(anonymous.status).toBe(401);
    expect(anonymous.error.data).toMatchObject({
      code: "UNAUTHORIZED",
      domainCode: "UNAUTHENTICATED",
    });
    const tenant = await call("admin", {
      actor: { userId: "u1", username: "tenant", role: "Tenant", projectIds: [] },
    });
    expect(tenant.status).toBe(403);
    expect(tenant.error.data).toMatchObject({ code: "FORBIDDEN", domainCode: "ADMIN_ONLY" });
  });
});
