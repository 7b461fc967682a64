// The operation path's own statements: createOperation writes the operation and its outbox entry
// in one statement, and the lifecycle transitions, which go through the pool's pg client rather
// than Prisma, hand back the row exactly as Prisma reads it, whatever the process's time zone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  beginOperation,
  createOperation,
  failOperation,
  isDomainError,
  reportProgress,
  reportProgressMany,
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

  it("reportProgressMany writes many Running operations' progress in one statement, as reportProgress would each, and leaves finished ones alone", async () => {
    const [counting, keeping, clearing, finished] = await Promise.all(
      ["many-count", "many-keep", "many-clear", "many-done"].map(create),
    );
    if (!counting || !keeping || !clearing || !finished) throw new Error("four operations");
    for (const operation of [counting, keeping, clearing, finished])
      await beginOperation(db, operation.id);
    for (const operation of [keeping, clearing])
      await reportProgress(db, operation.id, 40, "Splitting", {
        phase: "vfChanges",
        done: 3,
        total: 8,
      });
    await succeedOperation(db, finished.id, {});

    await reportProgressMany(db, [
      { id: counting.id, percent: 10, message: "stale", figures: null },
      {
        id: counting.id,
        percent: 55,
        message: "Splitting: 5/8 VF changes",
        figures: { phase: "vfChanges", done: 5, total: 8 },
      },
      // No figures: a note that says nothing about the phase keeps its counts.
      { id: keeping.id, percent: 140, message: "Attempt 1 failed; retrying" },
      { id: clearing.id, percent: 95, message: "Reading the VFs", figures: null },
      { id: finished.id, percent: 20, message: "late", figures: null },
    ]);
    const rows = await db.operation.findMany({
      where: { id: { in: [counting.id, keeping.id, clearing.id, finished.id] } },
      select: {
        id: true,
        status: true,
        progress: true,
        progressMessage: true,
        progressPhase: true,
        progressDone: true,
        progressTotal: true,
      },
    });
    const byId = new Map(rows.map(({ id, ...row }) => [id, row]));
    expect(byId.get(counting.id)).toEqual({
      status: "Running",
      progress: 55,
      progressMessage: "Splitting: 5/8 VF changes",
      progressPhase: "vfChanges",
      progressDone: 5,
      progressTotal: 8,
    });
    expect(byId.get(keeping.id)).toEqual({
      status: "Running",
      progress: 100,
      progressMessage: "Attempt 1 failed; retrying",
      progressPhase: "vfChanges",
      progressDone: 3,
      progressTotal: 8,
    });
    expect(byId.get(clearing.id)).toEqual({
      status: "Running",
      progress: 95,
      progressMessage: "Reading the VFs",
      progressPhase: null,
      progressDone: null,
      progressTotal: null,
    });
    expect(byId.get(finished.id)).toMatchObject({ status: "Succeeded", progress: 100 });
  });
});
