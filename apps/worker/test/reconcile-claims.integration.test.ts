// The reconcile claims in Postgres, statement by statement: one claim reads what each reconcile
// needs (with whether an operation holds the host), and one UPDATE finishes a batch of claims,
// only those still the owner's.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimReconcileHosts, finishReconciles } from "@virtfn/core";
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
    await fx.db.host.updateMany({
      data: {
        reconcileDueAt: new Date(Date.now() - 1000),
        reconcileLeaseOwner: null,
        reconcileLeaseUntil: null,
      },
    });
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
    // claim-c's lease ran out and another worker took it.
    await fx.db.host.update({ where: { id: c }, data: { reconcileLeaseOwner: "w2" } });
    const before = await fx.db.host.findUniqueOrThrow({ where: { id: b } });
    const written = await finishReconciles(fx.db, "w1", [
      { hostId: a, nextInMs: 60_000, reconciled: true, seen: true },
      { hostId: b, nextInMs: 30_000, reconciled: false, seen: false },
      { hostId: c, nextInMs: 60_000, reconciled: true, seen: true },
    ]);
    expect([...written].sort()).toEqual([a, b].sort());
    const rows = new Map(
      (await fx.db.host.findMany({ where: { id: { in: [a, b, c] } } })).map((row) => [row.id, row]),
    );
    const now = Date.now();
    const rowA = rows.get(a);
    expect(rowA?.reconcileLeaseOwner).toBeNull();
    expect(rowA?.lastReconciledAt).not.toBeNull();
    expect(rowA?.lastSeenAt).not.toBeNull();
    expect((rowA?.reconcileDueAt.getTime() ?? 0) - now).toBeGreaterThan(50_000);
    // A failed reconcile is due again next period but keeps its last successful time.
    const rowB = rows.get(b);
    expect(rowB?.reconcileLeaseOwner).toBeNull();
    expect(rowB?.lastReconciledAt).toEqual(before.lastReconciledAt);
    expect((rowB?.reconcileDueAt.getTime() ?? 0) - now).toBeGreaterThan(20_000);
    expect((rowB?.reconcileDueAt.getTime() ?? 0) - now).toBeLessThan(50_000);
    // Not the owner's any more: left as the other worker holds it.
    expect(rows.get(c)?.reconcileLeaseOwner).toBe("w2");
    expect(rows.get(c)?.lastReconciledAt).toBeNull();
  });
});
