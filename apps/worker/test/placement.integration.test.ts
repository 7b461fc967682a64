// Issue 10, items 7 and 5: a refused create says what is really missing. The code follows the cause
// (capacity, IOMMU not ready, PF busy with an operation, no such interface, no free VF), and
// details.hosts lists every host with its reason, IOMMU-off hosts included. A stopped VF VM moves
// only to a host where it could start.
import type { RunningAgent } from "@virtfn/agent";
import {
  addHost,
  createL2Network,
  createL3Network,
  createVm,
  deleteVm,
  migrateVm,
  migrationCandidates,
  startVm,
  stopVm,
  type L3View,
} from "@virtfn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "../src/index";
import {
  AGENT_TOKEN,
  createFixture,
  startInProcessWorker,
  waitForOperation,
  type Fixture,
} from "./helpers";
import { addSimHost, pfNamed, startSlowSimAgent, type SimHost } from "./sriov-helpers";
import {
  catalog,
  finish,
  network,
  runningVm,
  split,
  vmFootprint,
  type Catalog,
} from "./vms-helpers";

describe("placement errors name the real cause, host by host", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let cat: Catalog;
  let host: SimHost;
  let clusterB: string;
  /** SR-IOV on em1, split into 2 VFs on kvm-p (cluster-a). */
  let vfL3: L3View;
  /** SR-IOV on p1p1, split into 1 VF on kvm-p. */
  let busyL3: L3View;
  /** SR-IOV on an interface no host has. */
  let nowhereL3: L3View;
  /** SR-IOV on p1p2, never split. */
  let unsplitL3: L3View;
  const agents: RunningAgent[] = [];

  beforeAll(async () => {
    fx = await createFixture("placement");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    host = await addSimHost(fx, agents, "kvm-p", "kvm-i350-82599");
    await split(fx, host, "em1", 2);
    await split(fx, host, "p1p1", 1);
    vfL3 = await network(fx, { name: "vf", iface: "em1", cidr: "10.60.0.0/24", sriov: true });
    busyL3 = await network(fx, { name: "busy", iface: "p1p1", cidr: "10.61.0.0/24", sriov: true });
    nowhereL3 = await network(fx, {
      name: "nowhere",
      iface: "nosuch0",
      cidr: "10.62.0.0/24",
      sriov: true,
    });
    unsplitL3 = await network(fx, {
      name: "unsplit",
      iface: "p1p2",
      cidr: "10.63.0.0/24",
      sriov: true,
    });
    // cluster-b holds one host whose IOMMU is off.
    const b = await fx.db.cluster.findFirstOrThrow({ where: { name: "cluster-b" } });
    clusterB = b.id;
    const agent = await startSlowSimAgent("kvm-no-iommu", 0);
    agents.push(agent);
    const added = await addHost(fx.db, fx.admin, {
      name: "kvm-noiommu",
      clusterId: clusterB,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
      scanIommu: false,
    });
    expect((await waitForOperation(fx.db, fx.admin, added.operation.id)).status).toBe("Succeeded");
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  async function refused(l3Id: string, offeringId = cat.offeringId) {
    const before = await vmFootprint(fx.db);
    const error = await createVm(fx.db, fx.tenant, {
      ...cat,
      offeringId,
      name: `refused-${Math.random().toString(36).slice(2, 8)}`,
      nics: [{ l3Id, sriov: true }],
    }).then(
      () => null,
      (e: unknown) => e as { code: string; message: string; details: Record<string, unknown> },
    );
    expect(await vmFootprint(fx.db)).toEqual(before);
    return error;
  }

  it("a host with free VFs but no CPU answers NO_HOST_AVAILABLE with the CPU reason, not NO_VF_AVAILABLE", async () => {
    const huge = await fx.db.instanceOffering.create({
      data: { name: "huge", vcpus: 100_000, memoryMiB: 1024 },
    });
    const error = await refused(vfL3.id, huge.id);
    expect(error).toMatchObject({
      code: "NO_HOST_AVAILABLE",
      details: { hosts: [{ name: "kvm-p", reason: expect.stringContaining("not enough CPU") }] },
    });
  });

  it("an L3 whose PF is being split answers PF_BUSY", async () => {
    const pf = await pfNamed(fx.db, host.hostId, "p1p1");
    // A pending split that no worker will run: no outbox entry.
    const op = await fx.db.operation.create({
      data: { kind: "pf.split", targetType: "PhysicalNic", targetId: pf.id, targetName: pf.name },
    });
    try {
      const error = await refused(busyL3.id);
      expect(error).toMatchObject({
        code: "PF_BUSY",
        details: {
          l3: busyL3.name,
          hosts: [{ name: "kvm-p", reason: expect.stringContaining("busy") }],
        },
      });
    } finally {
      await fx.db.operation.update({ where: { id: op.id }, data: { status: "Cancelled" } });
    }
  });

  it("an L2 interface no host has answers NO_SUCH_INTERFACE", async () => {
    const error = await refused(nowhereL3.id);
    expect(error).toMatchObject({
      code: "NO_SUCH_INTERFACE",
      details: { hosts: [{ name: "kvm-p", reason: expect.stringContaining("nosuch0") }] },
    });
  });

  it("an unsplit PF answers NO_VF_AVAILABLE naming the L3, with the host's reason", async () => {
    const error = await refused(unsplitL3.id);
    expect(error).toMatchObject({
      code: "NO_VF_AVAILABLE",
      message: `no available VF on L3 ${unsplitL3.name}`,
      details: { hosts: [{ name: "kvm-p", reason: expect.stringContaining("0 free VF") }] },
    });
  });

  it("an L3 whose only host has IOMMU off answers IOMMU_NOT_READY; with another host out of VFs it is NO_VF_AVAILABLE and hostsTried still lists the IOMMU-off host", async () => {
    const zone = await fx.db.zone.findFirstOrThrow({ where: { name: "zone-1" } });
    const onlyB = await createL2Network(fx.db, fx.admin, {
      zoneId: zone.id,
      name: "only-b-l2",
      type: "NoVlan",
      physicalInterface: "em1",
      sriovEnabled: true,
      clusterIds: [clusterB],
    });
    const onlyBL3 = await createL3Network(fx.db, fx.admin, {
      l2Id: onlyB.id,
      name: "only-b-l3",
      category: "Flat",
      sriovEnabled: true,
      ipRanges: [{ cidr: "10.64.0.0/24" }],
    });
    expect(await refused(onlyBL3.id)).toMatchObject({
      code: "IOMMU_NOT_READY",
      details: {
        hostsTried: ["kvm-noiommu"],
        hosts: [{ name: "kvm-noiommu", reason: expect.stringContaining("IOMMU") }],
      },
    });

    const both = await createL2Network(fx.db, fx.admin, {
      zoneId: zone.id,
      name: "both-l2",
      type: "NoVlan",
      physicalInterface: "p1p2",
      sriovEnabled: true,
      clusterIds: [fx.clusterId, clusterB],
    });
    const bothL3 = await createL3Network(fx.db, fx.admin, {
      l2Id: both.id,
      name: "both-l3",
      category: "Flat",
      sriovEnabled: true,
      ipRanges: [{ cidr: "10.65.0.0/24" }],
    });
    const error = await refused(bothL3.id);
    expect(error?.code).toBe("NO_VF_AVAILABLE");
    expect(error?.details.hostsTried).toEqual(expect.arrayContaining(["kvm-p", "kvm-noiommu"]));
    expect(error?.details.hosts).toEqual(
      expect.arrayContaining([
        { name: "kvm-noiommu", reason: expect.stringContaining("IOMMU") },
        { name: "kvm-p", reason: expect.stringContaining("free VF") },
      ]),
    );
  });

  it("a stopped VM with a VF NIC moves only to a host with a free VF for it; candidates give each host's reason; tenants cannot pick", async () => {
    const other = await addSimHost(fx, agents, "kvm-q", "kvm-i350-82599");
    await split(fx, other, "em1", 2);
    const vm = await runningVm(fx, fx.tenant, cat, "mover", [{ l3Id: vfL3.id, sriov: true }]);
    const [src, dst] =
      vm.hostId === host.hostId ? [host.hostId, other.hostId] : [other.hostId, host.hostId];
    const dstName = dst === host.hostId ? "kvm-p" : "kvm-q";
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }));

    // Every VF of the destination's em1 taken: it is not a candidate, and nothing moves.
    const dstVfs = { hostId: dst, pf: { name: "em1" }, state: "Available" as const };
    const taken = await fx.db.virtualFunction.findMany({ where: dstVfs, select: { id: true } });
    await fx.db.virtualFunction.updateMany({ where: dstVfs, data: { state: "Reserved" } });
    const blocked = await migrationCandidates(fx.db, fx.tenant, { vmId: vm.id });
    expect(blocked.canChoose).toBe(false);
    expect(blocked.hosts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: dstName, reason: expect.stringContaining("free VF") }),
        expect.objectContaining({ name: "kvm-noiommu", reason: expect.any(String) }),
      ]),
    );
    await expect(migrateVm(fx.db, fx.tenant, { vmId: vm.id })).rejects.toMatchObject({
      code: "NO_MIGRATION_TARGET",
    });
    await expect(
      migrateVm(fx.db, fx.tenant, { vmId: vm.id, targetHostId: dst }),
    ).rejects.toMatchObject({ code: "ADMIN_ONLY" });
    expect(await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } })).toMatchObject({
      hostId: src,
      state: "Stopped",
    });

    // VFs free again: the destination qualifies, the scheduler picks it, and the VM starts there.
    await fx.db.virtualFunction.updateMany({
      where: { id: { in: taken.map((vf) => vf.id) } },
      data: { state: "Available" },
    });
    const open = await migrationCandidates(fx.db, fx.admin, { vmId: vm.id });
    expect(open.canChoose).toBe(true);
    expect(open.hosts.find((h) => h.name === dstName)?.reason).toBeNull();
    const moved = await finish(fx, migrateVm(fx.db, fx.tenant, { vmId: vm.id }));
    expect(moved.status, `${moved.errorCode} ${moved.errorMessage}`).toBe("Succeeded");
    expect(await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } })).toMatchObject({
      hostId: dst,
      state: "Stopped",
    });
    const started = await finish(fx, startVm(fx.db, fx.tenant, { vmId: vm.id }));
    expect(started.status, `${started.errorCode} ${started.errorMessage}`).toBe("Succeeded");
    await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
  });
});
