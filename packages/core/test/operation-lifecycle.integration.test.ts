// The operation path's own statements: createOperation writes the operation and its outbox entry
// in one statement, and the lifecycle transitions, which go through the pool's pg client rather
// than Prisma, hand back the row exactly as Prisma reads it, whatever the process's time zone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  beginOperation,
  createOperation,
  failOperation,
  isDomainError,
  resumeOperation,
  succeedOperation,
} from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { createTestDatabase, type TestDatabase } from "@virtfn/db/testing";

let database: TestDatabase;
let db: Db;
const zone = process.env.TZ;

beforeAll(async () => {
  database = await createTestDatabase("op-lifecycle");
  db = database.db;
}, 60_000);

afterAll(async () => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
  await database?.drop();
});

const create = (targetId: string) =>
  db.$transaction((tx) =>
    createOperation(tx, null, {
      kind: "host.connect",
      targetType: "Host",
      targetId,
      targetName: targetId,
      input: { scanIommu: false },
    }),
  );

describe("the operation path's statements", () => {
  it("createOperation commits the operation with its outbox entry; a busy target is refused and writes neither", async () => {
    const operation = await create("lifecycle-busy");
    expect(operation.status).toBe("Pending");
    expect(operation.input).toEqual({ scanIommu: false });
    const entries = await db.outboxEntry.findMany({ where: { operationId: operation.id } });
    expect(entries.map((entry) => [entry.queue, entry.dispatchedAt])).toEqual([["hosts", null]]);

    const refusal = await create("lifecycle-busy").catch((error: unknown) => error);
    expect(isDomainError(refusal) && refusal.code).toBe("OPERATION_IN_PROGRESS");
    expect(await db.operation.count({ where: { targetId: "lifecycle-busy" } })).toBe(1);
    expect(await db.outboxEntry.count()).toBe(1);
  });

  it("begin and resume return the row as Prisma reads it, in a time zone other than UTC too; finishing is compare-and-set", async () => {
    // pg alone reads a timestamp without time zone in the process's zone; Prisma reads it as UTC.
    process.env.TZ = "America/Los_Angeles";
    const operation = await create("lifecycle-zone");
    const begun = await beginOperation(db, operation.id);
    const stored = await db.operation.findUniqueOrThrow({ where: { id: operation.id } });
    expect(begun).toEqual(stored);
    expect(begun?.status).toBe("Running");
    expect(begun?.attempts).toBe(1);
    expect(await resumeOperation(db, operation.id)).toEqual(stored);

    expect(await succeedOperation(db, operation.id, { physicalNics: 2 })).toBe(true);
    expect(await succeedOperation(db, operation.id, { physicalNics: 3 })).toBe(false);
    expect(await failOperation(db, operation.id, { code: "X", message: "late" })).toBe(false);
    expect(await beginOperation(db, operation.id)).toBeNull();
    expect(await resumeOperation(db, operation.id)).toBeNull();
    const finished = await db.operation.findUniqueOrThrow({ where: { id: operation.id } });
    expect(finished.status).toBe("Succeeded");
    expect(finished.result).toEqual({ physicalNics: 2 });
  });
});
