// Issue 16, NUMA and live migration: a running node-bound VM's live migration claims one NUMA
// node of its destination with the VFs, vCPUs and memory (migrate.ts), and that node's sums count
// the claim (the scheduler's snapshot, virtfn_reserve_numa and virtfn_reserve_locked under the
// host's lock) until the VM is there, bound to that node, or the run rolls back. Sim hosts
// kvm-i350-82599: p1p2 on node 1, 20 CPUs per node. Real Postgres, Redis and BullMQ; the worker in process, closed while a claim
// is looked at so the run stays in its first phase.
import type { RunningAgent } from "@virtfn/agent";
import { createVm, getHost, migrateVm, setL3Migratable, stopVm, type L3View } from "@virtfn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { addSimHost, type SimHost } from "./sriov-helpers";
import { catalog, network, split, type Catalog } from "./vms-helpers";

describe("a live migration's claim on a NUMA node of its destination", () => {
  let fx: Fixture;
  let worker: RunningWorker | null = null;
  let cat: Catalog;
  let hosts: SimHost[] = [];
  /** SR-IOV on p1p2 (node 1), migratable. */
  let fo: L3View;
  const agents: RunningAgent[] = [];

  async function requiredOffering(vcpus: number): Promise<string> {
    const row = await fx.db.instanceOffering.create({
      data: { name: `required-${vcpus}`, vcpus, memoryMiB: 1024, vfNumaPolicy: "required" },
    });
    return row.id;
  }

  const createRequired = (offeringId: string, name: string) =>
    createVm(fx.db, fx.tenant, { ...cat, offeringId, name, nics: [{ l3Id: fo.id, sriov: true }] });

  async function created(offeringId: string, name: string) {
    const { vm, operation } = await createRequired(offeringId, name);
    const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    return fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } });
  }

  /** A node of a host as its page shows it (the scheduler's own sums). */
  async function nodeOf(host: SimHost, id: number) {
    const { allocation } = await getHost(fx.db, fx.admin, host.hostId);
    const node = allocation.numaNodes?.find((n) => n.id === id);
    return { usedVcpus: node?.usedVcpus, usedMemoryMiB: node?.usedMemoryMiB };
  }
  const node1 = (host: SimHost) => nodeOf(host, 1);

  /** The locked re-check alone: would 8 vCPUs fit node 1 of the host now (reserving no VF)? */
  async function lockedNodeVerdict(host: SimHost) {
    const rows = await fx.db.$queryRaw<Array<{ r: { refusal: string | null } }>>`
      SELECT virtfn_reserve_numa(${host.hostId}::uuid, '{}'::uuid[], 8, 1024, 0, 1,
                                 NULL::uuid, NULL::uuid) AS r`;
    return rows[0]?.r.refusal ?? null;
  }

  /** The host-wide locked re-check alone (createVm's, under the host's lock): would this many
   * vCPUs fit the host now (40 CPUs on this profile), reserving no VF? */
  async function lockedHostVerdict(host: SimHost, vcpus: number) {
    const rows = await fx.db.$queryRaw<Array<{ r: { refusal: string | null } }>>`
      SELECT virtfn_reserve_locked(${host.hostId}::uuid, '{}'::uuid[], ${vcpus}::int, 1024, 0,
                                   NULL::uuid, NULL::uuid) AS r`;
    return rows[0]?.r.refusal ?? null;
  }

  beforeAll(async () => {
    fx = await createFixture("numamigrate");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    hosts = [
      await addSimHost(fx, agents, "kvm-n1", "kvm-i350-82599"),
      await addSimHost(fx, agents, "kvm-n2", "kvm-i350-82599"),
    ];
    for (const host of hosts) await split(fx, host, "p1p2", 4);
    fo = await network(fx, { name: "fo", iface: "p1p2", cidr: "10.73.0.0/24", sriov: true });
    await setL3Migratable(fx.db, fx.admin, { l3Id: fo.id, migratable: true });
  }, 180_000);
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("the claimed node counts for placement while the run holds it, and is released on rollback", async () => {
    const big = await requiredOffering(16);
    const small = await requiredOffering(8);
    const mover = await created(big, "mover");
    expect(mover.numaNode).toBe(1);
    const source = hosts.find((h) => h.hostId === mover.hostId);
    const target = hosts.find((h) => h.hostId !== mover.hostId);
    if (!source || !target) throw new Error("the VM has no host");
    // No worker: the run stays Claimed, so the claim can be looked at.
    await worker?.close();
    worker = null;
    const { operation } = await migrateVm(fx.db, fx.tenant, { vmId: mover.id });
    const run = await fx.db.migrationRun.findUniqueOrThrow({
      where: { operationId: operation.id },
    });
    expect(run).toMatchObject({ phase: "Claimed", targetHostId: target.hostId, targetNumaNode: 1 });
    expect(await node1(target)).toEqual({ usedVcpus: 16, usedMemoryMiB: 1024 });
    // 4 vCPUs left on node 1 of both hosts: a required 8-vCPU VM fits neither.
    await expect(createRequired(small, "squeezed")).rejects.toMatchObject({
      code: "NO_NUMA_NODE_AVAILABLE",
      message: expect.stringContaining("node1 has 4 vCPUs free"),
    });
    expect(await lockedNodeVerdict(target)).toBe("numa");
    // The host-wide re-check counts the claim too: 16 claimed + 25 asked > 40 CPUs.
    expect(await lockedHostVerdict(target, 25)).toBe("capacity");

    // The worker back, the unplug failing: the run rolls back from Claimed and the node is free.
    await source.client.injectFault({ call: "detachVf", times: 1 });
    worker = await startInProcessWorker(fx.config);
    const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
    expect(done.status).toBe("Failed");
    expect(
      await fx.db.migrationRun.findUniqueOrThrow({ where: { operationId: operation.id } }),
    ).toMatchObject({ phase: "RolledBack", rolledBackFrom: "Claimed" });
    expect(await node1(target)).toEqual({ usedVcpus: 0, usedMemoryMiB: 0 });
    expect(await lockedNodeVerdict(target)).toBeNull();
    expect(await lockedHostVerdict(target, 25)).toBeNull();
    const fitted = await created(small, "fitted");
    expect(fitted).toMatchObject({ hostId: target.hostId, numaNode: 1 });
    const stop = await stopVm(fx.db, fx.tenant, { vmId: fitted.id });
    expect((await waitForOperation(fx.db, fx.admin, stop.operation.id)).status).toBe("Succeeded");
  });

  it("a finished move binds the VM to the node it claimed on the destination", async () => {
    const mover = await fx.db.vm.findFirstOrThrow({ where: { name: "mover" } });
    const target = hosts.find((h) => h.hostId !== mover.hostId);
    if (!target) throw new Error("no other host");
    // The destination's p1p2 on node 0 (as recorded; no reconcile runs here), so that the node
    // the VM ends on differs from the one it left.
    await fx.db.physicalNic.updateMany({
      where: { hostId: target.hostId, name: "p1p2" },
      data: { numaNode: 0 },
    });
    const { operation } = await migrateVm(fx.db, fx.tenant, { vmId: mover.id });
    expect(
      await fx.db.migrationRun.findUniqueOrThrow({ where: { operationId: operation.id } }),
    ).toMatchObject({ targetNumaNode: 0 });
    const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    expect(await fx.db.vm.findUniqueOrThrow({ where: { id: mover.id } })).toMatchObject({
      state: "Running",
      hostId: target.hostId,
      numaNode: 0,
    });
    expect(await nodeOf(target, 0)).toEqual({ usedVcpus: 16, usedMemoryMiB: 1024 });
    expect(await node1(target)).toEqual({ usedVcpus: 0, usedMemoryMiB: 0 });
  });
});
