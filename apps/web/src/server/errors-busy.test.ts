// Load is not a fault: a transaction that could not start in time or ran past its timeout
// (Prisma P2028), or a deadlock that outlived the service's retries, answers 503 DATABASE_BUSY
// with Retry-After, never 500.
import { Prisma } from "@virtfn/db";
import { describe, expect, it } from "vitest";
import { restError } from "./rest/handler";
import { toTRPCError } from "./errors";

const startTimeout = () =>
  new Prisma.PrismaClientKnownRequestError(
    "Transaction API error: Unable to start a transaction in the given time.",
    { code: "P2028", clientVersion: "6.19.3" },
  );

const expired = () =>
  new Prisma.PrismaClientKnownRequestError(
    "Transaction API error: Transaction already closed: A commit cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms, however 5120 ms passed since the start of the transaction.",
    { code: "P2028", clientVersion: "6.19.3" },
  );

describe("database busy", () => {
  it("maps P2028 to 503 DATABASE_BUSY with Retry-After over REST and SERVICE_UNAVAILABLE over tRPC", () => {
    const answer = restError(startTimeout(), "req-1");
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe("DATABASE_BUSY");
    expect(answer.retryAfter).toBeGreaterThan(0);
    expect(toTRPCError(startTimeout(), "req-2").code).toBe("SERVICE_UNAVAILABLE");
  });

  it("maps a transaction that ran past its timeout to 503 DATABASE_BUSY, not DATABASE_UNAVAILABLE", () => {
    const answer = restError(expired(), "req-4");
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe("DATABASE_BUSY");
    expect(answer.retryAfter).toBeGreaterThan(0);
    const trpc = toTRPCError(expired(), "req-5");
    expect(trpc.code).toBe("SERVICE_UNAVAILABLE");
    expect(trpc.cause).toMatchObject({ code: "DATABASE_BUSY" });
  });

  it("still answers 500 for an unexpected error", () => {
    expect(restError(new Error("boom"), "req-3").status).toBe(500);
  });
});
