// The read paths count VFs in SQL and page by keyset. This checks their answers against an oracle
// that loads every row and applies core's pure R3 functions, on a generated fleet of 120 hosts
// (480 PFs, 30k VFs in every state, bonds, disconnected hosts, hosts without IOMMU, a cluster not
// attached to an L2), and walks every page of the keyset lists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compactRowCounts,
  fleetMetrics,
  getHost,
  getL3Network,
  getProject,
  hostVfAvailability,
  listClusters,
  listImages,
  listL3Networks,
  listOfferings,
  listProjects,
  migrationCandidates,
  listAuditEvents,
  listHosts,
  listOperations,
  listVms,
  refreshClusterVfCounts,
  resolveInterface,
  sriovOverview,
  vfAvailability,
  vmCreateOptions,
  type Actor,
  type AvailabilityHost,
} from "@virtfn/core";
import type { Db, VfState } from "@virtfn/db";
import { createTestDatabase, type TestDatabase } from "@virtfn/db/testing";
import { generateFleet } from "../../../bench/lib/fleet";

const HOSTS = 120;

let database: TestDatabase;
let db: Db;
let admin: Actor;
let tenant: Actor;

/** Every host with every PF and every VF's state: the way the read paths used to count. */
async function oracle() {
  const hosts = await db.host.findMany({
    include: {
      cluster: true,
      physicalNics: {
        include: {
          virtualFunctions: { select: { state: true, index: true } },
          vfPools: { orderBy: { firstIndex: "asc" } },
        },
      },
    },
  });
  const states = new Map<string, Record<VfState, number>>();
  const asAvailability = hosts.map((host): AvailabilityHost => ({
    ...host,
    clusterName: host.cluster.name,
    physicalNics: host.physicalNics.map((pf) => {
      const byState: Record<VfState, number> = {
        Available: 0,
        Reserved: 0,
        Attached: 0,
        Releasing: 0,
        Missing: 0,
      };
      for (const vf of pf.virtualFunctions) byState[vf.state] += 1;
      states.set(pf.id, byState);
      const pools = pf.vfPools.map((pool) => ({
        name: pool.name,
        l2Ids: pool.l2Ids,
        projectIds: pool.projectIds,
        availableVfs: pf.virtualFunctions.filter(
          (vf) =>
            vf.state === "Available" && vf.index >= pool.firstIndex && vf.index <= pool.lastIndex,
        ).length,
      }));
      return {
        ...pf,
        vfTotal: pf.virtualFunctions.length - byState.Missing,
        vfAvailable: byState.Available,
        pools: pools.length > 0 ? pools : null,
      };
    }),
  }));
  return { hosts: asAvailability, states };
}

/**
 * The free VFs of a host's resolved PFs that the L2 can still hand out: none on a host in
 * maintenance, none in VF pools of other L2s (what the overview's L2 rows add up).
 */
function freeForL2(host: AvailabilityHost, pfs: AvailabilityHost["physicalNics"], l2Id: string) {
  if (host.maintenance === true) return 0;
  return pfs.reduce((sum, pf) => {
    const closed = (pf.pools ?? [])
      .filter((pool) => !pool.l2Ids.includes(l2Id))
      .reduce((n, pool) => n + pool.availableVfs, 0);
    return sum + pf.vfAvailable - closed;
  }, 0);
}

async function l3Network(name: string) {
  return db.l3Network.findFirstOrThrow({
    where: { name },
    include: { l2: { include: { clusters: true } } },
  });
}

beforeAll(async () => {
  database = await createTestDatabase("read-paths");
  db = database.db;
  await generateFleet(database.url, { hosts: HOSTS });
  // Mix the inventory: a cluster not attached to l2-em1, VFs in every state on the bond.
  const detached = await db.cluster.findFirstOrThrow({ where: { name: "cluster-0003" } });
  const l2 = await db.l2Network.findFirstOrThrow({ where: { name: "l2-em1" } });
  await db.l2ClusterAttachment.delete({
    where: { l2Id_clusterId: { l2Id: l2.id, clusterId: detached.id } },
  });
  await db.$executeRaw`UPDATE "VirtualFunction" vf SET state = (ARRAY['Reserved','Releasing','Attached'])[vf.index % 3 + 1]::"VfState"
    FROM "PhysicalNic" pf WHERE pf.id = vf."pfId" AND pf.name = 'ens1f0' AND vf.index < 6`;
  // Every VF of em1 on host 3 in use: that host offers nothing for vf-em1.
  await db.$executeRaw`UPDATE "VirtualFunction" vf SET state = 'Attached'
    FROM "PhysicalNic" pf JOIN "Host" h ON h.id = pf."hostId" WHERE pf.id = vf."pfId" AND pf.name = 'em1' AND h.name = 'host-00003'`;
  // A host in maintenance (its free VFs go to no new VM), and VF pools: of other L2s (they keep
  // their free VFs from an L2), of the L2 itself (no effect), over a whole PF or a whole bond (the
  // host offers nothing), on the host in maintenance and on a disconnected host.
  await db.host.update({ where: { name: "host-00020" }, data: { maintenance: true } });
  const em1 = await db.l2Network.findFirstOrThrow({ where: { name: "l2-em1" } });
  const bond0 = await db.l2Network.findFirstOrThrow({ where: { name: "l2-bond0" } });
  const pools: Array<[host: string, pf: string, first: number, last: number, l2Id: string]> = [
    ["host-00021", "em1", 0, 9, bond0.id],
    ["host-00022", "em1", 0, 62, bond0.id],
    ["host-00023", "em1", 0, 9, em1.id],
    ["host-00020", "em1", 0, 9, bond0.id],
    ["host-00007", "em1", 0, 9, bond0.id],
    ["host-00024", "ens1f0", 0, 61, em1.id],
    ["host-00025", "ens1f0", 0, 61, em1.id],
    ["host-00025", "ens1f1", 0, 61, em1.id],
  ];
  for (const [hostName, pfName, firstIndex, lastIndex, l2Id] of pools) {
    const pf = await db.physicalNic.findFirstOrThrow({
      where: { name: pfName, host: { name: hostName } },
    });
    await db.vfPool.create({
      data: { pfId: pf.id, name: `pool-${pfName}`, firstIndex, lastIndex, l2Ids: [l2Id] },
    });
  }
  const adminUser = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
  const tenantUser = await db.user.findUniqueOrThrow({
    where: { username: "tenant" },
    include: { memberships: true },
  });
  admin = { userId: adminUser.id, username: "admin", role: "Admin", projectIds: [] };
  tenant = {
    userId: tenantUser.id,
    username: "tenant",
    role: "Tenant",
    projectIds: tenantUser.memberships.map((m) => m.projectId),
  };
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

describe("VF counts computed by SQL", () => {
  it.each(["vf-em1", "vf-bond0"])(
    "VF availability of L3 %s matches R3 over every row, host by host and in sum",
    async (name) => {
      const l3 = await l3Network(name);
      const { hosts } = await oracle();
      const network = {
        l2Id: l3.l2.id,
        l2Name: l3.l2.name,
        l3Name: l3.name,
        physicalInterface: l3.l2.physicalInterface,
        l2SriovEnabled: l3.l2.sriovEnabled,
        l3SriovEnabled: l3.sriovEnabled,
        attachedClusterIds: new Set(l3.l2.clusters.map((c) => c.clusterId)),
      };
      const expected = hosts.map((host) => hostVfAvailability(host, network));
      const result = await vfAvailability(db, admin, { l3Id: l3.id, limit: 1000 });
      expect(result.hosts).toHaveLength(HOSTS);
      expect(result.hostCount).toBe(HOSTS);
      expect(result.total).toBe(expected.reduce((sum, row) => sum + row.total, 0));
      expect(result.available).toBe(expected.reduce((sum, row) => sum + row.available, 0));
      expect(result.offeringHosts).toBe(expected.filter((row) => row.available > 0).length);
      const byHost = new Map(expected.map((row) => [row.hostId, row]));
      for (const row of result.hosts) expect(row).toEqual(byHost.get(row.hostId));
      // Mixed on purpose: some hosts offer nothing, each for its own reason.
      const reasons = new Set(result.hosts.map((row) => row.reason));
      if (name === "vf-em1") {
        expect([...reasons].sort()).toEqual(
          [
            "ALL_VFS_IN_USE",
            "CLUSTER_NOT_ATTACHED",
            "HOST_DISCONNECTED",
            "HOST_IN_MAINTENANCE",
            "IOMMU_NOT_READY",
            "VFS_IN_OTHER_POOLS",
            null,
          ].sort(),
        );
        // Attached clusters first, then by name.
        expect(
          result.hosts.slice(0, 100).every((row) => row.reason !== "CLUSTER_NOT_ATTACHED"),
        ).toBe(true);
      }
      // A page of hosts, the sums still over the zone.
      const page = await vfAvailability(db, admin, { l3Id: l3.id, limit: 10 });
      expect(page.hosts).toEqual(result.hosts.slice(0, 10));
      expect(page.available).toBe(result.available);
    },
  );

  it("the zone and L2 sums stay exact whether a cluster's cached sums are fresh, stale or refreshed", async () => {
    const expectExact = async (when: string) => {
      const l3 = await l3Network("vf-bond0");
      const attachedClusterIds = new Set(l3.l2.clusters.map((c) => c.clusterId));
      const network = {
        l2Id: l3.l2.id,
        l2Name: l3.l2.name,
        l3Name: l3.name,
        physicalInterface: l3.l2.physicalInterface,
        l2SriovEnabled: true,
        l3SriovEnabled: true,
        attachedClusterIds,
      };
      const { hosts } = await oracle();
      const rows = hosts.map((host) => hostVfAvailability(host, network));
      const result = await vfAvailability(db, admin, { l3Id: l3.id, limit: 5 });
      expect(result, when).toMatchObject({
        hostCount: hosts.length,
        total: rows.reduce((sum, row) => sum + row.total, 0),
        available: rows.reduce((sum, row) => sum + row.available, 0),
        offeringHosts: rows.filter((row) => row.available > 0).length,
      });
      const options = await vmCreateOptions(db, tenant, { projectId: tenant.projectIds[0] ?? "" });
      expect(
        options.find((option) => option.l3Id === l3.id)?.availableVfs,
        `${when}: vm-create-options`,
      ).toBe(result.available);
      const overview = await sriovOverview(db, admin, { limit: 5 });
      const attachedRows = hosts
        .filter((host) => attachedClusterIds.has(host.clusterId))
        .map((host) => ({
          host,
          pfs: resolveInterface(host.physicalNics, network.physicalInterface),
        }))
        .filter(({ pfs }) => pfs.length > 0);
      expect(
        overview.l2s.find((row) => row.l2Id === l3.l2.id),
        when,
      ).toMatchObject({
        hosts: attachedRows.length,
        vfTotal: attachedRows.flatMap(({ pfs }) => pfs).reduce((sum, pf) => sum + pf.vfTotal, 0),
        vfAvailable: attachedRows.reduce(
          (sum, { host, pfs }) => sum + freeForL2(host, pfs, l3.l2.id),
          0,
        ),
      });
    };
    await refreshClusterVfCounts(db, 1000);
    expect(await db.clusterVfCountStale.count()).toBe(0);
    await expectExact("every cluster fresh");
    // Each change on its own, from fresh sums: each must mark its cluster stale, or the sums lie.
    const changes: Array<[string, () => Promise<unknown>]> = [
      [
        "VF states",
        () => db.$executeRaw`UPDATE "VirtualFunction" vf SET state = 'Reserved' FROM "PhysicalNic" p
          JOIN "Host" h ON h.id = p."hostId" WHERE p.id = vf."pfId" AND p.name = 'ens1f0' AND h.name = 'host-00011'`,
      ],
      [
        "a host disconnecting",
        () =>
          db.host.update({
            where: { name: "host-00062" },
            data: { connectionState: "Disconnected" },
          }),
      ],
      [
        "a host losing IOMMU",
        () => db.host.update({ where: { name: "host-00114" }, data: { iommuActive: false } }),
      ],
      [
        "a host entering maintenance",
        () => db.host.update({ where: { name: "host-00031" }, data: { maintenance: true } }),
      ],
      [
        "a PF leaving its bond",
        () => db.$executeRaw`UPDATE "PhysicalNic" p SET "bondName" = NULL FROM "Host" h
          WHERE h.id = p."hostId" AND h.name = 'host-00044' AND p.name = 'ens1f1'`,
      ],
    ];
    for (const [what, change] of changes) {
      await refreshClusterVfCounts(db, 1000);
      await change();
      expect(await db.clusterVfCountStale.count(), what).toBeGreaterThan(0);
      await expectExact(`after ${what}, stale`);
    }
    await refreshClusterVfCounts(db, 1);
    await expectExact("refreshed one cluster at a time");
    expect(await db.clusterVfCountStale.count()).toBe(0);
    // What the per-L2 sums ("L2VfCount") add up besides the clusters: attachments and the
    // interface name. Each change on fresh sums, and again with every cluster stale.
    const l2 = await db.l2Network.findFirstOrThrow({ where: { name: "l2-bond0" } });
    const cluster = await db.cluster.findFirstOrThrow({ where: { name: "cluster-0002" } });
    const attachment = { l2Id: l2.id, clusterId: cluster.id };
    const l2Changes: Array<[string, () => Promise<unknown>]> = [
      [
        "a cluster detached",
        () => db.l2ClusterAttachment.delete({ where: { l2Id_clusterId: attachment } }),
      ],
      ["a cluster attached", () => db.l2ClusterAttachment.create({ data: attachment })],
      [
        "the interface renamed",
        () => db.l2Network.update({ where: { id: l2.id }, data: { physicalInterface: "ens1f0" } }),
      ],
      [
        "the interface named back",
        () => db.l2Network.update({ where: { id: l2.id }, data: { physicalInterface: "bond0" } }),
      ],
    ];
    for (const stale of [false, true]) {
      for (const [what, change] of l2Changes) {
        await refreshClusterVfCounts(db, 1000);
        if (stale)
          await db.$executeRaw`INSERT INTO "ClusterVfCountStale"("clusterId") SELECT id FROM "Cluster"`;
        await change();
        await expectExact(`after ${what}${stale ? ", every cluster stale" : ""}`);
        await refreshClusterVfCounts(db, 1000);
        await expectExact(`after ${what}, refreshed`);
      }
    }
    // Fifteen states of the whole fleet, each checked against every VF row.
  }, 180_000);

  it("vm-create-options sums the same availability per L3", async () => {
    const { hosts } = await oracle();
    const options = await vmCreateOptions(db, tenant, { projectId: tenant.projectIds[0] ?? "" });
    expect(options.map((o) => o.name).sort()).toEqual([
      "vf-bond0",
      "vf-em1",
      "vnic-em2",
      "vnic-public",
    ]);
    for (const option of options) {
      const l3 = await l3Network(option.name);
      const network = {
        l2Id: l3.l2.id,
        l2Name: l3.l2.name,
        l3Name: l3.name,
        physicalInterface: l3.l2.physicalInterface,
        l2SriovEnabled: l3.l2.sriovEnabled,
        l3SriovEnabled: l3.sriovEnabled,
        attachedClusterIds: new Set(l3.l2.clusters.map((c) => c.clusterId)),
      };
      const expected = hosts.reduce(
        (sum, host) => sum + hostVfAvailability(host, network).available,
        0,
      );
      expect(option.availableVfs, option.name).toBe(expected);
      expect(option.sriov.allowed, option.name).toBe(option.sriovEnabled && expected > 0);
    }
  });

  it("the SR-IOV overview counts VFs per PF and state, and per L2", async () => {
    const { hosts, states } = await oracle();
    const overview = await sriovOverview(db, admin, { limit: 1000 });
    expect(overview.pfCount).toBe(HOSTS * 4);
    expect(overview.pfCountExact).toBe(true);
    // The splittable PFs of the first hosts by name, each host's by name, a page of them.
    const splittablePfs = await db.physicalNic.findMany({
      where: { virtualizationState: { not: "NotVirtualizable" } },
      select: { id: true, name: true, host: { select: { name: true } } },
    });
    const key = (pf: (typeof splittablePfs)[number]) => `${pf.host.name}/${pf.name ?? ""}`;
    const inOrder = splittablePfs.sort((a, b) => (key(a) < key(b) ? -1 : 1)).map((pf) => pf.id);
    expect(overview.pfs.map((pf) => pf.pfId)).toEqual(inOrder);
    const { zoneId } = await db.cluster.findFirstOrThrow();
    for (const input of [{ limit: 7 }, { limit: 7, zoneId }]) {
      const page = await sriovOverview(db, admin, input);
      expect(page.pfs.map((pf) => pf.pfId)).toEqual(inOrder.slice(0, 7));
      expect(page.pfCount).toBe(HOSTS * 4);
    }
    for (const pf of overview.pfs) expect(pf.vfs, pf.pfId).toEqual(states.get(pf.pfId));
    const vfNics = await db.vmNic.findMany({
      where: { type: "VF" },
      select: { l3: { select: { l2Id: true } } },
    });
    for (const l2Usage of overview.l2s) {
      const l2 = await db.l2Network.findUniqueOrThrow({
        where: { id: l2Usage.l2Id },
        include: { clusters: true },
      });
      const attached = new Set(l2.clusters.map((c) => c.clusterId));
      const resolved = hosts
        .filter((host) => attached.has(host.clusterId))
        .map((host) => ({ host, pfs: resolveInterface(host.physicalNics, l2.physicalInterface) }))
        .filter(({ pfs }) => pfs.length > 0);
      expect(l2Usage.hosts, l2.name).toBe(resolved.length);
      expect(l2Usage.vfTotal, l2.name).toBe(
        resolved.flatMap(({ pfs }) => pfs).reduce((sum, pf) => sum + pf.vfTotal, 0),
      );
      expect(l2Usage.vfAvailable, l2.name).toBe(
        resolved.reduce((sum, { host, pfs }) => sum + freeForL2(host, pfs, l2.id), 0),
      );
      expect(l2Usage.vfNics, l2.name).toBe(vfNics.filter((nic) => nic.l3.l2Id === l2.id).length);
    }
  });

  it("host list and host detail count each NIC's VFs", async () => {
    const { hosts } = await oracle();
    const byId = new Map(hosts.map((host) => [host.id, host]));
    const detail = await getHost(db, admin, hosts[2]?.id ?? "");
    for (const nic of detail.nics) {
      const pf = byId.get(detail.id)?.physicalNics.find((p) => p.name === nic.name);
      expect({ total: nic.vfTotal, available: nic.vfAvailable }, nic.pciAddress).toEqual({
        total: pf?.vfTotal,
        available: pf?.vfAvailable,
      });
    }
    const page = await listHosts(db, admin, { limit: 50 });
    for (const host of page.items) {
      const pfs = byId.get(host.id)?.physicalNics ?? [];
      expect(host.vfTotal).toBe(pfs.reduce((sum, pf) => sum + pf.vfTotal, 0));
      expect(host.vfAvailable).toBe(pfs.reduce((sum, pf) => sum + pf.vfAvailable, 0));
      expect(host.pfCount).toBe(4);
    }
  });

  it("host detail counts each VM's VF NICs, and the host's CPU and memory with a VM migrating in", async () => {
    const host = await db.host.findFirstOrThrow({ where: { name: "host-00005" } });
    const [incoming, arrived] = await db.vm.findMany({
      where: { host: { name: "host-00006" }, state: "Running" },
      include: { offering: true },
      orderBy: { name: "asc" },
      take: 2,
    });
    if (!incoming || !arrived) throw new Error("the fleet has no running VMs on host-00006");
    // A run still claiming the destination counts there; one past it (the VM moved) does not.
    const runs = [
      { vm: incoming, phase: "Claimed" as const },
      { vm: arrived, phase: "Done" as const },
    ].map(({ vm, phase }) => ({
      operationId: crypto.randomUUID(),
      vmId: vm.id,
      sourceHostId: vm.hostId ?? "",
      targetHostId: host.id,
      phase,
    }));
    await db.migrationRun.createMany({ data: runs });
    try {
      const detail = await getHost(db, admin, host.id);
      const vms = await db.vm.findMany({
        where: { hostId: host.id },
        include: { offering: true, nics: true },
      });
      // The fleet's VMs are Running or Stopped; a stopped VM holds no CPU or memory.
      const holding = [...vms.filter((vm) => vm.state === "Running"), incoming];
      expect(detail.allocation.cpu.used).toBe(
        holding.reduce((sum, vm) => sum + vm.offering.vcpus, 0),
      );
      expect(detail.allocation.memoryMiB.used).toBe(
        holding.reduce((sum, vm) => sum + vm.offering.memoryMiB, 0),
      );
      const vfNics = new Map(
        vms.map((vm) => [vm.id, vm.nics.filter((nic) => nic.type === "VF").length]),
      );
      expect(detail.allocation.vms).toHaveLength(vms.length);
      for (const vm of detail.allocation.vms) expect(vm.vfNics, vm.name).toBe(vfNics.get(vm.id));
      // Both kinds are on the host: VMs with a VF NIC and VMs without.
      expect(new Set(vfNics.values()).size).toBeGreaterThan(1);
    } finally {
      await db.migrationRun.deleteMany({
        where: { operationId: { in: runs.map((run) => run.operationId) } },
      });
    }
  });

  it("host detail counts the VFs in use per PF and per host, as the resize and IOMMU checks do", async () => {
    const host = await db.host.findFirstOrThrow({ where: { name: "host-00005" } });
    // Releasing counts as in use on the PF (a resize would destroy it) but not for the IOMMU.
    const releasing = await db.virtualFunction.findFirstOrThrow({
      where: { hostId: host.id, state: "Available", pf: { name: "em2" } },
    });
    await db.virtualFunction.update({ where: { id: releasing.id }, data: { state: "Releasing" } });
    try {
      const detail = await getHost(db, admin, host.id);
      const vfs = await db.virtualFunction.findMany({
        where: { hostId: host.id },
        select: { pfId: true, state: true, heldBy: { select: { id: true } } },
      });
      const hostInUse = vfs.filter((vf) => vf.state === "Reserved" || vf.state === "Attached");
      expect(hostInUse.length).toBeGreaterThan(0);
      expect(detail.actions.setIommu).toMatchObject({ allowed: false, code: "HOST_IN_USE" });
      expect(detail.actions.setIommu.reason).toContain(` ${hostInUse.length} VF(s) are in use`);
      const inUseOf = (pfId: string) =>
        vfs.filter(
          (vf) =>
            vf.pfId === pfId &&
            (["Reserved", "Attached", "Releasing"].includes(vf.state) || vf.heldBy !== null),
        ).length;
      // Both kinds: PFs with VFs in use and PFs without.
      expect(new Set(detail.nics.map((nic) => inUseOf(nic.id) === 0)).size).toBe(2);
      for (const nic of detail.nics) {
        const n = inUseOf(nic.id);
        if (n === 0) expect(nic.actions.resize.allowed, nic.label).toBe(true);
        else {
          expect(nic.actions.resize, nic.label).toMatchObject({
            allowed: false,
            code: "VFS_IN_USE",
          });
          expect(nic.actions.resize.reason, nic.label).toContain(`and ${n} of them are in use`);
        }
      }
    } finally {
      await db.virtualFunction.update({
        where: { id: releasing.id },
        data: { state: "Available" },
      });
    }
  });
});

describe("keyset pages", () => {
  async function walk<T extends { id: string }>(
    fetch: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  ) {
    const seen: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const result = await fetch(cursor);
      seen.push(...result.items);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return seen;
  }

  it.each([
    ["name", "asc"],
    ["createdAt", "desc"],
    ["connectionState", "desc"],
  ] as const)("hosts by %s %s: every host exactly once, in order", async (sort, order) => {
    const items = await walk((cursor) => listHosts(db, admin, { limit: 7, sort, order, cursor }));
    expect(items).toHaveLength(HOSTS);
    expect(new Set(items.map((h) => h.id)).size).toBe(HOSTS);
    const all = await listHosts(db, admin, { limit: 200, sort, order });
    expect(items.map((h) => h.id)).toEqual(all.items.map((h) => h.id));
    expect(all.total).toBe(HOSTS);
    expect(all.totalExact).toBe(true);
  });

  it.each([
    ["name", "asc"],
    ["createdAt", "desc"],
    ["connectionState", "asc"],
  ] as const)(
    "a host name search by %s %s pages its matches only, in the list's order, counted",
    async (sort, order) => {
      const all = await listHosts(db, admin, { limit: 200, sort, order });
      for (const [search, filter] of [
        ["-000", {}],
        ["ST-001", {}],
        ["1", { connectionState: "Connected" }],
        ["0", { clusterId: all.items[60]?.clusterId }],
        ["no-such-host", {}],
      ] as const) {
        const expected = all.items.filter(
          (host) =>
            host.name.toLowerCase().includes(search.toLowerCase()) &&
            (!("connectionState" in filter) || host.connectionState === filter.connectionState) &&
            (!("clusterId" in filter) || host.clusterId === filter.clusterId),
        );
        const first = await listHosts(db, admin, { limit: 7, sort, order, search, ...filter });
        expect(first.total, search).toBe(expected.length);
        expect(first.totalExact).toBe(true);
        const items = await walk((cursor) =>
          listHosts(db, admin, { limit: 7, sort, order, search, cursor, ...filter }),
        );
        expect(
          items.map((h) => h.name),
          search,
        ).toEqual(expected.map((h) => h.name));
      }
    },
  );

  it("VMs by state, admin and tenant: complete, no repeats", async () => {
    const vms = await walk((cursor) => listVms(db, admin, { limit: 33, sort: "state", cursor }));
    expect(vms).toHaveLength(HOSTS * 5);
    expect(new Set(vms.map((vm) => vm.id)).size).toBe(HOSTS * 5);
    const own = await walk((cursor) => listVms(db, tenant, { limit: 9, cursor }));
    expect(own.length).toBe(await db.vm.count({ where: { projectId: { in: tenant.projectIds } } }));
    expect(own.every((vm) => tenant.projectIds.includes(vm.projectId))).toBe(true);
  });

  it("operations and audit stop counting at the cap and say so", async () => {
    const ops = await listOperations(db, admin, { limit: 10 });
    expect(ops.total).toBe(1000);
    expect(ops.totalExact).toBe(false);
    const failed = await walk((cursor) =>
      listOperations(db, admin, { limit: 50, status: "Failed", cursor }),
    );
    expect(failed.length).toBe(await db.operation.count({ where: { status: "Failed" } }));
    const byStatus = await walk((cursor) =>
      listOperations(db, admin, { limit: 97, sort: "status", cursor }),
    );
    expect(new Set(byStatus.map((op) => op.id)).size).toBe(HOSTS * 10);
    const events = await walk((cursor) => listAuditEvents(db, admin, { limit: 200, cursor }));
    expect(new Set(events.map((e) => e.id)).size).toBe(HOSTS * 10);
  });

  it("the next pages carry the first page's total instead of counting again", async () => {
    const first = await listOperations(db, admin, { limit: 50, kind: "host.add" });
    expect(first).toMatchObject({ total: HOSTS * 2, totalExact: true });
    const added = await db.operation.create({
      data: { kind: "host.add", status: "Succeeded", targetType: "Host", targetId: "x" },
    });
    try {
      // The second page answers the first page's total; a new first page counts the new row.
      const second = await listOperations(db, admin, {
        limit: 50,
        kind: "host.add",
        cursor: first.nextCursor ?? "",
      });
      expect(second).toMatchObject({ total: HOSTS * 2, totalExact: true });
      expect(await listOperations(db, admin, { limit: 50, kind: "host.add" })).toMatchObject({
        total: HOSTS * 2 + 1,
      });
      // Past the cap the carried total says so too.
      const capped = await listOperations(db, admin, { limit: 10 });
      const next = await listOperations(db, admin, { limit: 10, cursor: capped.nextCursor ?? "" });
      expect(next).toMatchObject({ total: 1000, totalExact: false });
    } finally {
      await db.operation.delete({ where: { id: added.id } });
    }
  });

  it("refuses a cursor that no page gave", async () => {
    await expect(
      listHosts(db, admin, { limit: 5, cursor: "bm90LWEtY3Vyc29y" }),
    ).rejects.toMatchObject({ code: "INVALID_CURSOR" });
    // A carried total past the cap is not one a page gave either.
    const forged = Buffer.from(
      JSON.stringify(["host-00001", "00000000-0000-4000-8000-000000000000", 5000, true]),
    ).toString("base64url");
    await expect(listHosts(db, admin, { limit: 5, cursor: forged })).rejects.toMatchObject({
      code: "INVALID_CURSOR",
    });
    await expect(listVms(db, admin, { cursor: "12" })).rejects.toMatchObject({
      code: "INVALID_CURSOR",
    });
  });
});

describe("child counts kept by the database", () => {
  /** Every count a list shows next to its rows, counted row by row. */
  async function counted() {
    const [vms, nics, hosts] = await Promise.all([
      db.vm.findMany({ select: { offeringId: true, imageId: true, projectId: true } }),
      db.vmNic.findMany({ select: { l3Id: true, type: true } }),
      db.host.findMany({ select: { clusterId: true } }),
    ]);
    const tally = (keys: string[]) => {
      const map = new Map<string, number>();
      for (const key of keys) map.set(key, (map.get(key) ?? 0) + 1);
      return map;
    };
    return {
      offering: tally(vms.map((vm) => vm.offeringId)),
      image: tally(vms.map((vm) => vm.imageId)),
      project: tally(vms.map((vm) => vm.projectId)),
      l3: tally(nics.map((nic) => nic.l3Id)),
      l3Vf: tally(nics.filter((nic) => nic.type === "VF").map((nic) => nic.l3Id)),
      cluster: tally(hosts.map((host) => host.clusterId)),
    };
  }

  /** What the read paths answer, in the same shape. */
  async function shown() {
    const [offerings, images, projects, clusters, l3s] = await Promise.all([
      listOfferings(db, admin),
      listImages(db, admin),
      listProjects(db, admin, { limit: 200 }),
      listClusters(db, admin, { limit: 200 }),
      listL3Networks(db, admin, { limit: 200 }),
    ]);
    const map = <T extends { id: string }>(rows: T[], n: (row: T) => number) =>
      new Map(rows.filter((row) => n(row) !== 0).map((row) => [row.id, n(row)]));
    return {
      offering: map(offerings, (o) => o.vmCount),
      image: map(images, (i) => i.vmCount),
      project: map(projects.items, (p) => p.vmCount),
      l3: map(l3s.items, (l3) => l3.nicCount),
      l3Vf: map(l3s.items, (l3) => l3.vfNicCount),
      cluster: map(clusters.items, (c) => c.hostCount),
    };
  }

  it("offerings, images, projects, clusters and L3s count the same as the rows, through inserts, moves, deletes and compaction", async () => {
    expect(await shown()).toEqual(await counted());
    const project = await db.project.findFirstOrThrow({ where: { name: "project-001" } });
    const other = await db.project.findFirstOrThrow({ where: { name: "project-002" } });
    const offering = await db.instanceOffering.findFirstOrThrow();
    const image = await db.image.findFirstOrThrow();
    const bigger = await db.instanceOffering.create({
      data: { name: "read-paths-large", vcpus: 8, memoryMiB: 16384 },
    });
    const [vnicL3, publicL3] = await Promise.all([l3Network("vnic-em2"), l3Network("vnic-public")]);
    const [host, otherCluster] = await Promise.all([
      db.host.findFirstOrThrow({ where: { name: "host-00001" } }),
      db.cluster.findFirstOrThrow({ where: { name: "cluster-0002" } }),
    ]);
    // Several rows in one statement, then moves of single rows, then a cascade.
    await db.vm.createMany({
      data: [1, 2, 3].map((i) => ({
        name: `read-paths-count-${i}`,
        projectId: project.id,
        offeringId: offering.id,
        imageId: image.id,
      })),
    });
    const created = await db.vm.findMany({
      where: { name: { startsWith: "read-paths-count-" } },
      orderBy: { name: "asc" },
    });
    const [moved, renetworked, deleted] = created;
    if (!moved || !renetworked || !deleted) throw new Error("the three VMs were not created");
    await db.vmNic.createMany({
      data: created.map((vm, i) => ({
        vmId: vm.id,
        l3Id: vnicL3.id,
        deviceIndex: 0,
        ip: `12.250.0.${i + 10}`,
        mac: `52:54:00:fe:00:${String(i + 10)}`,
        type: "VNIC" as const,
      })),
    });
    try {
      expect(await shown()).toEqual(await counted());
      await db.vm.update({
        where: { id: moved.id },
        data: { offeringId: bigger.id, projectId: other.id },
      });
      await db.vmNic.updateMany({ where: { vmId: renetworked.id }, data: { l3Id: publicL3.id } });
      await db.host.update({ where: { id: host.id }, data: { clusterId: otherCluster.id } });
      expect(await shown()).toEqual(await counted());
      await db.vm.delete({ where: { id: deleted.id } });
      expect(await shown()).toEqual(await counted());
      expect(await compactRowCounts(db)).toBeGreaterThan(0);
      expect(await shown()).toEqual(await counted());
      const detail = await getProject(db, admin, { projectId: other.id });
      expect(detail.vmCount).toBe((await counted()).project.get(other.id));
      const l3 = await getL3Network(db, admin, { l3Id: publicL3.id });
      expect(l3.nicCount).toBe(await db.vmNic.count({ where: { l3Id: publicL3.id } }));
    } finally {
      await db.host.update({ where: { id: host.id }, data: { clusterId: host.clusterId } });
      await db.vm.deleteMany({ where: { name: { startsWith: "read-paths-count-" } } });
      await db.instanceOffering.delete({ where: { id: bigger.id } });
    }
    expect(await shown()).toEqual(await counted());
  });
});

describe("migration candidates", () => {
  it("judges the zone's other hosts in name order and stops once enough qualify", async () => {
    const vm = await db.vm.findFirstOrThrow({
      where: { state: "Stopped", host: { name: "host-00060" } },
    });
    const result = await migrationCandidates(db, admin, { vmId: vm.id });
    const zoneHosts = await db.host.findMany({
      where: { id: { not: vm.hostId ?? "" } },
      orderBy: { name: "asc" },
      select: { id: true, name: true, connectionState: true },
    });
    // A prefix of the zone's other hosts, every host of it judged, none skipped.
    expect(result.hosts.map((h) => h.hostId)).toEqual(
      zoneHosts.slice(0, result.hosts.length).map((h) => h.id),
    );
    expect(result.hosts.filter((h) => h.reason === null).length).toBeGreaterThanOrEqual(50);
    expect(result.hosts.length).toBeLessThan(zoneHosts.length);
    expect(result.complete).toBe(false);
    // Refusals keep their reasons: the disconnected hosts in the prefix are refused.
    const disconnected = new Set(
      zoneHosts.filter((h) => h.connectionState !== "Connected").map((h) => h.id),
    );
    for (const h of result.hosts) if (disconnected.has(h.hostId)) expect(h.reason).not.toBeNull();
  });
});

describe("tenant lists", () => {
  it("count their projects' rows only, exactly below the cap", async () => {
    const vms = await listVms(db, tenant, { limit: 5 });
    expect(vms).toMatchObject({
      total: await db.vm.count({ where: { projectId: { in: tenant.projectIds } } }),
      totalExact: true,
    });
    const ops = await listOperations(db, tenant, { limit: 5 });
    const opCount = await db.operation.count({ where: { projectId: { in: tenant.projectIds } } });
    expect(opCount).toBeGreaterThan(0);
    expect(ops.total).toBe(Math.min(opCount, 1000));
    const events = await listAuditEvents(db, tenant, { limit: 5 });
    const eventCount = await db.auditEvent.count({
      where: { projectId: { in: tenant.projectIds } },
    });
    expect(events.total).toBe(Math.min(eventCount, 1000));
  });
});

describe("fleet metrics", () => {
  /** The VF rows themselves, grouped the way the metrics report them. */
  async function fromVfRows() {
    const [byState, byPf, byL2] = await Promise.all([
      db.$queryRaw<Array<{ state: VfState; count: number }>>`
        SELECT state, count(*)::int AS count FROM "VirtualFunction" GROUP BY state`,
      db.$queryRaw<Array<{ host: string; pf: string; state: VfState; count: number }>>`
        SELECT h.name AS host, p.name AS pf, v.state, count(*)::int AS count
        FROM "VirtualFunction" v JOIN "PhysicalNic" p ON p.id = v."pfId" JOIN "Host" h ON h.id = p."hostId"
        GROUP BY h.name, p.name, v.state`,
      db.$queryRaw<Array<{ l2: string; state: VfState; count: number }>>`
        SELECT l2.name AS l2, v.state, count(*)::int AS count
        FROM "L2Network" l2
        JOIN "L2ClusterAttachment" a ON a."l2Id" = l2.id
        JOIN "Host" h ON h."clusterId" = a."clusterId"
        JOIN "PhysicalNic" p ON p."hostId" = h.id AND (
          p.name = l2."physicalInterface" OR (
            p."bondName" = l2."physicalInterface" AND NOT EXISTS (
              SELECT 1 FROM "PhysicalNic" d WHERE d."hostId" = h.id AND d.name = l2."physicalInterface")))
        JOIN "VirtualFunction" v ON v."pfId" = p.id
        WHERE l2."sriovEnabled"
        GROUP BY l2.name, v.state`,
    ]);
    const sorted = <T extends { state: string }>(rows: T[], key: (row: T) => string) =>
      rows.map((row) => `${key(row)} ${row.state}`).sort();
    return {
      byState: Object.fromEntries(byState.map((row) => [row.state, row.count])),
      byPf: sorted(
        byPf.map((row) => ({ ...row, key: `${row.host}/${row.pf}` })),
        (row) => `${row.key} ${row.count}`,
      ),
      byL2: sorted(byL2, (row) => `${row.l2} ${row.count}`),
    };
  }

  it("count VFs by state, per PF and per L2 from the rollup, the same as the VF rows", async () => {
    // Differences not folded yet as well as folded ones: move some VFs, and back later.
    await db.$executeRaw`UPDATE "VirtualFunction" vf SET state = 'Reserved'
      FROM "PhysicalNic" pf WHERE pf.id = vf."pfId" AND pf.name = 'em2' AND vf.state = 'Available' AND vf.index < 3`;
    const metrics = await fleetMetrics(db, { perPf: true, lagBuckets: [] });
    const expected = await fromVfRows();
    expect(Object.fromEntries(metrics.vfsByState.map((s) => [s.state, s.count]))).toEqual(
      expected.byState,
    );
    expect(
      metrics.vfsByPf
        .flatMap((pf) => pf.states.map((s) => `${pf.host}/${pf.pf} ${s.count} ${s.state}`))
        .sort(),
    ).toEqual(expected.byPf);
    expect(
      metrics.vfsByL2
        .flatMap((l2) => l2.states.map((s) => `${l2.l2} ${s.count} ${s.state}`))
        .sort(),
    ).toEqual(expected.byL2);
    expect(metrics.vfsByState.find((s) => s.state === "Reserved")?.count).toBeGreaterThan(0);
  });
});
