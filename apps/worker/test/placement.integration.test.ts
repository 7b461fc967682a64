// Issue 10, item 7: a refused create says what is really missing. The code follows the cause
// (capacity, IOMMU not ready, PF busy with an operation, no such interface, no free VF), and
// details.hosts lists every host with its reason, IOMMU-off hosts included.
import type { RunningAgent } from "@virtfn/agent";
import { addHost, createL2Network, createL3Network, createVm, type L3View } from "@virtfn/core";
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
import { catalog, network, split, vmFootprint, type Catalog } from "./vms-helpers";

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
});
