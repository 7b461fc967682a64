// A reconcile pass finds a host idle, asks its agent for a snapshot, and records it. A split that
// begins and ends while that snapshot is on its way records its own read-back first; the pass
// must then not record its older snapshot over it, or the PF shows fewer VFs than desired and a
// needless pf.reapply holds it (the replica test's splitter saw its restore refused so).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import type { AgentClient } from "@virtfn/agent-client";
import {
  claimReconcileHosts,
  reconcileHost,
  releaseReconcileClaims,
  splitPhysicalNic,
} from "@virtfn/core";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { addSimHost, pfNamed } from "./sriov-helpers";

describe("a reconcile pass and an operation that ran while it was under way", () => {
  let fx: Fixture;
  const agents: RunningAgent[] = [];
  beforeAll(async () => {
    fx = await createFixture("recrace");
  });
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("records nothing of a snapshot older than a split that began and ended after the host was found idle", async () => {
    const worker = await startInProcessWorker(fx.config);
    try {
      const { hostId, client } = await addSimHost(fx, agents, "kvm-race", "kvm-i350-82599");
      const pf = await pfNamed(fx.db, hostId, "p1p1");
      // The pass: the host claimed idle, and the agent's snapshot taken, before the split.
      const [claim] = await claimReconcileHosts(fx.db, {
        owner: "recrace",
        limit: 10,
        leaseMs: 60_000,
        all: true,
        exclude: [],
      });
      expect(claim).toMatchObject({ id: hostId, busy: false });
      if (claim === undefined) throw new Error("no claim");
      const before = await client.snapshotSince("none");

      const split = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 4 });
      const done = await waitForOperation(fx.db, fx.admin, split.operation.id);
      expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
      expect(await pfNamed(fx.db, hostId, "p1p1")).toMatchObject({ numVfs: 4 });

      // The pass goes on with the snapshot it had: 0 VFs on p1p1.
      const stale: AgentClient = Object.assign(Object.create(client) as AgentClient, {
        snapshotSince: () => Promise.resolve(before),
      });
      const outcome = await reconcileHost(fx.db, claim, () => stale);
      expect(outcome.result).toBe("skipped");
      expect(await pfNamed(fx.db, hostId, "p1p1")).toMatchObject({ numVfs: 4, desiredNumVfs: 4 });
      expect(await fx.db.virtualFunction.count({ where: { pfId: pf.id } })).toBe(4);
      expect(await fx.db.operation.count({ where: { kind: "pf.reapply" } })).toBe(0);

      // A pass that finds the host idle after the split records what the agent reports.
      await releaseReconcileClaims(fx.db, "recrace");
      const [later] = await claimReconcileHosts(fx.db, {
        owner: "recrace-2",
        limit: 10,
        leaseMs: 60_000,
        all: true,
        exclude: [],
      });
      if (later === undefined) throw new Error("no claim");
      expect((await reconcileHost(fx.db, later, () => client)).result).not.toBe("skipped");
    } finally {
      await worker.close();
    }
  }, 120_000);
});
