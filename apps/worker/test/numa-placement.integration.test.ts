// Issue 16, NUMA-aware placement through createVm on a sim host with two NUMA nodes
// (kvm-i350-82599: em1/em2 on node 0, p1p1/p1p2 on node 1, 20 CPUs and 96 GiB per node).
// required: every VF and the VM's vCPUs and memory on one node, or a refusal that says per node
// what is missing; preferred: one node when a node fits, else anywhere; none: as before.
import type { RunningAgent } from "@virtfn/agent";
import {
  createOffering,
  createVm,
  listOfferings,
  placementHosts,
  reserveOnHost,
  type L3View,
} from "@virtfn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { addSimHost, type SimHost } from "./sriov-helpers";
import { catalog, network, split, vmFootprint, type Catalog } from "./vms-helpers";

describe("NUMA-aware placement of VF NICs", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let cat: Catalog;
  let host: SimHost;
  /** SR-IOV on em1 (node 0), 4 VFs. */
  let near: L3View;
  /** SR-IOV on p1p1 (node 1), 4 VFs. */
  let far: L3View;
  const agents: RunningAgent[] = [];
  const offerings = new Map<string, string>();

  async function offering(
    vfNumaPolicy: "none" | "preferred" | "required",
    vcpus: number,
  ): Promise<string> {
    const name = `${vfNumaPolicy}-${vcpus}`;
    const known = offerings.get(name);
    if (known) return known;
    const row = await fx.db.instanceOffering.create({
      data: { name, vcpus, memoryMiB: 1024, vfNumaPolicy },
    });
    offerings.set(name, row.id);
    return row.id;
  }

  async function create(offeringId: string, l3s: L3View[]) {
    const { vm, operation } = await createVm(fx.db, fx.tenant, {
      ...cat,
      offeringId,
      name: `vm-${Math.random().toString(36).slice(2, 8)}`,
      nics: l3s.map((l3) => ({ l3Id: l3.id, sriov: true })),
    });
    // Settled, so that a later refusal's footprint check does not see this VM's VFs attach.
    expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
    const row = await fx.db.vm.findUniqueOrThrow({
      where: { id: vm.id },
      select: {
        numaNode: true,
        nics: { select: { vf: { select: { pf: { select: { name: true, numaNode: true } } } } } },
      },
    });
    return { numaNode: row.numaNode, pfs: row.nics.map((nic) => nic.vf?.pf.name).sort() };
  }

  async function refused(offeringId: string, l3s: L3View[]) {
    const before = await vmFootprint(fx.db);
    const error = await create(offeringId, l3s).then(
      () => null,
      (e: unknown) => e as { code: string; message: string; details: Record<string, unknown> },
    );
    expect(await vmFootprint(fx.db)).toEqual(before);
    return error;
  }

  beforeAll(async () => {
    fx = await createFixture("numa");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    host = await addSimHost(fx, agents, "kvm-n", "kvm-i350-82599");
    await split(fx, host, "em1", 4);
    await split(fx, host, "p1p1", 4);
    near = await network(fx, { name: "near", iface: "em1", cidr: "10.70.0.0/24", sriov: true });
    far = await network(fx, { name: "far", iface: "p1p1", cidr: "10.71.0.0/24", sriov: true });
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("records each PF's NUMA node and the host's nodes from the agent", async () => {
    const pfs = await fx.db.physicalNic.findMany({
      where: { hostId: host.hostId },
      select: { name: true, numaNode: true },
      orderBy: { name: "asc" },
    });
    expect(pfs).toEqual([
      { name: "em1", numaNode: 0 },
      { name: "em2", numaNode: 0 },
      { name: "p1p1", numaNode: 1 },
      { name: "p1p2", numaNode: 1 },
    ]);
    const row = await fx.db.host.findUniqueOrThrow({ where: { id: host.hostId } });
    expect(row.numaTopology).toEqual([
      { id: 0, cpuList: "0-19", cpuCount: 20, memoryMiB: 98304 },
      { id: 1, cpuList: "20-39", cpuCount: 20, memoryMiB: 98304 },
    ]);
  });

  it("an offering carries its VF NUMA policy, none unless the admin says otherwise", async () => {
    await createOffering(fx.db, fx.admin, {
      name: "pinned",
      vcpus: 2,
      memoryMiB: 2048,
      vfNumaPolicy: "required",
    });
    await createOffering(fx.db, fx.admin, { name: "plain", vcpus: 2, memoryMiB: 2048 });
    const listed = await listOfferings(fx.db, fx.admin);
    expect(listed.find((o) => o.name === "pinned")?.vfNumaPolicy).toBe("required");
    expect(listed.find((o) => o.name === "plain")?.vfNumaPolicy).toBe("none");
  });

  it("required: the VM goes on the node of its VF, and its vCPUs count against that node", async () => {
    expect(await create(await offering("required", 16), [near])).toEqual({
      numaNode: 0,
      pfs: ["em1"],
    });
    // Node 0 has 4 vCPUs left of 20 while the host has 24 free: a required VM of 8 is refused,
    // saying what each node lacks.
    const error = await refused(await offering("required", 8), [near]);
    expect(error).toMatchObject({
      code: "NO_NUMA_NODE_AVAILABLE",
      details: {
        l3: "near-l3",
        hosts: [
          {
            name: "kvm-n",
            reason:
              "no NUMA node with 1 free VF(s) for L3 near-l3 and 8 vCPUs, 1024 MiB free: " +
              "node0 has 4 vCPUs free; node1 has 0 free VF(s) for L3 near-l3",
          },
        ],
      },
    });
    // The same VM without the policy fits the host as a whole.
    expect(await create(await offering("none", 8), [near])).toEqual({
      numaNode: null,
      pfs: ["em1"],
    });
  });

  it("required: VFs on two nodes are refused; preferred places them anywhere, without a node", async () => {
    const error = await refused(await offering("required", 1), [near, far]);
    expect(error?.code).toBe("NO_NUMA_NODE_AVAILABLE");
    expect(error?.message).toContain(
      "node0 has 0 free VF(s) for L3 far-l3; node1 has 0 free VF(s) for L3 near-l3",
    );
    expect(await create(await offering("preferred", 1), [near, far])).toEqual({
      numaNode: null,
      pfs: ["em1", "p1p1"],
    });
  });

  it("preferred: one node when one fits (the node of the VF, with vCPUs free)", async () => {
    expect(await create(await offering("preferred", 2), [far])).toEqual({
      numaNode: 1,
      pfs: ["p1p1"],
    });
    // Node 0's 4 free vCPUs do not hold 8: preferred still places it, unbound.
    expect(await create(await offering("preferred", 8), [near])).toEqual({
      numaNode: null,
      pfs: ["em1"],
    });
  });

  it("the locked re-check refuses a node that filled since the snapshot, and reserves nothing", async () => {
    const [stale] = await placementHosts(fx.db, { hostIds: [host.hostId] });
    if (!stale) throw new Error("no snapshot of kvm-n");
    // Node 1 had 97280 MiB free (one VM of 1 GiB bound to it): this required VM takes them all.
    const filler = await fx.db.instanceOffering.create({
      data: { name: "node-filler", vcpus: 1, memoryMiB: 97280, vfNumaPolicy: "required" },
    });
    expect(await create(filler.id, [far])).toEqual({ numaNode: 1, pfs: ["p1p1"] });
    const { l2Id } = await fx.db.l3Network.findUniqueOrThrow({ where: { id: far.id } });
    const network = {
      l2Id,
      l3Name: far.name,
      physicalInterface: "p1p1",
      clusterIds: new Set([fx.clusterId]),
      vfs: 1,
    };
    const demand = {
      vcpus: 1,
      memoryMiB: 1024,
      networks: [network],
      numaPolicy: "required" as const,
    };
    const before = await vmFootprint(fx.db);
    const attempt = await reserveOnHost(fx.db, stale, demand, [{ index: 0, network }], 1);
    expect(attempt).toMatchObject({
      ok: false,
      refusal: {
        kind: "numa",
        reason: "node1 no longer has 1 vCPUs and 1024 MiB free (17 vCPUs, 0 MiB)",
      },
    });
    expect(await vmFootprint(fx.db)).toEqual(before);
    // The same reservation without the node still finds the host's free VF.
    const anywhere = await reserveOnHost(fx.db, stale, { ...demand, numaPolicy: "none" }, [
      { index: 0, network },
    ]);
    expect(anywhere.ok).toBe(true);
  });
});
