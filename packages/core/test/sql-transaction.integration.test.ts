// sqlTransaction (packages/db): a split's request and read-back run their statements on one
// pooled pg connection instead of in Prisma's interactive transaction (issue 9). It must keep
// what $transaction gave them: all or nothing, a start timeout that retryTransaction repeats,
// a transaction timeout that ends as DATABASE_BUSY, and a pool that loses no connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError, isTxExpired, isTxStartTimeout, retryTransaction } from "@virtfn/core";
import { createDb, Prisma, queryRows, sqlTransaction, type Db } from "@virtfn/db";
import { createTestDatabase, type TestDatabase } from "@virtfn/db/testing";
import { recordAudit } from "../src/operations/audit";

let database: TestDatabase;
const clients: Db[] = [];

beforeAll(async () => {
  database = await createTestDatabase("sql-transaction");
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()));
  await database?.drop();
});

function client(options: Parameters<typeof createDb>[1]): Db {
  const db = createDb(database.url, options);
  clients.push(db);
  return db;
}

const auditsOf = (action: string) => database.db.auditEvent.count({ where: { action } });

describe("sqlTransaction", () => {
  it("commits what its work wrote, and keeps none of it when the work throws", async () => {
    await sqlTransaction(database.db, async (tx) => {
      await recordAudit(tx, null, { action: "sqltx.kept", targetType: "Test", outcome: "Success" });
      await recordAudit(tx, null, { action: "sqltx.kept", targetType: "Test", outcome: "Success" });
    });
    expect(await auditsOf("sqltx.kept")).toBe(2);

    const thrown = await sqlTransaction(database.db, async (tx) => {
      await recordAudit(tx, null, { action: "sqltx.gone", targetType: "Test", outcome: "Success" });
      throw new Error("refused after a write");
    }).catch((error: unknown) => error);
    expect(thrown).toEqual(new Error("refused after a write"));
    expect(await auditsOf("sqltx.gone")).toBe(0);
  });

  it("a connection that is not free within maxWait is a start timeout, and the pool keeps every connection", async () => {
    const db = client({ max: 1, transactionMaxWaitMs: 200 });
    let letGo = () => {};
    const held = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const holder = sqlTransaction(db, async (tx) => {
      await queryRows(tx, Prisma.sql`SELECT 1`);
      await held;
    });
    const waited = await sqlTransaction(db, async () => "ran").catch((error: unknown) => error);
    expect(isTxStartTimeout(waited)).toBe(true);
    letGo();
    await holder;
    // The connection the timed-out caller would have had went back: the next one gets it.
    expect(
      await sqlTransaction(db, async (tx) => queryRows(tx, Prisma.sql`SELECT 7 AS n`)),
    ).toEqual([{ n: 7 }]);
  });

  it("a statement past the transaction timeout is cancelled and rolled back; retried, it is DATABASE_BUSY", async () => {
    const db = client({ max: 2, transactionTimeoutMs: 150 });
    const slow = () =>
      sqlTransaction(db, async (tx) => {
        await recordAudit(tx, null, {
          action: "sqltx.slow",
          targetType: "Test",
          outcome: "Success",
        });
        await queryRows(tx, Prisma.sql`SELECT pg_sleep(2)`);
      });
    const expired = await slow().catch((error: unknown) => error);
    expect(isTxExpired(expired)).toBe(true);
    const busy = await retryTransaction(slow, 2).catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(DomainError);
    expect(busy instanceof DomainError ? busy.code : null).toBe("DATABASE_BUSY");
    expect(await auditsOf("sqltx.slow")).toBe(0);
    // Both connections are usable again.
    const answers = await Promise.all(
      [1, 2].map((n) =>
        sqlTransaction(db, (tx) => queryRows(tx, Prisma.sql`SELECT ${n}::int AS n`)),
      ),
    );
    expect(answers).toEqual([[{ n: 1 }], [{ n: 2 }]]);
  });

  it("statements of one transaction started side by side reach its connection one at a time, in order", async () => {
    const rows = await sqlTransaction(database.db, (tx) =>
      Promise.all(
        [1, 2, 3].map((n) =>
          queryRows(tx, Prisma.sql`SELECT ${n}::int AS n, txid_current()::text AS tx`),
        ),
      ),
    );
    const flat = rows.flat() as Array<{ n: number; tx: string }>;
    expect(flat.map((row) => row.n)).toEqual([1, 2, 3]);
    expect(new Set(flat.map((row) => row.tx)).size).toBe(1);
  });
});
