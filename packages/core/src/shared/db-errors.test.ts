import { Prisma } from "@virtfn/db";
import { describe, expect, it } from "vitest";
import {
  domainErrorFromDb,
  isTxConflict,
  isTxExpired,
  isTxStartTimeout,
  isUniqueViolation,
  retryTransaction,
} from "./db-errors";

const startTimeout = () =>
  new Prisma.PrismaClientKnownRequestError(
    "Transaction API error: Unable to start a transaction in the given time.",
    { code: "P2028", clientVersion: "6.19.3" },
  );
const expired = () =>
  new Prisma.PrismaClientKnownRequestError(
    "Transaction API error: A commit cannot be executed on an expired transaction.",
    { code: "P2028", clientVersion: "6.19.3" },
  );
const closedByCaller = () =>
  new Prisma.PrismaClientKnownRequestError(
    "Transaction API error: Transaction already closed: A query cannot be executed on a committed transaction.",
    { code: "P2028", clientVersion: "6.19.3" },
  );
const deadlock = () =>
  new Prisma.PrismaClientKnownRequestError(
    "Raw query failed. Code: `40P01`. Message: `deadlock detected`",
    { code: "P2010", clientVersion: "6.19.3" },
  );

describe("transactions that could not start, or lost a deadlock", () => {
  it("tells a start timeout from an expired transaction, and sees deadlocks in raw queries", () => {
    expect(isTxStartTimeout(startTimeout())).toBe(true);
    expect(isTxStartTimeout(expired())).toBe(false);
    expect(isTxExpired(expired())).toBe(true);
    expect(isTxExpired(startTimeout())).toBe(false);
    expect(isTxExpired(closedByCaller())).toBe(false);
    expect(isTxConflict(deadlock())).toBe(true);
    expect(isTxConflict(startTimeout())).toBe(false);
  });

  it("retries a start timeout, an expired transaction and a deadlock, and gives up on anything else at once", async () => {
    let calls = 0;
    const value = await retryTransaction(async () => {
      calls += 1;
      if (calls === 1) throw startTimeout();
      if (calls === 2) throw expired();
      if (calls === 3) throw deadlock();
      return "done";
    }, 4);
    expect({ value, calls }).toEqual({ value: "done", calls: 4 });
    let other = 0;
    await expect(
      retryTransaction(async () => {
        other += 1;
        throw closedByCaller();
      }),
    ).rejects.toMatchObject({ code: "P2028" });
    expect(other).toBe(1);
  });

  it.each([
    ["could not start in time", startTimeout],
    ["ran past its timeout", expired],
  ])(
    "answers DATABASE_BUSY (UNAVAILABLE, with a retry delay) when the transaction %s every time",
    async (_, failure) => {
      let calls = 0;
      await expect(
        retryTransaction(async () => {
          calls += 1;
          throw failure();
        }, 3),
      ).rejects.toMatchObject({
        code: "DATABASE_BUSY",
        kind: "UNAVAILABLE",
        details: { retryAfterSeconds: expect.any(Number) },
      });
      expect(calls).toBe(3);
    },
  );

  it("reads pg's own errors (queryRows): a pool wait that ran out is busy, 23505 names its constraint, 40P01 is a conflict", async () => {
    const poolWait = new Error("timeout exceeded when trying to connect");
    expect(isTxStartTimeout(poolWait)).toBe(true);
    await expect(
      retryTransaction(async () => {
        throw poolWait;
      }, 2),
    ).rejects.toMatchObject({ code: "DATABASE_BUSY", kind: "UNAVAILABLE" });
    const unique = Object.assign(new Error("duplicate key value"), {
      code: "23505",
      constraint: "VmNic_l3Id_ip_key",
    });
    expect(isUniqueViolation(unique, "VmNic_l3Id_ip_key")).toBe(true);
    expect(isUniqueViolation(unique, "Vm_projectId_name_key")).toBe(false);
    expect(domainErrorFromDb(unique)?.code).toBe("ALREADY_EXISTS");
    const pgDeadlock = Object.assign(new Error("deadlock detected"), {
      code: "40P01",
    });
    expect(isTxConflict(pgDeadlock)).toBe(true);
    expect(isTxConflict(startTimeout())).toBe(false);
  });

  it("with a time budget, keeps a fleet request queued for the pool past the attempt count", async () => {
    let calls = 0;
    const value = await retryTransaction(
      async () => {
        calls += 1;
        if (calls <= 5) throw startTimeout();
        return "started";
      },
      { budgetMs: 60_000 },
    );
    expect({ value, calls }).toEqual({ value: "started", calls: 6 });
    let refused = 0;
    await expect(
      retryTransaction(
        async () => {
          refused += 1;
          throw startTimeout();
        },
        { budgetMs: 0 },
      ),
    ).rejects.toMatchObject({ code: "DATABASE_BUSY" });
    expect(refused).toBe(1);
  });
});
