import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentClient } from "@virtfn/agent-client";
import { claimReconcileHosts, reconcileHost } from "@virtfn/core";
import { createCoreFixture, insertHost, type CoreFixture } from "./fixtures";

// A reconcile leaves a host alone while an operation runs on it or on one of its PFs: a snapshot
// taken during a split shows fewer VFs than desired, and recording it would start a pf.reapply
// that then holds the PF (the replica test's splitter saw its restore refused so).

describe("a reconcile and the operations in flight on a host", () => {
  let fx: CoreFixture;
  beforeAll(async () => {
    fx = await createCoreFixture("recbusy");
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it("skips a host while one of its PFs has an operation running, in the claim and in the pass", async () => {
    const host = await insertHost(fx.db, {
      name: "busy-pf-host",
      clusterId: fx.clusterA,
      pfs: [{ name: "p1p1", totalVfs: 8 }],
    });
    const pf = await fx.db.physicalNic.findFirstOrThrow({ where: { hostId: host.id } });
    const split = await fx.db.operation.create({
      data: {
        kind: "pf.split",
        targetType: "PhysicalNic",
        targetId: pf.id,
        targetName: "busy-pf-host/p1p1",
        status: "Running",
        input: {},
        requesterId: fx.admin.userId,
        startedAt: new Date(),
      },
    });
    const agentFor = (): AgentClient => {
      throw new Error("a reconcile of a busy host must not ask its agent");
    };
    expect((await reconcileHost(fx.db, host, agentFor)).result).toBe("skipped");
    const claims = await claimReconcileHosts(fx.db, {
      owner: "recbusy",
      limit: 100,
      leaseMs: 60_000,
      all: true,
    });
    expect(claims.find((claim) => claim.id === host.id)?.busy).toBe(true);

    await fx.db.operation.update({ where: { id: split.id }, data: { status: "Succeeded" } });
    await expect(reconcileHost(fx.db, host, agentFor)).rejects.toThrow(/must not ask its agent/);
  });
});
