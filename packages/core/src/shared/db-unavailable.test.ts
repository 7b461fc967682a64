import { describe, expect, it } from "vitest";
import { Prisma } from "@virtfn/db";
import { databaseUnavailable, isDatabaseUnavailable } from "./db-unavailable";
import { alreadyExists } from "./errors";

function prismaError(code: string, meta: Record<string, unknown> = {}) {
  return new Prisma.PrismaClientKnownRequestError("failed", {
    code,
    clientVersion: "6.19.3",
    meta,
  });
}

describe("isDatabaseUnavailable", () => {
  it("recognises what a dead or restarting Postgres throws through Prisma, the adapter and pg", () => {
    expect(isDatabaseUnavailable(prismaError("P1001"))).toBe(true);
    expect(isDatabaseUnavailable(prismaError("P2028"))).toBe(true);
    const adapterError = Object.assign(new Error("ConnectionClosed"), {
      name: "DriverAdapterError",
      cause: { kind: "ConnectionClosed" },
    });
    expect(isDatabaseUnavailable(adapterError)).toBe(true);
    const startingUp = Object.assign(new Error("the database system is starting up"), {
      name: "DriverAdapterError",
      cause: { kind: "postgres", code: "57P03" },
    });
    expect(isDatabaseUnavailable(startingUp)).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    const wrapped = new Error("outer", { cause: new Error("Connection terminated unexpectedly") });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
  });

  it("leaves everything else alone", () => {
    expect(isDatabaseUnavailable(prismaError("P2002"))).toBe(false);
    expect(isDatabaseUnavailable(prismaError("P2025"))).toBe(false);
    expect(isDatabaseUnavailable(alreadyExists("zone", "name", "x"))).toBe(false);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it("is a 503-kind domain error with the seconds to wait", () => {
    expect(databaseUnavailable()).toMatchObject({
      code: "DATABASE_UNAVAILABLE",
      kind: "UNAVAILABLE",
      details: { retryAfterSeconds: 5 },
    });
  });
});
