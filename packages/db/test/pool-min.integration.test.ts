// A pool keeps `min` connections however long they idle (CreateDbOptions.min): a new connection
// costs Postgres tens of milliseconds of CPU before its statements run at full speed, and a pool
// that dropped its connections between bursts would pay that at the start of every burst.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, Prisma, queryRows, type Db } from "../src";
import { createTestDatabase, type TestDatabase } from "../src/testing";

let database: TestDatabase;
const opened: Db[] = [];

beforeAll(async () => {
  database = await createTestDatabase("pool-min");
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map((db) => db.$disconnect()));
  await database?.drop();
});

/** A client whose connections Postgres knows by `name`, with a 100 ms idle timeout. */
function pool(name: string, min: number): Db {
  const url = new URL(database.url);
  url.searchParams.set("application_name", name);
  const db = createDb(url.toString(), { max: 3, min, idleTimeoutMs: 100 });
  opened.push(db);
  return db;
}

async function connectionsOf(name: string): Promise<number> {
  const [row] = await queryRows(
    database.db,
    Prisma.sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${name}`,
  );
  // A raw row is unknown: its one column, checked.
  if (typeof row !== "object" || row === null || !("n" in row) || typeof row.n !== "number")
    throw new Error(`unexpected row ${JSON.stringify(row)}`);
  return row.n;
}

/** Three statements at once, held 1 s: the pool opens all three of its connections. */
function burst(db: Db): Promise<unknown> {
  return Promise.all([1, 2, 3].map(() => queryRows(db, Prisma.sql`SELECT pg_sleep(1)`)));
}

/** Polls until `name` has `expected` connections; a loaded machine may take a while. */
async function untilConnections(name: string, expected: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await connectionsOf(name)) !== expected) {
    if (Date.now() > deadline)
      throw new Error(`${name}: ${await connectionsOf(name)} connections, expected ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("a pool's idle connections", () => {
  it("are kept up to min past the idle timeout, and closed beyond it", async () => {
    const keeping = pool("pool-min-keeps-2", 2);
    const dropping = pool("pool-min-keeps-0", 0);
    // Counted while the statements hold their connections: no idle timeout can run yet.
    const bursts = Promise.all([burst(keeping), burst(dropping)]);
    await untilConnections("pool-min-keeps-2", 3);
    await untilConnections("pool-min-keeps-0", 3);
    await bursts;
    // Once the pool without a minimum has closed all of its idle connections, the other one,
    // with the same 100 ms idle timeout, has closed all but two.
    await untilConnections("pool-min-keeps-0", 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await connectionsOf("pool-min-keeps-2")).toBe(2);
  });
});
