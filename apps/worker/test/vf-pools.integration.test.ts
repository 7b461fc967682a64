// Issue 16, VF pools: a PF's VFs partitioned by index range ("em1#0-3"), bound to L2s and
// projects. Real Postgres, a sim host over HTTP, the in-process worker. The pool filter lives in
// the reservation's row-locking statement, so concurrent creates are the test that matters.
import type { RunningAgent } from "@virtfn/agent";
import {
  compactVfStateCounts,
  createVfPool,
  createVm,
  deleteVfPool,
  deleteVm,
  listVfPools,
  refreshClusterVfCounts,
  restorePhysicalNic,
  splitPhysicalNic,
  vmCreateOptions,
  type L3View,
} from "@virtfn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { addSimHost, type SimHost } from "./sriov-helpers";
import { catalog, network, split, vfConsistency, type Catalog } from "./vms-helpers";

type Refusal = { code: string; message: string; details: Record<string, unknown> };

describe("VF pools", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let cat: Catalog;
  let host: SimHost;
  let pf1: string;
  /** SR-IOV L3s on p1p1: gold's L2 is bound to the pool, plain's is not. */
  let gold: L3View;
  let plain: L3View;
  let goldL2: string;
  let plainL2: string;
  let otherProject: string;
  const agents: RunningAgent[] = [];

  async function attempt(l3: L3View, projectId = cat.projectId) {
    const actor = projectId === cat.projectId ? fx.tenant : fx.admin;
    try {
      const { vm, operation } = await createVm(fx.db, actor, {
        ...cat,
        projectId,
        name: `vm-${Math.random().toString(36).slice(2, 10)}`,
        nics: [{ l3Id: l3.id, sriov: true }],
      });
      expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
      const nic = await fx.db.vmNic.findFirstOrThrow({
        where: { vmId: vm.id },
        select: { vf: { select: { index: true } } },
      });
      return { ok: true as const, vmId: vm.id, index: nic.vf?.index ?? -1 };
    } catch (error) {
      return { ok: false as const, error: error as Refusal };
    }
  }

  /** VFs of a pool's range held by NICs the pool does not admit: must always be none. */
  async function heldPastPool(): Promise<number> {
    const rows = await fx.db.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM "VmNic" n
      JOIN "VirtualFunction" vf ON vf.id = n."vfId"
      JOIN "VfPool" p ON p."pfId" = vf."pfId" AND vf.index BETWEEN p."firstIndex" AND p."lastIndex"
      JOIN "L3Network" l3 ON l3.id = n."l3Id"
      JOIN "Vm" v ON v.id = n."vmId"
      WHERE NOT (l3."l2Id" = ANY (p."l2Ids")
                 AND (cardinality(p."projectIds") = 0 OR v."projectId" = ANY (p."projectIds")))`;
    return Number(rows[0]?.n ?? 0);
  }

  beforeAll(async () => {
    fx = await createFixture("vfpools");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    host = await addSimHost(fx, agents, "kvm-p", "kvm-i350-82599");
    pf1 = await split(fx, host, "p1p1", 8);
    gold = await network(fx, { name: "gold", iface: "p1p1", cidr: "10.80.0.0/24", sriov: true });
    plain = await network(fx, { name: "plain", iface: "p1p1", cidr: "10.81.0.0/24", sriov: true });
    goldL2 = gold.l2.id;
    plainL2 = plain.l2.id;
    otherProject = (await fx.db.project.create({ data: { name: "other-project" } })).id;
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("refuses pools that overlap, reach past the split, or bind an L2 on another interface", async () => {
    const pool = { pfId: pf1, l2Ids: [goldL2] };
    await expect(
      createVfPool(fx.db, fx.admin, { ...pool, name: "big", range: "#4-8" }),
    ).rejects.toMatchObject({ code: "VF_POOL_OUT_OF_RANGE" });
    await expect(
      createVfPool(fx.db, fx.admin, { ...pool, name: "bad", range: "3-1" }),
    ).rejects.toMatchObject({ code: "VF_POOL_INVALID_RANGE" });
    const elsewhere = await network(fx, {
      name: "elsewhere",
      iface: "em1",
      cidr: "10.82.0.0/24",
      sriov: true,
    });
    await expect(
      createVfPool(fx.db, fx.admin, {
        pfId: pf1,
        l2Ids: [elsewhere.l2.id],
        name: "x",
        range: "#0",
      }),
    ).rejects.toMatchObject({ code: "VF_POOL_L2_MISMATCH" });
    await expect(
      createVfPool(fx.db, fx.tenant, { ...pool, name: "mine", range: "#0-3" }),
    ).rejects.toMatchObject({ code: "ADMIN_ONLY" });
  });

  it("refuses a pool over VFs that VMs outside it hold, listing them", async () => {
    const held = await attempt(plain);
    expect(held).toMatchObject({ ok: true, index: 0 });
    const error = await createVfPool(fx.db, fx.admin, {
      pfId: pf1,
      l2Ids: [goldL2],
      name: "gold",
      range: "#0-3",
    }).catch((e: unknown) => e as Refusal);
    expect(error).toMatchObject({
      code: "VF_POOL_HELD_OUTSIDE",
      details: { pool: "gold", holders: [{ vfIndex: 0, l3: "plain-l3" }] },
    });
    expect(await fx.db.vfPool.count()).toBe(0);
    // Bound to the holder's L2 as well, the same range is fine; dropped again for what follows.
    const both = await createVfPool(fx.db, fx.admin, {
      pfId: pf1,
      l2Ids: [goldL2, plainL2],
      name: "both",
      range: "#0-3",
    });
    await deleteVfPool(fx.db, fx.admin, { poolId: both.id });
    if (!held.ok) throw new Error("no VM to delete");
    const { operation } = await deleteVm(fx.db, fx.admin, { vmId: held.vmId });
    expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
  });

  it("concurrent creates never take a VF past its pool; the other L2 gets only the rest", async () => {
    const pool = await createVfPool(fx.db, fx.admin, {
      pfId: pf1,
      l2Ids: [goldL2],
      projectIds: [cat.projectId],
      name: "gold",
      range: "#0-3",
    });
    expect(pool).toMatchObject({ range: "#0-3", total: 4, available: 4, inUse: 0 });
    await expect(
      createVfPool(fx.db, fx.admin, { pfId: pf1, l2Ids: [goldL2], name: "more", range: "#3-5" }),
    ).rejects.toMatchObject({ code: "VF_POOL_OVERLAP", details: { pool: "gold" } });
    // Six creates on plain at once: only VFs #4-7 can serve them.
    const results = await Promise.all(Array.from({ length: 6 }, () => attempt(plain)));
    const placed = results.flatMap((r) => (r.ok ? [r.index] : []));
    expect(placed.sort()).toEqual([4, 5, 6, 7]);
    const refusals = results.flatMap((r) => (r.ok ? [] : [r.error]));
    expect(refusals).toHaveLength(2);
    for (const refusal of refusals) {
      expect(refusal.code).toBe("NO_VF_AVAILABLE");
      expect(refusal.message).toContain("no available VF on L3 plain-l3");
    }
    expect(await heldPastPool()).toBe(0);
    // Once settled, the per-host reason names the pool that holds the free VFs back.
    const late = await attempt(plain);
    expect(late).toMatchObject({ ok: false, error: { code: "NO_VF_AVAILABLE" } });
    expect(JSON.stringify(late.ok ? null : late.error.details)).toContain(
      "4 more free in pools not open to it: p1p1#gold",
    );
    // Another project on gold's own L2 is not named by the pool either.
    expect(await attempt(gold, otherProject)).toMatchObject({
      ok: false,
      error: { code: "NO_VF_AVAILABLE" },
    });
    // Gold in its project: the pool's four, concurrently.
    const goldResults = await Promise.all(Array.from({ length: 4 }, () => attempt(gold)));
    expect(goldResults.map((r) => (r.ok ? r.index : -1)).sort()).toEqual([0, 1, 2, 3]);
    expect(await heldPastPool()).toBe(0);
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
    const [listed] = await listVfPools(fx.db, fx.admin, { pfId: pf1 });
    expect(listed).toMatchObject({
      name: "gold",
      l2s: [{ name: "gold-l2" }],
      projects: [{ name: "demo-project" }],
      total: 4,
      available: 0,
      inUse: 4,
    });
  });

  it("availability counts for the create form account for pools, per project", async () => {
    // Free now: none. Release two gold VMs' VFs by deleting them: two free VFs in the pool.
    const goldVms = await fx.db.vm.findMany({
      where: { nics: { some: { l3Id: gold.id } } },
      select: { id: true },
      take: 2,
    });
    for (const vm of goldVms) {
      const { operation } = await deleteVm(fx.db, fx.admin, { vmId: vm.id });
      expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
    }
    await compactVfStateCounts(fx.db);
    await refreshClusterVfCounts(fx.db);
    const options = async (projectId: string) =>
      new Map((await vmCreateOptions(fx.db, fx.admin, { projectId })).map((o) => [o.name, o]));
    const mine = await options(cat.projectId);
    expect(mine.get("gold-l3")).toMatchObject({ availableVfs: 2, sriov: { allowed: true } });
    expect(mine.get("plain-l3")).toMatchObject({ availableVfs: 0, sriov: { allowed: false } });
    expect(mine.get("plain-l3")?.sriov.reason).toContain("in VF pools not open to it");
    const theirs = await options(otherProject);
    expect(theirs.get("gold-l3")).toMatchObject({ availableVfs: 0, sriov: { allowed: false } });
  });

  it("a split or restore that would cut a pool is refused, naming it", async () => {
    const pf2 = await split(fx, host, "p1p2", 4);
    const l2 = await network(fx, {
      name: "p1p2net",
      iface: "p1p2",
      cidr: "10.83.0.0/24",
      sriov: true,
    });
    await createVfPool(fx.db, fx.admin, {
      pfId: pf2,
      l2Ids: [l2.l2.id],
      name: "tail",
      range: "#2-3",
    });
    const before = await fx.db.physicalNic.findUniqueOrThrow({ where: { id: pf2 } });
    await expect(splitPhysicalNic(fx.db, fx.admin, { pfId: pf2, count: 3 })).rejects.toMatchObject({
      code: "VF_POOL_CUT",
      message: expect.stringContaining("tail (#2-3)"),
      details: { pools: [{ name: "tail" }] },
    });
    await expect(
      restorePhysicalNic(fx.db, fx.admin, { pfId: pf2, force: true }),
    ).rejects.toMatchObject({ code: "VF_POOL_CUT", details: { pools: [{ name: "tail" }] } });
    const after = await fx.db.physicalNic.findUniqueOrThrow({ where: { id: pf2 } });
    expect(after.desiredNumVfs).toBe(before.desiredNumVfs);
    // Growing keeps every pool whole: allowed.
    const grown = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf2, count: 6 });
    expect((await waitForOperation(fx.db, fx.admin, grown.operation.id)).status).toBe("Succeeded");
    expect((await listVfPools(fx.db, fx.admin, { pfId: pf2 }))[0]).toMatchObject({ total: 2 });
  });
});
