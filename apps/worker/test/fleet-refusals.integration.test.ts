import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import {
  getFleetRollout,
  previewFleetRollout,
  splitPhysicalNic,
  startFleetRollout,
  type L3View,
} from "@virtfn/core";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import {
  addSimHost,
  createSriovNetwork,
  footprint,
  insertVmHoldingVf,
  pfNamed,
  type SimHost,
} from "./sriov-helpers";

describe("a fleet rollout checks every PF with the single-PF rules before anything starts", () => {
  let fx: Fixture;
  const agents: RunningAgent[] = [];
  let ready: SimHost[];
  /** kvm-r3: its em1 has a VF held by a VM. */
  let holding: SimHost;
  let noIommu: SimHost;
  let l3: L3View;

  beforeAll(async () => {
    fx = await createFixture("fleet-refusals");
    const worker = await startInProcessWorker(fx.config);
    try {
      ready = [
        await addSimHost(fx, agents, "kvm-r1", "kvm-i350-82599"),
        await addSimHost(fx, agents, "kvm-r2", "kvm-i350-82599"),
      ];
      holding = await addSimHost(fx, agents, "kvm-r3", "kvm-i350-82599");
      // IOMMU turned on but not active until a reboot: a split there is refused.
      noIommu = await addSimHost(fx, agents, "kvm-noiommu", "kvm-no-iommu");
      l3 = await createSriovNetwork(fx, "fleet", "em1", "10.30.0.0/24");
      // kvm-r3's em1 has 2 VFs, one held by a VM: resizing it goes through 0 (R12).
      const pf = await pfNamed(fx.db, holding.hostId, "em1");
      const { operation } = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 2 });
      expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
      const vf = await fx.db.virtualFunction.findFirstOrThrow({ where: { pfId: pf.id } });
      await insertVmHoldingVf(fx, holding, {
        name: "vm-fleet",
        l3Id: l3.id,
        vfId: vf.id,
        ip: "10.30.0.10",
      });
    } finally {
      await worker.close();
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("refuses the whole request, listing each refused PF with its reason, and changes nothing", async () => {
    const before = await footprint(fx.db);
    const request = {
      action: "split" as const,
      count: 4,
      selection: { clusterIds: [fx.clusterId], interfaceName: "em1" },
    };
    const plan = await previewFleetRollout(fx.db, fx.admin, request);
    expect(plan.eligible).toBe(2);
    expect(plan.refused.map((pf) => [pf.hostName, pf.code])).toEqual([
      ["kvm-noiommu", "IOMMU_NOT_READY"],
      ["kvm-r3", "VFS_IN_USE"],
    ]);
    const error = await startFleetRollout(fx.db, fx.admin, request).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "FLEET_PFS_REFUSED",
      kind: "CONFLICT",
      details: {
        refusedCount: 2,
        refused: [
          { hostName: "kvm-noiommu", pfName: "em1", code: "IOMMU_NOT_READY" },
          { hostName: "kvm-r3", pfName: "em1", code: "VFS_IN_USE" },
        ],
      },
    });
    // R12's bound is per PF: an I350 port has 7 VFs, so 8 is refused on every one of them.
    await expect(
      startFleetRollout(fx.db, fx.admin, { ...request, count: 8 }),
    ).rejects.toMatchObject({
      code: "FLEET_PFS_REFUSED",
      details: {
        refusedCount: 4,
        refused: expect.arrayContaining([
          expect.objectContaining({
            code: "VF_COUNT_OUT_OF_RANGE",
            message: expect.stringContaining("1 to 7"),
          }),
        ]),
      },
    });
    // A tenant may not even ask (R15).
    await expect(startFleetRollout(fx.db, fx.tenant, request)).rejects.toMatchObject({
      code: "ADMIN_ONLY",
    });
    expect(await footprint(fx.db)).toEqual(before);
    expect(await fx.db.fleetRollout.count()).toBe(0);
  });

  it("with skipRefused the refused PFs are recorded with their reasons and the others run", async () => {
    const worker = await startInProcessWorker(fx.config);
    try {
      const started = await startFleetRollout(fx.db, fx.admin, {
        action: "split",
        count: 4,
        selection: { clusterIds: [fx.clusterId], interfaceName: "em1" },
        skipRefused: true,
      });
      // One rollout per cluster at a time: their budgets would add up.
      await expect(
        startFleetRollout(fx.db, fx.admin, {
          action: "restore",
          selection: { clusterIds: [fx.clusterId], interfaceName: "p1p1" },
        }),
      ).rejects.toMatchObject({ code: "FLEET_ROLLOUT_IN_PROGRESS" });
      const done = await waitForOperation(fx.db, fx.admin, started.operation.id, undefined, 60_000);
      expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
      expect(done.result).toMatchObject({ total: 4, succeeded: 2, refused: 2, failed: 0 });
      const view = await getFleetRollout(fx.db, fx.admin, { rolloutId: started.rollout.id });
      expect(view.items.map((item) => [item.hostName, item.state, item.errorCode])).toEqual([
        ["kvm-noiommu", "Refused", "IOMMU_NOT_READY"],
        ["kvm-r3", "Refused", "VFS_IN_USE"],
      ]);
      for (const host of ready) {
        expect(await pfNamed(fx.db, host.hostId, "em1")).toMatchObject({ numVfs: 4 });
      }
      expect(await pfNamed(fx.db, holding.hostId, "em1")).toMatchObject({ numVfs: 2 });
      expect(await pfNamed(fx.db, noIommu.hostId, "em1")).toMatchObject({ numVfs: 0 });
      const audit = await fx.db.auditEvent.findFirst({
        where: { action: "fleet.split", targetId: started.rollout.id },
      });
      expect(audit).toMatchObject({ actorName: "admin", outcome: "Success" });
    } finally {
      await worker.close();
    }
  }, 120_000);

  it("onFailure pause: after a PF fails no further host starts; the rest end Skipped and the rollout fails with the counts", async () => {
    const worker = await startInProcessWorker(fx.config);
    try {
      const [r1, r2] = ready as [SimHost, SimHost];
      const pfIds = await Promise.all(
        [r1, r2, holding].map(async (host) => (await pfNamed(fx.db, host.hostId, "p1p1")).id),
      );
      // Still Connected in the database (no reconcile runs here): the rules let it through,
      // and its split fails at the agent.
      await r1.agent.close();
      const started = await startFleetRollout(fx.db, fx.admin, {
        action: "split",
        count: 2,
        selection: { clusterIds: [fx.clusterId], pfIds },
        maxUnavailable: "1",
        onFailure: "pause",
      });
      const done = await waitForOperation(fx.db, fx.admin, started.operation.id, undefined, 60_000);
      expect(done).toMatchObject({ status: "Failed", errorCode: "FLEET_ROLLOUT_FAILED" });
      expect(done.errorMessage).toContain("paused");
      const view = await getFleetRollout(fx.db, fx.admin, { rolloutId: started.rollout.id });
      expect(view.clusters[0]).toMatchObject({ total: 3, failed: 1, skipped: 2, succeeded: 0 });
      expect(view.items).toMatchObject([{ hostName: "kvm-r1", state: "Failed" }]);
      for (const host of [r2, holding]) {
        expect(await pfNamed(fx.db, host.hostId, "p1p1")).toMatchObject({ numVfs: 0 });
      }

      // onFailure continue: r2's agent goes away too, and kvm-r3 is split regardless.
      await r2.agent.close();
      const p1p2 = await Promise.all(
        [r2, holding].map(async (host) => (await pfNamed(fx.db, host.hostId, "p1p2")).id),
      );
      const next = await startFleetRollout(fx.db, fx.admin, {
        action: "split",
        count: 2,
        selection: { clusterIds: [fx.clusterId], pfIds: p1p2 },
        maxUnavailable: "1",
        onFailure: "continue",
      });
      const finished = await waitForOperation(
        fx.db,
        fx.admin,
        next.operation.id,
        undefined,
        60_000,
      );
      expect(finished).toMatchObject({ status: "Failed", errorCode: "FLEET_ROLLOUT_FAILED" });
      const after = await getFleetRollout(fx.db, fx.admin, { rolloutId: next.rollout.id });
      expect(after.clusters[0]).toMatchObject({ total: 2, failed: 1, skipped: 0, succeeded: 1 });
      expect(await pfNamed(fx.db, holding.hostId, "p1p2")).toMatchObject({ numVfs: 2 });
    } finally {
      await worker.close();
    }
  }, 120_000);
});
