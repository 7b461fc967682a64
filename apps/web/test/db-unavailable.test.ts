// The transport's answer while the database is down: tRPC SERVICE_UNAVAILABLE, REST 503
// DATABASE_UNAVAILABLE with Retry-After, never a 500.
import { Prisma } from "@virtfn/db";
import { describe, expect, it } from "vitest";
import { toTRPCError } from "../src/server/errors";
import { restError } from "../src/server/rest/handler";

const down = new Prisma.PrismaClientKnownRequestError("Can't reach database server", {
  code: "P1001",
  clientVersion: "6.19.3",
});

describe("database unavailable", () => {
  it("is SERVICE_UNAVAILABLE over tRPC and 503 with Retry-After over REST", () => {
    expect(toTRPCError(down, "req-1").code).toBe("SERVICE_UNAVAILABLE");
    expect(restError(down, "req-1")).toEqual({
      status: 503,
      body: {
        code: "DATABASE_UNAVAILABLE",
        message: expect.stringContaining("unavailable"),
        details: { retryAfterSeconds: 5 },
      },
      retryAfter: 5,
    });
  });

  it("keeps other unexpected errors a 500 with a request id", () => {
    expect(restError(new Error("boom"), "req-2")).toMatchObject({
      status: 500,
      body: { code: "INTERNAL", details: { requestId: "req-2" } },
    });
  });
});
