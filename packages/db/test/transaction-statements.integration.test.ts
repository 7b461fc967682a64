// A transaction is one pg connection: its statements must reach it one at a time. Prisma's query
// interpreter loads a query's relations with Promise.all; a second client.query() on a busy pg
// client is deprecated (pg 8.19+) and refused from pg 9 on. Every client.query() here is watched
// for one started while another on the same client has not answered.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../src/testing";

type ClientQuery = (this: pg.Client, ...args: unknown[]) => unknown;
const clientPrototype = pg.Client.prototype as unknown as { query: ClientQuery };
const originalQuery = clientPrototype.query;
const inFlight = new WeakMap<pg.Client, number>();
const overlaps: string[] = [];

function watchOverlaps(): void {
  clientPrototype.query = function watchedQuery(this: pg.Client, ...args: unknown[]) {
    const busy = inFlight.get(this) ?? 0;
    if (busy > 0) {
      const [config] = args;
      overlaps.push(typeof config === "string" ? config : JSON.stringify(config).slice(0, 120));
    }
    inFlight.set(this, busy + 1);
    const settled = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
    const callback = args.at(-1);
    if (typeof callback === "function") {
      args[args.length - 1] = (...results: unknown[]) => {
        settled();
        return (callback as (...r: unknown[]) => unknown)(...results);
      };
      return originalQuery.apply(this, args);
    }
    const result = originalQuery.apply(this, args);
    if (result instanceof Promise) result.then(settled, settled);
    return result;
  };
}

let database: TestDatabase;

beforeAll(async () => {
  watchOverlaps();
  database = await createTestDatabase("tx-statements");
  const user = await database.db.user.create({
    data: { username: "tx-statements", displayName: "tx", passwordHash: "x", role: "Tenant" },
  });
  await database.db.session.create({
    data: { userId: user.id, tokenHash: "tx-statements", expiresAt: new Date(Date.now() + 60_000) },
  });
}, 60_000);

afterAll(async () => {
  clientPrototype.query = originalQuery;
  await database?.drop();
});

describe("statements of one transaction", () => {
  it("reach its connection one at a time when Prisma loads a query's relations side by side", async () => {
    overlaps.length = 0;
    const users = await database.db.$transaction(async (tx) =>
      tx.user.findMany({
        where: { username: "tx-statements" },
        include: { sessions: true, memberships: true, apiKeys: true },
      }),
    );
    expect(overlaps).toEqual([]);
    expect(users.map((user) => user.sessions.length)).toEqual([1]);
  });

  it("go on after one of them fails: each caller gets its own answer and the connection is freed", async () => {
    overlaps.length = 0;
    const outcome = await database.db.$transaction(async (tx) =>
      Promise.allSettled([tx.$queryRaw`SELECT 1/0`, tx.$queryRaw`SELECT 1`]),
    );
    expect(overlaps).toEqual([]);
    // The failed one is its caller's; the other is answered or refused (the transaction is
    // aborted if it came second), but not left waiting for a turn that never comes.
    expect(outcome[0]?.status).toBe("rejected");
    expect(outcome).toHaveLength(2);
    expect(await database.db.user.count({ where: { username: "tx-statements" } })).toBe(1);
  });
});
