import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attachL2Cluster,
  createL2Network,
  detachL2Cluster,
  getL2Network,
  L2_CLUSTERS_NAMED,
  listClusters,
  listL2Clusters,
  listL2Networks,
  type L2View,
} from "@virtfn/core";
import { createCoreFixture, insertHost, type CoreFixture } from "./fixtures";

// An L2 attached to more clusters than a row names: the row carries the first few by name and
// the count, the L2's clusters are paged, and the clusters list itself is paged.

describe("the clusters of an L2, and the clusters list, a page at a time", () => {
  let fx: CoreFixture;
  let l2: L2View;
  /** Every cluster of the zone by name: the demo's two, then the ones made here. */
  let names: string[];

  beforeAll(async () => {
    fx = await createCoreFixture("l2clusters");
    const made = Array.from({ length: L2_CLUSTERS_NAMED + 3 }, (_, i) => `rack-${i + 1}`);
    // Made in reverse, so that the order answered is the name's, not the rows'.
    for (const name of [...made].reverse())
      await fx.db.cluster.create({ data: { zoneId: fx.zoneId, name } });
    names = ["cluster-a", "cluster-b", ...made];
    const rack2 = await fx.db.cluster.findFirstOrThrow({ where: { name: "rack-2" } });
    await insertHost(fx.db, { name: "kvm-rack-2", clusterId: rack2.id, pfs: [] });
    l2 = await createL2Network(fx.db, fx.admin, {
      zoneId: fx.zoneId,
      name: "l2-everywhere",
      type: "NoVlan",
      physicalInterface: "em1",
      clusterIds: [fx.clusterA],
    });
    for (const cluster of await fx.db.cluster.findMany({ where: { zoneId: fx.zoneId } }))
      l2 = await attachL2Cluster(fx.db, fx.admin, { l2Id: l2.id, clusterId: cluster.id });
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it("an L2 row names its first clusters by name and counts them all, in the list, the detail and a command's answer", async () => {
    const first = names.slice(0, L2_CLUSTERS_NAMED);
    const expected = { clusterCount: names.length, clusters: first };
    const named = (view: L2View) => ({
      clusterCount: view.clusterCount,
      clusters: view.clusters.map((c) => c.name),
    });
    expect(named(l2)).toEqual(expected);
    expect(named(await getL2Network(fx.db, fx.admin, { l2Id: l2.id }))).toEqual(expected);
    const page = await listL2Networks(fx.db, fx.admin, { search: "l2-everywhere" });
    expect(page.items.map(named)).toEqual([expected]);
  });

  it("the count and the names follow a detach and an attach (kept by the database, not counted on read)", async () => {
    const rackOne = await fx.db.cluster.findFirstOrThrow({ where: { name: "cluster-a" } });
    const detached = await detachL2Cluster(fx.db, fx.admin, { l2Id: l2.id, clusterId: rackOne.id });
    expect(detached.clusterCount).toBe(names.length - 1);
    expect(detached.clusters.map((c) => c.name)).toEqual(names.slice(1, L2_CLUSTERS_NAMED + 1));
    const listed = await listL2Networks(fx.db, fx.admin, { search: "l2-everywhere" });
    expect(listed.items[0]?.clusterCount).toBe(names.length - 1);
    l2 = await attachL2Cluster(fx.db, fx.admin, { l2Id: l2.id, clusterId: rackOne.id });
    expect(l2.clusterCount).toBe(names.length);
    expect(l2.clusters.map((c) => c.name)).toEqual(names.slice(0, L2_CLUSTERS_NAMED));
  });

  it("the L2's clusters come a page at a time, by name, with their host counts, every one once", async () => {
    const seen: Array<{ name: string; hostCount: number }> = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listL2Clusters(fx.db, fx.admin, { l2Id: l2.id, limit: 3, cursor });
      expect(page.total).toBe(names.length);
      seen.push(...page.items.map(({ name, hostCount }) => ({ name, hostCount })));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(Math.ceil(names.length / 3));
    expect(seen.map((c) => c.name)).toEqual(names);
    expect(seen.find((c) => c.name === "rack-2")?.hostCount).toBe(1);
    await expect(
      listL2Clusters(fx.db, fx.admin, { l2Id: fx.clusterA, limit: 3 }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(listL2Clusters(fx.db, fx.tenant, { l2Id: l2.id, limit: 3 })).rejects.toMatchObject(
      { code: "FORBIDDEN" },
    );
  });

  it("the clusters list is paged by zone and name, narrows to a zone, and to the clusters an L2 is not attached to", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listClusters(fx.db, fx.admin, { zoneId: fx.zoneId, limit: 4, cursor });
      expect(page).toMatchObject({ total: names.length, totalExact: true });
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((c) => c.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(names);

    const other = await createL2Network(fx.db, fx.admin, {
      zoneId: fx.zoneId,
      name: "l2-two-racks",
      type: "NoVlan",
      physicalInterface: "em2",
      clusterIds: [fx.clusterA, fx.clusterB],
    });
    const unattached = await listClusters(fx.db, fx.admin, {
      zoneId: fx.zoneId,
      notAttachedToL2Id: other.id,
      limit: 200,
    });
    expect(unattached.items.map((c) => c.name)).toEqual(names.slice(2));
    expect(unattached.items.find((c) => c.name === "rack-2")?.hostCount).toBe(1);
    await expect(listClusters(fx.db, fx.tenant, {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
