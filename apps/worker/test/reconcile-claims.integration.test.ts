// The reconcile claims in Postgres, statement by statement: one claim reads what each reconcile
// needs (with whether an operation holds the host and the claim's fence), one statement finishes
// a batch of claims, only those still the owner's under the same fence, and a pass's fencing
// check holds only while nobody has claimed its host since.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimReconcileHosts, finishReconciles, keepReconcileClaim } from "@virtfn/core";
import { Prisma } from "@virtfn/db";
import { AGENT_TOKEN, createFixture, type Fixture } from "./helpers";

const LEASE_MS = 60_000;

describe("reconcile claims", () => {
  let fx: Fixture;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    fx = await createFixture("recclaims");
    for (const name of ["claim-a", "claim-b", "claim-c"]) {
      const host = await fx.db.host.create({
        data: {
          name,
          clusterId: fx.clusterId,
          agentUrl: `http://127.0.0.1:9/${name}`,
          agentToken: AGENT_TOKEN,
          connectionState: "Connected",
          bootId: `boot-${name}`,
          observedDigest: `digest-${name}`,
          observedDigestAt: new Date("2026-01-02T03:04:05.678Z"),
        },
      });
      ids.set(name, host.id);
    }
    // An operation in flight on claim-b: its reconcile must leave it alone.
    await fx.db.operation.create({
      data: {
        kind: "host.split",
        status: "Running",
        targetType: "Host",
        targetId: ids.get("claim-b") ?? "",
        targetName: "claim-b",
      },
    });
  });
  beforeEach(async () => {
    await fx.db.host.updateMany({ data: { reconcileDueAt: new Date(Date.now() - 1000) } });
    await fx.db.hostReconcileLease.updateMany({ data: { owner: null, until: null } });
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it("claims due hosts once, with the columns a reconcile reads and whether each is busy", async () => {
    const claims = await claimReconcileHosts(fx.db, { owner: "w1", limit: 10, leaseMs: LEASE_MS });
    expect(claims.map((claim) => [claim.name, claim.busy]).sort()).toEqual([
      ["claim-a", false],
      ["claim-b", true],
      ["claim-c", false],
    ]);
    const a = claims.find((claim) => claim.name === "claim-a");
    expect(a).toEqual({
      id: ids.get("claim-a"),
      name: "claim-a",
      agentUrl: "http://127.0.0.1:9/claim-a",
      agentToken: AGENT_TOKEN,
      connectionState: "Connected",
      connectionReason: null,
      bootId: "boot-claim-a",
      observedDigest: "digest-claim-a",
      observedDigestAt: new Date("2026-01-02T03:04:05.678Z"),
      busy: false,
      checkedAt: expect.any(Date),
      fence: expect.stringMatching(/^[1-9][0-9]*$/),
    });
    // Held: nobody else gets them while the lease lasts, not even an on-demand sweep.
    expect(await claimReconcileHosts(fx.db, { owner: "w2", limit: 10, leaseMs: LEASE_MS })).toEqual(
      [],
    );
    expect(
      await claimReconcileHosts(fx.db, { owner: "w2", limit: 10, leaseMs: LEASE_MS, all: true }),
    ).toEqual([]);
  });

  it("finishes a batch in one statement, only the claims still the owner's", async () => {
    const claims = await claimReconcileHosts(fx.db, { owner: "w1", limit: 10, leaseMs: LEASE_MS });
    expect(claims).toHaveLength(3);
    const a = ids.get("claim-a") ?? "";
    const b = ids.get("claim-b") ?? "";
    const c = ids.get("claim-c") ?? "";
    const fence = (id: string) => claims.find((claim) => claim.id === id)?.fence ?? "";
    const keep = (id: string) =>
      keepReconcileClaim(fx.db, { owner: "w1", hostId: id, fence: fence(id) }, LEASE_MS);
    expect(await keep(c)).toBe(true);
    // claim-c's lease ran out and another worker took it.
    await fx.db.hostReconcileLease.update({
      where: { hostId: c },
      data: { until: new Date(Date.now() - 60_000) },
    });
    const taken = await claimReconcileHosts(fx.db, { owner: "w2", limit: 10, leaseMs: LEASE_MS });
    expect(taken.map((claim) => claim.id)).toEqual([c]);
    // The pass of w1 that is still at it must write nothing more.
    expect(await keep(c)).toBe(false);
    expect(await keep(a)).toBe(true);
    const before = await fx.db.host.findUniqueOrThrow({ where: { id: b } });
    const written = await finishReconciles(fx.db, "w1", [
      { hostId: a, fence: fence(a), nextInMs: 60_000, reconciled: true, seen: true },
      { hostId: b, fence: fence(b), nextInMs: 30_000, reconciled: false, seen: false },
      { hostId: c, fence: fence(c), nextInMs: 60_000, reconciled: true, seen: true },
    ]);
    expect([...written].sort()).toEqual([a, b].sort());
    const rows = new Map(
      (
        await fx.db.host.findMany({
          where: { id: { in: [a, b, c] } },
          include: { reconcileLease: true },
        })
      ).map((row) => [row.id, row]),
    );
    const now = Date.now();
    const rowA = rows.get(a);
    expect(rowA?.reconcileLease?.owner).toBeNull();
    expect(rowA?.lastReconciledAt).not.toBeNull();
    expect(rowA?.lastSeenAt).not.toBeNull();
    expect((rowA?.reconcileDueAt.getTime() ?? 0) - now).toBeGreaterThan(50_000);
    // A failed reconcile is due again next period but keeps its last successful time.
    const rowB = rows.get(b);
    expect(rowB?.reconcileLease?.owner).toBeNull();
    expect(rowB?.lastReconciledAt).toEqual(before.lastReconciledAt);
    expect((rowB?.reconcileDueAt.getTime() ?? 0) - now).toBeGreaterThan(20_000);
    expect((rowB?.reconcileDueAt.getTime() ?? 0) - now).toBeLessThan(50_000);
    // Not the owner's any more: left as the other worker holds it.
    expect(rows.get(c)?.reconcileLease?.owner).toBe("w2");
    expect(rows.get(c)?.lastReconciledAt).toBeNull();

    // A finished host is not due before its next due time, even to a claim that saw it due a
    // moment ago; an on-demand sweep takes it, as it takes any host nobody holds.
    await fx.db.host.update({ where: { id: a }, data: { reconcileDueAt: new Date(now - 1000) } });
    expect(await claimReconcileHosts(fx.db, { owner: "w3", limit: 10, leaseMs: LEASE_MS })).toEqual(
      [],
    );
    const swept = await claimReconcileHosts(fx.db, {
      owner: "w3",
      limit: 10,
      leaseMs: LEASE_MS,
      all: true,
    });
    expect(swept.map((claim) => claim.id).sort()).toEqual([a, b].sort());
  });

  it("a pass's fencing check waits out a statement holding its lease row, then answers for the row as it is", async () => {
    const [claim] = await claimReconcileHosts(fx.db, { owner: "w1", limit: 1, leaseMs: LEASE_MS });
    if (!claim) throw new Error("no host claimed");
    const keep = () =>
      keepReconcileClaim(fx.db, { owner: "w1", hostId: claim.id, fence: claim.fence }, LEASE_MS);
    // Whether the check's statement is in Postgres, waiting for the row lock (not yet sent, or
    // already answered, it is not).
    const checkWaits = async () => {
      const [row] = await fx.db.$queryRaw<Array<{ waiting: number }>>`
        SELECT count(*)::int AS waiting FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'
           AND query LIKE '%UPDATE "HostReconcileLease"%'`;
      return (row?.waiting ?? 0) > 0;
    };
    // The owner's own lease renewal holds the row for a moment: the claim is still the pass's.
    // The row is let go once the check waits for it (an old check that skipped the row never
    // waits: then after 5 s), so the check meets the lock however slow the machine is.
    const held = (then: Prisma.Sql | null) =>
      fx.db.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT 1 FROM "HostReconcileLease" WHERE "hostId" = ${claim.id}::uuid FOR UPDATE`;
          // Wrapped: a promise returned as is would be awaited before the transaction commits.
          const pending = { answer: keep() };
          for (let waited = 0; waited < 5000 && !(await checkWaits()); waited += 50)
            await new Promise((resolve) => setTimeout(resolve, 50));
          if (then) await tx.$executeRaw(then);
          return pending;
        },
        { timeout: 15_000 },
      );
    const whileRenewing = await held(null);
    expect(await whileRenewing.answer).toBe(true);
    // Another worker's claim holds the row and commits a new fence: the pass must write nothing.
    const whileTaken = await held(
      Prisma.sql`UPDATE "HostReconcileLease" SET owner = 'w2', fence = fence + 1
                  WHERE "hostId" = ${claim.id}::uuid`,
    );
    expect(await whileTaken.answer).toBe(false);
  });
});
