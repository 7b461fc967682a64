// Issue 16, the NUMA gaps: the offering's VF NUMA policy on start and on moving a stopped VM, as
// on create. Sim hosts kvm-i350-82599: em1 on node 0, p1p1 on node 1, 20 CPUs per node.
import type { RunningAgent } from "@virtfn/agent";
import {
  createVm,
  migrateVm,
  migrationCandidates,
  startVm,
  stopVm,
  type L3View,
} from "@virtfn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { addSimHost, type SimHost } from "./sriov-helpers";
import { catalog, network, split, vmFootprint, type Catalog } from "./vms-helpers";

type Policy = "none" | "preferred" | "required";

describe("VF NUMA policy on start and on moving a stopped VM", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let cat: Catalog;
  let first: SimHost;
  let second: SimHost;
  /** SR-IOV on em1 (node 0). */
  let near: L3View;
  const agents: RunningAgent[] = [];

  async function offering(policy: Policy, vcpus: number): Promise<string> {
    const name = `${policy}-${vcpus}`;
    const found = await fx.db.instanceOffering.findFirst({ where: { name } });
    if (found) return found.id;
    const row = await fx.db.instanceOffering.create({
      data: { name, vcpus, memoryMiB: 1024, vfNumaPolicy: policy },
    });
    return row.id;
  }

  async function created(policy: Policy, vcpus: number): Promise<string> {
    const { vm, operation } = await createVm(fx.db, fx.tenant, {
      ...cat,
      offeringId: await offering(policy, vcpus),
      name: `${policy}-${Math.random().toString(36).slice(2, 8)}`,
      nics: [{ l3Id: near.id, sriov: true }],
    });
    expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
    return vm.id;
  }

  async function stopped(vmId: string) {
    const { operation } = await stopVm(fx.db, fx.tenant, { vmId });
    expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
  }

  async function started(vmId: string) {
    const { operation } = await startVm(fx.db, fx.tenant, { vmId });
    expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
    const row = await fx.db.vm.findUniqueOrThrow({
      where: { id: vmId },
      select: {
        state: true,
        numaNode: true,
        nics: { select: { vf: { select: { pf: { select: { name: true } } } } } },
      },
    });
    return { state: row.state, numaNode: row.numaNode, pfs: row.nics.map((n) => n.vf?.pf.name) };
  }

  beforeAll(async () => {
    fx = await createFixture("numastart");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    first = await addSimHost(fx, agents, "kvm-s1", "kvm-i350-82599");
    await split(fx, first, "em1", 4);
    near = await network(fx, { name: "near", iface: "em1", cidr: "10.72.0.0/24", sriov: true });
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("required: a start that no node can hold is refused per host, and the VM stays stopped", async () => {
    const a = await created("required", 16);
    await stopped(a);
    // Node 0 now holds a required VM of 8 vCPUs: 12 free, and node 1 has no VF of em1.
    const b = await created("required", 8);
    const before = await vmFootprint(fx.db);
    const error = await startVm(fx.db, fx.tenant, { vmId: a }).catch(
      (e: unknown) => e as { code: string; message: string; details: Record<string, unknown> },
    );
    expect(error).toMatchObject({
      code: "NO_NUMA_NODE_AVAILABLE",
      details: {
        policy: "required",
        hosts: [
          {
            name: "kvm-s1",
            reason:
              "no NUMA node with 1 free VF(s) for L3 near-l3 and 16 vCPUs, 1024 MiB free: " +
              "node0 has 12 vCPUs free; node1 has 0 free VF(s) for L3 near-l3",
          },
        ],
      },
    });
    expect(await vmFootprint(fx.db)).toEqual(before);
    // With B stopped, node 0 has room again: A starts there and records it.
    await stopped(b);
    expect(await started(a)).toEqual({ state: "Running", numaNode: 0, pfs: ["em1"] });
    await stopped(a);
  });

  it("preferred: a start binds to a node that fits, else starts unbound; none never binds", async () => {
    const p = await created("preferred", 16);
    expect((await fx.db.vm.findUniqueOrThrow({ where: { id: p } })).numaNode).toBe(0);
    await stopped(p);
    const blocker = await created("required", 8);
    // Node 0 has 12 vCPUs free: preferred starts anyway, on the host as a whole.
    expect(await started(p)).toEqual({ state: "Running", numaNode: null, pfs: ["em1"] });
    await stopped(blocker);
    await stopped(p);
    expect(await started(p)).toEqual({ state: "Running", numaNode: 0, pfs: ["em1"] });
    await stopped(p);
    const n = await created("none", 2);
    await stopped(n);
    expect(await started(n)).toEqual({ state: "Running", numaNode: null, pfs: ["em1"] });
    await stopped(n);
  });

  it("moving a stopped VM: required goes only where one node holds it, with the per-host reason", async () => {
    // Created while kvm-s1 is the only host, so that they all start out there.
    const pinned = await created("required", 4);
    const loose = await created("none", 4);
    const fits = await created("preferred", 4);
    for (const vm of [pinned, loose, fits]) await stopped(vm);
    second = await addSimHost(fx, agents, "kvm-s2", "kvm-i350-82599");
    await split(fx, second, "em1", 4);
    // Fill node 0 of the second host: a VM bound to it that occupies all 20 of its CPUs.
    await fx.db.vm.create({
      data: {
        name: "node0-filler",
        projectId: cat.projectId,
        offeringId: await offering("required", 20),
        imageId: cat.imageId,
        state: "Running",
        desiredState: "Running",
        hostId: second.hostId,
        clusterId: fx.clusterId,
        numaNode: 0,
      },
    });
    const reasons = async (vmId: string) =>
      (await migrationCandidates(fx.db, fx.admin, { vmId })).hosts.find((h) => h.name === "kvm-s2")
        ?.reason;
    expect(await reasons(pinned)).toBe(
      "no NUMA node with 1 free VF(s) for L3 near-l3 and 4 vCPUs, 1024 MiB free: " +
        "node0 has 0 vCPUs free; node1 has 0 free VF(s) for L3 near-l3",
    );
    expect(await reasons(loose)).toBeNull();
    expect(await reasons(fits)).toBeNull();
    await expect(
      migrateVm(fx.db, fx.admin, { vmId: pinned, targetHostId: second.hostId }),
    ).rejects.toMatchObject({
      code: "NO_NUMA_NODE_AVAILABLE",
      details: { policy: "required", hosts: [{ name: "kvm-s2" }] },
    });
    const moved = await migrateVm(fx.db, fx.admin, { vmId: loose, targetHostId: second.hostId });
    expect((await waitForOperation(fx.db, fx.admin, moved.operation.id)).status).toBe("Succeeded");
  });
});
