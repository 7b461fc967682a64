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

/** Three statements at once: the pool opens all three of its connections. */
async function burst(db: Db): Promise<void> {
  await Promise.all([1, 2, 3].map(() => queryRows(db, Prisma.sql`SELECT pg_sleep(0.05)`)));
}

describe("a pool's idle connections", () => {
  it("are kept up to min past the idle timeout, and closed beyond it", async () => {
    const keeping = pool("pool-min-keeps-2", 2);
    const dropping = pool("pool-min-keeps-0", 0);
    await Promise.all([burst(keeping), burst(dropping)]);
    expect(await connectionsOf("pool-min-keeps-2")).toBe(3);
    expect(await connectionsOf("pool-min-keeps-0")).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await connectionsOf("pool-min-keeps-2")).toBe(2);
    expect(await connectionsOf("pool-min-keeps-0")).toBe(0);
  });
});
