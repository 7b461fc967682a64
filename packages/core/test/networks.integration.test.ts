import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addIpRange,
  attachL2Cluster,
  createL2Network,
  createL3Network,
  createVxlanPool,
  deleteIpRange,
  deleteL2Network,
  deleteL3Network,
  detachL2Cluster,
  getL3Network,
  listL2Networks,
  listL3Networks,
  listVxlanPools,
  sriovOverview,
  updateL2Network,
  updateL3Network,
  vfAvailability,
  type VxlanPoolView,
} from "@virtfn/core";
import {
  createCoreFixture,
  insertHost,
  insertVmNic,
  networkFootprint,
  type CoreFixture,
} from "./fixtures";

describe("L2/L3 networks and their SR-IOV rules", () => {
  let fx: CoreFixture;
  let pool: VxlanPoolView;

  beforeAll(async () => {
    fx = await createCoreFixture("networks");
    pool = await createVxlanPool(fx.db, fx.admin, {
      zoneId: fx.zoneId,
      name: "vx-pool",
      vniStart: 1000,
      vniEnd: 1999,
    });
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  const l2 = (name: string, extra: Record<string, unknown> = {}) =>
    createL2Network(fx.db, fx.admin, {
      zoneId: fx.zoneId,
      name,
      type: "NoVlan",
      physicalInterface: "em1",
      clusterIds: [fx.clusterA],
      ...extra,
    });

  it("creates NoVlan, Vlan and Vxlan L2s with cluster attachments, lists them and attaches/detaches clusters", async () => {
    const flat = await l2("l2-flat", { sriovEnabled: true });
    expect(flat).toMatchObject({
      type: "NoVlan",
      sriovEnabled: true,
      clusters: [{ id: fx.clusterA, name: "cluster-a" }],
    });
    const vlan = await l2("l2-vlan100", { type: "Vlan", vlanId: 100 });
    expect(vlan).toMatchObject({
      vlanId: 100,
      sriovEnabled: false,
      l3SriovToggle: { allowed: false },
    });
    const vx = await l2("l2-vx", { type: "Vxlan", vxlanPoolId: pool.id, vni: 1001 });
    expect(vx).toMatchObject({ vni: 1001, vxlanPoolName: "vx-pool" });
    expect((await listVxlanPools(fx.db, fx.admin, { zoneId: fx.zoneId }))[0]?.usedVnis).toEqual([
      1001,
    ]);

    const attached = await attachL2Cluster(fx.db, fx.admin, {
      l2Id: vlan.id,
      clusterId: fx.clusterB,
    });
    expect(attached.clusters.map((c) => c.name)).toEqual(["cluster-a", "cluster-b"]);
    const detached = await detachL2Cluster(fx.db, fx.admin, {
      l2Id: vlan.id,
      clusterId: fx.clusterA,
    });
    expect(detached.clusters.map((c) => c.name)).toEqual(["cluster-b"]);

    const page = await listL2Networks(fx.db, fx.admin, { search: "l2-", sriovEnabled: true });
    expect(page.items.map((item) => item.name)).toEqual(["l2-flat"]);
    await expect(listL2Networks(fx.db, fx.tenant, {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("VXLAN: the VNI must be in the pool's range and unique per pool; each refusal changes nothing", async () => {
    const before = await networkFootprint(fx.db);
    await expect(
      l2("vx-out", { type: "Vxlan", vxlanPoolId: pool.id, vni: 5000 }),
    ).rejects.toMatchObject({
      code: "VNI_OUT_OF_RANGE",
      details: { min: 1000, max: 1999 },
    });
    await expect(
      l2("vx-dup", { type: "Vxlan", vxlanPoolId: pool.id, vni: 1001 }),
    ).rejects.toMatchObject({ code: "VNI_IN_USE" });
    await expect(
      createVxlanPool(fx.db, fx.admin, {
        zoneId: fx.zoneId,
        name: "bad-pool",
        vniStart: 50,
        vniEnd: 10,
      }),
    ).rejects.toMatchObject({ name: "ZodError" });
    expect(await networkFootprint(fx.db)).toEqual(before);
  });

  it("R1: refuses SR-IOV on a VXLAN L2 at create and at update, and on an L3 of it", async () => {
    const before = await networkFootprint(fx.db);
    await expect(
      l2("vx-sriov", { type: "Vxlan", vxlanPoolId: pool.id, vni: 1500, sriovEnabled: true }),
    ).rejects.toMatchObject({
      code: "SRIOV_NOT_ALLOWED_ON_VXLAN",
      kind: "BAD_REQUEST",
    });
    expect(await networkFootprint(fx.db)).toEqual(before);

    const vx = await l2("vx-plain", { type: "Vxlan", vxlanPoolId: pool.id, vni: 1501 });
    const afterCreate = await networkFootprint(fx.db);
    await expect(
      updateL2Network(fx.db, fx.admin, { l2Id: vx.id, sriovEnabled: true }),
    ).rejects.toMatchObject({
      code: "SRIOV_NOT_ALLOWED_ON_VXLAN",
    });
    await expect(
      createL3Network(fx.db, fx.admin, {
        l2Id: vx.id,
        name: "vx-l3",
        category: "Vpc",
        sriovEnabled: true,
      }),
    ).rejects.toMatchObject({ code: "SRIOV_NOT_ALLOWED_ON_VXLAN" });
    expect(await networkFootprint(fx.db)).toEqual(afterCreate);
  });

  it("R2: an L3 enables SR-IOV only if its L2 has; the L2 keeps SR-IOV while an L3 has it on or VF NICs exist on it", async () => {
    const plain = await l2("r2-plain");
    const before = await networkFootprint(fx.db);
    await expect(
      createL3Network(fx.db, fx.admin, {
        l2Id: plain.id,
        name: "r2-l3",
        category: "Flat",
        sriovEnabled: true,
      }),
    ).rejects.toMatchObject({ code: "L2_SRIOV_DISABLED" });
    expect(await networkFootprint(fx.db)).toEqual(before);
    const offL3 = await createL3Network(fx.db, fx.admin, {
      l2Id: plain.id,
      name: "r2-off",
      category: "Flat",
    });
    await expect(
      updateL3Network(fx.db, fx.admin, { l3Id: offL3.id, sriovEnabled: true }),
    ).rejects.toMatchObject({
      code: "L2_SRIOV_DISABLED",
    });

    const sriov = await l2("r2-sriov", { sriovEnabled: true });
    const onL3 = await createL3Network(fx.db, fx.admin, {
      l2Id: sriov.id,
      name: "r2-on",
      category: "VRouter",
      sriovEnabled: true,
    });
    const withL3 = await networkFootprint(fx.db);
    await expect(
      updateL2Network(fx.db, fx.admin, { l2Id: sriov.id, sriovEnabled: false }),
    ).rejects.toMatchObject({
      code: "SRIOV_IN_USE",
      details: { sriovL3s: ["r2-on"], vfNics: 0 },
    });
    expect(await networkFootprint(fx.db)).toEqual(withL3);

    // With the L3's flag off, a VF NIC on the L2 still keeps the L2's SR-IOV on.
    const { nic } = await insertVmNic(fx.db, { l3Id: onL3.id, ip: "10.20.0.5", type: "VF" });
    await expect(
      updateL3Network(fx.db, fx.admin, { l3Id: onL3.id, sriovEnabled: false }),
    ).rejects.toMatchObject({
      code: "SRIOV_IN_USE",
    });
    await fx.db.l3Network.update({ where: { id: onL3.id }, data: { sriovEnabled: false } });
    await expect(
      updateL2Network(fx.db, fx.admin, { l2Id: sriov.id, sriovEnabled: false }),
    ).rejects.toMatchObject({
      code: "SRIOV_IN_USE",
      details: { sriovL3s: [], vfNics: 1 },
    });
    await fx.db.vmNic.delete({ where: { id: nic.id } });
    const off = await updateL2Network(fx.db, fx.admin, { l2Id: sriov.id, sriovEnabled: false });
    expect(off.sriovEnabled).toBe(false);
    expect(
      await fx.db.auditEvent.count({ where: { action: "l2.update", targetId: sriov.id } }),
    ).toBe(1);
  });

  it("each L3 view shows its L2's SR-IOV state; IP ranges as CIDR or start–end", async () => {
    const sriov = await l2("l3-view", { sriovEnabled: true });
    const l3 = await createL3Network(fx.db, fx.admin, {
      l2Id: sriov.id,
      name: "web",
      category: "Public",
      sriovEnabled: true,
      dns: ["8.8.8.8", "1.1.1.1"],
      ipRanges: [{ cidr: "10.30.0.0/25" }, { startIp: "10.30.0.200", endIp: "10.30.0.250" }],
      prefixLength: 24,
    });
    expect(l3).toMatchObject({
      l2: { id: sriov.id, sriovEnabled: true, type: "NoVlan" },
      sriovToggle: { allowed: true },
      gateway: "10.30.0.1",
      prefixLength: 24,
      dns: ["8.8.8.8", "1.1.1.1"],
    });
    expect(l3.ipRanges.map((r) => [r.startIp, r.endIp, r.size])).toEqual([
      ["10.30.0.2", "10.30.0.126", 125],
      ["10.30.0.200", "10.30.0.250", 51],
    ]);
    const withRange = await addIpRange(fx.db, fx.admin, {
      l3Id: l3.id,
      range: { startIp: "10.30.0.150", endIp: "10.30.0.160" },
    });
    expect(withRange.ipRanges).toHaveLength(3);
    const added = withRange.ipRanges.find((r) => r.startIp === "10.30.0.150");
    if (!added) throw new Error("range not added");
    expect((await deleteIpRange(fx.db, fx.admin, { ipRangeId: added.id })).ipRanges).toHaveLength(
      2,
    );
    expect((await getL3Network(fx.db, fx.tenant, { l3Id: l3.id })).l2.sriovEnabled).toBe(true);
    expect(
      (await listL3Networks(fx.db, fx.tenant, { l2Id: sriov.id })).items.map((i) => i.name),
    ).toEqual(["web"]);
  });

  it("refuses bad addressing with a clear error and changes nothing: bad CIDR, start > end, gateway outside, overlap within the L2", async () => {
    const net = await l2("addr", { sriovEnabled: true });
    await createL3Network(fx.db, fx.admin, {
      l2Id: net.id,
      name: "first",
      category: "Flat",
      ipRanges: [{ cidr: "10.40.0.0/24" }],
    });
    const before = await networkFootprint(fx.db);
    const create = (extra: Record<string, unknown>) =>
      createL3Network(fx.db, fx.admin, {
        l2Id: net.id,
        name: "second",
        category: "Flat",
        ...extra,
      });

    const badCidr = create({ ipRanges: [{ cidr: "10.41.0.5/24" }] });
    await expect(badCidr).rejects.toMatchObject({ name: "ZodError" });
    await badCidr.catch((error: { issues: Array<{ path: unknown[]; message: string }> }) => {
      expect(error.issues[0]).toMatchObject({
        path: ["ipRanges", 0, "cidr"],
        message: expect.stringContaining("did you mean 10.41.0.0/24"),
      });
    });
    await expect(create({ ipRanges: [{ cidr: "10.41.0.0/33" }] })).rejects.toMatchObject({
      name: "ZodError",
    });
    const backwards = create({
      prefixLength: 24,
      ipRanges: [{ startIp: "10.41.0.50", endIp: "10.41.0.10" }],
    });
    await expect(backwards).rejects.toMatchObject({
      name: "ZodError",
      message: expect.stringContaining("before it starts"),
    });
    await expect(
      create({ gateway: "10.42.0.1", ipRanges: [{ cidr: "10.41.0.0/24" }] }),
    ).rejects.toMatchObject({
      code: "GATEWAY_OUTSIDE_SUBNET",
    });
    await expect(
      create({ prefixLength: 24, ipRanges: [{ startIp: "10.40.0.100", endIp: "10.40.0.120" }] }),
    ).rejects.toMatchObject({
      code: "IP_RANGE_OVERLAP",
      details: { with: "L3 first" },
    });
    await expect(create({ name: "first" })).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    expect(await networkFootprint(fx.db)).toEqual(before);
  });

  it("refuses a VLAN id outside 1–4094 with a field error and changes nothing", async () => {
    const before = await networkFootprint(fx.db);
    for (const vlanId of [0, 4095, -1]) {
      const attempt = l2(`vlan-${vlanId}`, { type: "Vlan", vlanId });
      await expect(attempt).rejects.toMatchObject({
        name: "ZodError",
        message: expect.stringContaining("VLAN ids are 1 to 4094"),
      });
    }
    await expect(l2("vlan-missing", { type: "Vlan" })).rejects.toMatchObject({ name: "ZodError" });
    expect(await networkFootprint(fx.db)).toEqual(before);
  });

  it("R16: an L2 with L3s cannot be deleted, nor an L3 with NICs; once empty they can", async () => {
    const net = await l2("r16");
    const l3 = await createL3Network(fx.db, fx.admin, {
      l2Id: net.id,
      name: "r16-l3",
      category: "Flat",
      ipRanges: [{ cidr: "10.50.0.0/24" }],
    });
    const { vm } = await insertVmNic(fx.db, {
      l3Id: l3.id,
      ip: "10.50.0.9",
      type: "VNIC",
      clusterId: fx.clusterA,
    });
    const before = await networkFootprint(fx.db);
    await expect(deleteL2Network(fx.db, fx.admin, { l2Id: net.id })).rejects.toMatchObject({
      code: "NETWORK_IN_USE",
      details: { l3s: ["r16-l3"] },
    });
    await expect(deleteL3Network(fx.db, fx.admin, { l3Id: l3.id })).rejects.toMatchObject({
      code: "NETWORK_IN_USE",
      details: { nics: 1 },
    });
    await expect(
      detachL2Cluster(fx.db, fx.admin, { l2Id: net.id, clusterId: fx.clusterA }),
    ).rejects.toMatchObject({
      code: "NETWORK_IN_USE",
    });
    const range = l3.ipRanges[0];
    if (!range) throw new Error("no range");
    await expect(deleteIpRange(fx.db, fx.admin, { ipRangeId: range.id })).rejects.toMatchObject({
      code: "NETWORK_IN_USE",
    });
    expect(await networkFootprint(fx.db)).toEqual(before);

    await fx.db.vm.delete({ where: { id: vm.id } });
    await deleteL3Network(fx.db, fx.admin, { l3Id: l3.id });
    await deleteL2Network(fx.db, fx.admin, { l2Id: net.id });
    expect(await fx.db.l2Network.count({ where: { id: net.id } })).toBe(0);
    expect(
      await fx.db.auditEvent.count({
        where: { action: { in: ["l3.delete", "l2.delete"] }, targetId: { in: [l3.id, net.id] } },
      }),
    ).toBe(2);
  });

  it("R15: a tenant cannot create or change L2s, L3s, SR-IOV flags or VXLAN pools, and nothing changes", async () => {
    const net = await l2("r15", { sriovEnabled: true });
    const l3 = await createL3Network(fx.db, fx.admin, {
      l2Id: net.id,
      name: "r15-l3",
      category: "Flat",
    });
    const before = await networkFootprint(fx.db);
    const refusals = [
      createL2Network(fx.db, fx.tenant, {
        zoneId: fx.zoneId,
        name: "t",
        type: "NoVlan",
        physicalInterface: "em1",
      }),
      updateL2Network(fx.db, fx.tenant, { l2Id: net.id, sriovEnabled: false }),
      deleteL2Network(fx.db, fx.tenant, { l2Id: net.id }),
      attachL2Cluster(fx.db, fx.tenant, { l2Id: net.id, clusterId: fx.clusterB }),
      createL3Network(fx.db, fx.tenant, { l2Id: net.id, name: "t", category: "Flat" }),
      updateL3Network(fx.db, fx.tenant, { l3Id: l3.id, sriovEnabled: true }),
      deleteL3Network(fx.db, fx.tenant, { l3Id: l3.id }),
      addIpRange(fx.db, fx.tenant, { l3Id: l3.id, range: { cidr: "10.60.0.0/24" } }),
      createVxlanPool(fx.db, fx.tenant, { zoneId: fx.zoneId, name: "t", vniStart: 1, vniEnd: 2 }),
    ];
    for (const refusal of refusals)
      await expect(refusal).rejects.toMatchObject({ code: "ADMIN_ONLY", kind: "FORBIDDEN" });
    expect(await networkFootprint(fx.db)).toEqual(before);
  });

  it("R3: VF availability per host names why a host offers no VFs, resolving bonds to their slaves", async () => {
    const net = await l2("avail", { sriovEnabled: true, physicalInterface: "bond0" });
    const l3 = await createL3Network(fx.db, fx.admin, {
      l2Id: net.id,
      name: "avail-l3",
      category: "Flat",
      sriovEnabled: true,
    });
    const bondSlaves = ["p2p1", "p2p2"];
    await insertHost(fx.db, {
      name: "h-ok",
      clusterId: fx.clusterA,
      pfs: [
        { name: "p2p1", totalVfs: 8, vfs: 4, inUse: 1, bondName: "bond0", bondSlaves },
        { name: "p2p2", totalVfs: 8, bondName: "bond0", bondSlaves },
      ],
    });
    await insertHost(fx.db, {
      name: "h-nosplit",
      clusterId: fx.clusterA,
      pfs: [{ name: "p2p1", totalVfs: 8, bondName: "bond0", bondSlaves }],
    });
    await insertHost(fx.db, {
      name: "h-full",
      clusterId: fx.clusterA,
      pfs: [{ name: "bond0", totalVfs: 8, vfs: 2, inUse: 2 }],
    });
    await insertHost(fx.db, {
      name: "h-noif",
      clusterId: fx.clusterA,
      pfs: [{ name: "em1", totalVfs: 8, vfs: 2 }],
    });
    await insertHost(fx.db, { name: "h-down", clusterId: fx.clusterA, connected: false, pfs: [] });
    await insertHost(fx.db, {
      name: "h-noiommu",
      clusterId: fx.clusterA,
      iommuActive: false,
      pfs: [{ name: "bond0", totalVfs: 8 }],
    });
    await insertHost(fx.db, {
      name: "h-otherclu",
      clusterId: fx.clusterB,
      pfs: [{ name: "bond0", totalVfs: 8, vfs: 2 }],
    });

    const result = await vfAvailability(fx.db, fx.admin, { l3Id: l3.id });
    const byHost = new Map(result.hosts.map((h) => [h.hostName, h]));
    expect(byHost.get("h-ok")).toMatchObject({
      available: 3,
      total: 4,
      reason: null,
      interfaces: ["p2p1", "p2p2"],
    });
    expect(byHost.get("h-nosplit")).toMatchObject({
      reason: "INTERFACE_NOT_SPLIT",
      message:
        "SR-IOV enabled, no VFs on host h-nosplit: none of the slaves of bond bond0 (p2p1) is split",
    });
    expect(byHost.get("h-full")?.reason).toBe("ALL_VFS_IN_USE");
    expect(byHost.get("h-noif")?.reason).toBe("INTERFACE_NOT_FOUND");
    expect(byHost.get("h-down")?.reason).toBe("HOST_DISCONNECTED");
    expect(byHost.get("h-noiommu")?.reason).toBe("IOMMU_NOT_READY");
    expect(byHost.get("h-otherclu")?.reason).toBe("CLUSTER_NOT_ATTACHED");
    expect(result.hosts.at(-1)?.hostName).toBe("h-otherclu");
    expect(result).toMatchObject({ available: 3, sriovEnabled: true });

    await updateL3Network(fx.db, fx.admin, { l3Id: l3.id, sriovEnabled: false });
    const disabled = await vfAvailability(fx.db, fx.admin, { l3Id: l3.id });
    expect(disabled.hosts.every((h) => h.reason === "SRIOV_DISABLED" && h.available === 0)).toBe(
      true,
    );

    const overview = await sriovOverview(fx.db, fx.admin, { zoneId: fx.zoneId });
    const okP2p1 = overview.pfs.find((pf) => pf.hostName === "h-ok" && pf.name === "p2p1");
    expect(okP2p1).toMatchObject({ numVfs: 4, vfs: { Available: 3, Attached: 1 } });
    expect(okP2p1?.warnings[0]).toMatch(/slave of bond0/);

    // A link-down PF gets one warning, the whole sentence (not its characters, one per entry).
    await fx.db.physicalNic.updateMany({
      where: { host: { name: "h-ok" }, name: "p2p1" },
      data: { linkUp: false },
    });
    const linkDown = await sriovOverview(fx.db, fx.admin, { zoneId: fx.zoneId });
    const downP2p1 = linkDown.pfs.find((pf) => pf.hostName === "h-ok" && pf.name === "p2p1");
    expect(downP2p1?.warnings).toEqual([
      expect.stringMatching(/slave of bond0/),
      expect.stringMatching(/^Link down on p2p1 \(h-ok\)/),
    ]);
    await fx.db.physicalNic.updateMany({
      where: { host: { name: "h-ok" }, name: "p2p1" },
      data: { linkUp: true },
    });
    expect(overview.l2s.find((row) => row.l2Id === net.id)).toMatchObject({
      vfTotal: 6,
      vfAvailable: 3,
    });
  });
});
