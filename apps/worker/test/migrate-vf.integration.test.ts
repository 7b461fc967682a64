// Issue 17: live migration of VMs with migratable VF NICs, as one operation with phases (claim →
// unplug → migrate → plug → release), against real Postgres, Redis and BullMQ, a worker in a
// process of its own (killed by SIGKILL in one test) and two sim agents over HTTP behind proxies.
// Faults are injected in the sim agents (PUT /v1/sim/faults), so each lands in its own phase.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentClient, type AgentClient } from "@virtfn/agent-client";
import {
  addHost,
  createVm,
  failOperation,
  getHost,
  getVm,
  migrateVm,
  migrationProgress,
  setL3Migratable,
  setNicVfPort,
  type L3View,
} from "@virtfn/core";
import {
  AGENT_TOKEN,
  createFixture,
  spawnWorkerProcess,
  startSimAgent,
  startSlowProxy,
  waitForOperation,
  type Fixture,
  type GateProxy,
} from "./helpers";
import type { SimHost } from "./sriov-helpers";
import { catalog, network, split, vfConsistency, vmFootprint, type Catalog } from "./vms-helpers";

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

interface ProxiedHost extends SimHost {
  proxy: GateProxy;
}

describe("live migration of VMs with migratable VF NICs (issue 17)", () => {
  let fx: Fixture;
  let cat: Catalog;
  let hostA: ProxiedHost;
  let hostB: ProxiedHost;
  /** SR-IOV on p1p2 (12 VFs on each host), profile migratable: its VF NICs are migratable. */
  let failover: L3View;
  /** SR-IOV on p1p1 (2 VFs on kvm-a, 1 on kvm-b), migratable: a 2-VF VM fits only kvm-a. */
  let scarce: L3View;
  /** SR-IOV on em1 (2 VFs on kvm-a), not migratable: R9 refuses. */
  let fixed: L3View;
  const children: ChildProcess[] = [];
  const closers: Array<() => Promise<void>> = [];

  const spawnWorker = (config: Partial<Fixture["config"]> = {}) => {
    const child = spawnWorkerProcess({ ...fx.config, ...config });
    children.push(child);
    return child;
  };

  async function proxiedHost(name: string): Promise<ProxiedHost> {
    const agent = await startSimAgent("kvm-i350-82599");
    closers.push(() => agent.close());
    const proxy = await startSlowProxy(agent.url, 0);
    closers.unshift(() => proxy.close());
    const { host, operation } = await addHost(fx.db, fx.admin, {
      name,
      clusterId: fx.clusterId,
      agentUrl: proxy.url,
      agentToken: AGENT_TOKEN,
      scanIommu: true,
    });
    const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
    expect(done.status, done.errorMessage ?? "").toBe("Succeeded");
    return {
      hostId: host.id,
      name,
      agent,
      proxy,
      client: createAgentClient({ baseUrl: agent.url, token: AGENT_TOKEN }),
    };
  }

  beforeAll(async () => {
    fx = await createFixture("migratevf");
    cat = await catalog(fx.db);
    spawnWorker();
    hostA = await proxiedHost("kvm-a");
    hostB = await proxiedHost("kvm-b");
    await Promise.all([
      split(fx, hostA, "p1p2", 12),
      split(fx, hostB, "p1p2", 12),
      split(fx, hostA, "p1p1", 2),
      split(fx, hostB, "p1p1", 1),
      split(fx, hostA, "em1", 2),
    ]);
    failover = await network(fx, { name: "fo", iface: "p1p2", cidr: "10.40.0.0/24", sriov: true });
    scarce = await network(fx, {
      name: "scarce",
      iface: "p1p1",
      cidr: "10.41.0.0/24",
      sriov: true,
    });
    fixed = await network(fx, { name: "fixed", iface: "em1", cidr: "10.42.0.0/24", sriov: true });
    await setL3Migratable(fx.db, fx.admin, { l3Id: failover.id, migratable: true });
    await setL3Migratable(fx.db, fx.admin, { l3Id: scarce.id, migratable: true });
  }, 180_000);
  afterAll(async () => {
    await Promise.all(children.map(kill));
    for (const close of closers) await close();
    await fx?.cleanup();
  });

  const clientOf = (hostId: string | null): AgentClient =>
    (hostId === hostA.hostId ? hostA : hostB).client;
  const otherThan = (hostId: string | null): ProxiedHost =>
    hostId === hostA.hostId ? hostB : hostA;

  /** The vCPUs and memory a host's page counts as used (the scheduler's own sums). */
  const usedOn = async (host: ProxiedHost) => {
    const { allocation } = await getHost(fx.db, fx.admin, host.hostId);
    return { vcpus: allocation.cpu.used, memoryMiB: allocation.memoryMiB.used };
  };
  const offering = () =>
    fx.db.instanceOffering.findUniqueOrThrow({ where: { id: cat.offeringId } });

  async function vfVm(name: string, l3: L3View) {
    const { vm, operation } = await createVm(fx.db, fx.tenant, {
      ...cat,
      name,
      nics: [
        { l3Id: l3.id, sriov: true },
        { l3Id: l3.id, sriov: true },
      ],
    });
    const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    return fx.db.vm.findUniqueOrThrow({
      where: { id: vm.id },
      include: { nics: { include: { vf: true }, orderBy: { deviceIndex: "asc" } } },
    });
  }

  /**
   * Nothing leaked or double-held: no claim left, no VF Reserved, every held VF held once and in
   * a held state; on each host, the VFs in domains are exactly the VFs the database gives NICs.
   */
  async function noLeaks() {
    expect(await fx.db.migrationClaim.count()).toBe(0);
    expect(await fx.db.virtualFunction.count({ where: { state: "Reserved" } })).toBe(0);
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
    for (const host of [hostA, hostB]) {
      const inDomains = (await host.client.listDomains())
        .flatMap((d) => d.nics.flatMap((n) => (n.type === "vf" ? [n.pciAddress] : [])))
        .sort();
      const held = (
        await fx.db.vmNic.findMany({
          where: { vf: { hostId: host.hostId } },
          select: { vf: { select: { pciAddress: true } } },
        })
      )
        .map((nic) => nic.vf?.pciAddress ?? "")
        .sort();
      expect(inDomains, `VFs in ${host.name}'s domains`).toEqual(held);
    }
  }

  /** The VM runs on `hostId` with each VF NIC teamed with its virtio partner there. */
  async function runsTeamed(vmId: string, hostId: string) {
    const vm = await fx.db.vm.findUniqueOrThrow({
      where: { id: vmId },
      include: { nics: { include: { vf: true } } },
    });
    expect(vm).toMatchObject({ state: "Running", hostId });
    const domain = await clientOf(hostId).getDomain(vmId);
    expect(domain.state).toBe("running");
    for (const nic of vm.nics) {
      // Every NIC keeps working: its virtio failover partner is in the running domain.
      expect(domain.nics).toContainEqual(
        expect.objectContaining({ type: "vnic", mac: nic.mac, teaming: { type: "persistent" } }),
      );
      if (nic.vf) {
        expect(nic.vf).toMatchObject({ hostId, state: "Attached", mac: nic.mac });
        expect(domain.nics).toContainEqual(
          expect.objectContaining({
            type: "vf",
            mac: nic.mac,
            pciAddress: nic.vf.pciAddress,
            teaming: expect.objectContaining({ type: "transient" }),
          }),
        );
      }
    }
    await expect(otherThan(hostId).client.getDomain(vmId)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    return vm;
  }

  it("R9 still refuses a running VM whose VF NIC is not migratable, saying how to make it so", async () => {
    const { vm, operation } = await createVm(fx.db, fx.tenant, {
      ...cat,
      name: "r9-fixed",
      nics: [{ l3Id: fixed.id, sriov: true }],
    });
    expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
    const before = await vmFootprint(fx.db);
    await expect(migrateVm(fx.db, fx.tenant, { vmId: vm.id })).rejects.toMatchObject({
      code: "VF_NIC_NOT_MIGRATABLE",
      message: expect.stringMatching(/eth0 \(L3 fixed-l3\).*mark the NIC migratable/),
    });
    expect(await vmFootprint(fx.db)).toEqual(before);
    expect((await getVm(fx.db, fx.tenant, { vmId: vm.id })).actions.migrate).toMatchObject({
      allowed: false,
      code: "VF_NIC_NOT_MIGRATABLE",
    });
  });

  it("migrates a VM with two migratable VF NICs: each NIC ends on a destination VF, the phases are recorded", async () => {
    const vm = await vfVm("mig-ok", failover);
    expect(vm.nics.map((nic) => nic.migratable)).toEqual([true, true]);
    // eth0's port differs from the driver's defaults: the plug on the destination must carry it.
    await setNicVfPort(fx.db, fx.tenant, { nicId: vm.nics[0]?.id ?? "", linkState: "disable" });
    const sync = await fx.db.operation.findFirstOrThrow({
      where: { kind: "host.syncVfPorts", targetId: vm.hostId ?? "" },
      orderBy: { createdAt: "desc" },
    });
    expect((await waitForOperation(fx.db, fx.admin, sync.id)).status).toBe("Succeeded");
    expect((await getVm(fx.db, fx.tenant, { vmId: vm.id })).actions.migrate.allowed).toBe(true);
    const target = otherThan(vm.hostId);
    const sourceVfs = vm.nics.map((nic) => nic.vfId);
    // Held at the first unplug, so the claim can be looked at before anything moves.
    const source = vm.hostId === hostA.hostId ? hostA : hostB;
    const gate = source.proxy.hold("POST", /\/vfs\/detach$/, "request");
    const targetBefore = await usedOn(target);
    const { vcpus, memoryMiB } = await offering();
    const { operation } = await migrateVm(fx.db, fx.tenant, { vmId: vm.id });
    await gate.reached;
    // The destination's vCPUs and memory are claimed with its VFs, while the VM is still away.
    expect(await usedOn(target)).toEqual({
      vcpus: targetBefore.vcpus + vcpus,
      memoryMiB: targetBefore.memoryMiB + memoryMiB,
    });
    // The claim is made by the request itself: the destination VFs are held before anything moves.
    const claims = await fx.db.migrationClaim.findMany({ include: { vf: true } });
    expect(claims).toHaveLength(2);
    expect(claims.every((c) => c.vf.hostId === target.hostId && c.vf.state === "Reserved")).toBe(
      true,
    );
    expect((await migrationProgress(fx.db, fx.tenant, { vmId: vm.id }))?.steps[1]).toMatchObject({
      phase: "Unplugged",
      state: "running",
    });
    gate.release();
    const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    const moved = await runsTeamed(vm.id, target.hostId);
    expect(moved.nics.map((nic) => nic.vfId).sort()).toEqual(claims.map((c) => c.vfId).sort());
    // The plug applied each NIC's port settings (no reconcile runs in these tests).
    const ports = new Map(
      (await target.client.listPhysicalNics())
        .flatMap((pf) => pf.vfs)
        .map((vf) => [vf.pciAddress, vf.port]),
    );
    const byIndex = [...moved.nics].sort((a, b) => a.deviceIndex - b.deviceIndex);
    expect(ports.get(byIndex[0]?.vf?.pciAddress ?? "")).toMatchObject({ linkState: "disable" });
    expect(ports.get(byIndex[1]?.vf?.pciAddress ?? "")).toMatchObject({ linkState: "auto" });
    for (const id of sourceVfs) {
      expect(
        await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: id ?? "" } }),
      ).toMatchObject({ state: "Available", mac: null });
    }
    const progress = await migrationProgress(fx.db, fx.tenant, { vmId: vm.id });
    expect(progress).toMatchObject({ phase: "Done", status: "Succeeded", rolledBack: false });
    expect(progress?.steps.map((s) => s.state)).toEqual(["done", "done", "done", "done", "done"]);
    await noLeaks();
  });

  it("abort, destination has no VF: refused at the claim, all or nothing, nothing changes", async () => {
    const vm = await vfVm("mig-scarce", scarce);
    expect(vm.hostId).toBe(hostA.hostId);
    const before = await vmFootprint(fx.db);
    await expect(migrateVm(fx.db, fx.tenant, { vmId: vm.id })).rejects.toMatchObject({
      code: "NO_VF_AVAILABLE",
      message: expect.stringContaining("no available VF on L3 scarce-l3"),
    });
    await expect(
      migrateVm(fx.db, fx.admin, { vmId: vm.id, targetHostId: hostB.hostId }),
    ).rejects.toMatchObject({ code: "NO_VF_AVAILABLE" });
    expect(await vmFootprint(fx.db)).toEqual(before);
    // kvm-b's one VF stayed free: the claim is all or nothing.
    const free = await fx.db.virtualFunction.count({
      where: { hostId: hostB.hostId, pf: { name: "p1p1" }, state: "Available" },
    });
    expect(free).toBe(1);
    await runsTeamed(vm.id, hostA.hostId);
    await noLeaks();
  });

  async function migrationFails(
    vmName: string,
    arm: (source: ProxiedHost, target: ProxiedHost) => Promise<unknown>,
  ) {
    const vm = await vfVm(vmName, failover);
    const source = vm.hostId === hostA.hostId ? hostA : hostB;
    const target = otherThan(vm.hostId);
    await arm(source, target);
    const before = { source: await usedOn(source), target: await usedOn(target) };
    const { operation } = await migrateVm(fx.db, fx.tenant, { vmId: vm.id });
    const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
    expect(done.status).toBe("Failed");
    const run = await fx.db.migrationRun.findUniqueOrThrow({
      where: { operationId: operation.id },
    });
    expect(run.phase).toBe("RolledBack");
    // The CPU and memory claim ended with the run: the VM counts once, where it runs now.
    const after = { source: await usedOn(source), target: await usedOn(target) };
    if (run.rolledBackFrom === "Migrated") {
      const { vcpus, memoryMiB } = await offering();
      expect(after).toEqual({
        source: {
          vcpus: before.source.vcpus - vcpus,
          memoryMiB: before.source.memoryMiB - memoryMiB,
        },
        target: {
          vcpus: before.target.vcpus + vcpus,
          memoryMiB: before.target.memoryMiB + memoryMiB,
        },
      });
    } else expect(after).toEqual(before);
    return { vm, source, target, run, done };
  }

  it("abort, unplug fails (on the second VF): the first is plugged back, the claim released", async () => {
    const { vm, source, run, done } = await migrationFails("mig-unplug", (s) =>
      s.client.injectFault({ call: "detachVf", after: 1, times: 1 }),
    );
    expect(done.errorCode).toBe("AGENT_COMMAND_FAILED");
    expect(run.rolledBackFrom).toBe("Claimed");
    const stayed = await runsTeamed(vm.id, source.hostId);
    expect(stayed.nics.map((nic) => nic.vfId)).toEqual(vm.nics.map((nic) => nic.vfId));
    await noLeaks();
  });

  it("abort, migrate fails: the VM stays, its VFs are plugged back, the claim released", async () => {
    const { vm, source, run } = await migrationFails("mig-move", (s) =>
      s.client.injectFault({ call: "migrateDomain", times: 1, code: "MIGRATION_FAILED" }),
    );
    expect(run.rolledBackFrom).toBe("Unplugged");
    const stayed = await runsTeamed(vm.id, source.hostId);
    expect(stayed.nics.map((nic) => nic.vfId)).toEqual(vm.nics.map((nic) => nic.vfId));
    const progress = await migrationProgress(fx.db, fx.tenant, { vmId: vm.id });
    expect(progress?.steps.map((s) => s.state)).toEqual([
      "done",
      "done",
      "failed",
      "pending",
      "pending",
      "done",
    ]);
    await noLeaks();
  });

  it("abort, plug fails (on the second VF): the VM keeps the VF that made it, the other NIC runs on its virtio partner", async () => {
    const { vm, target, run } = await migrationFails("mig-plug", (_s, t) =>
      t.client.injectFault({ call: "attachVf", after: 1, times: 1 }),
    );
    expect(run.rolledBackFrom).toBe("Migrated");
    const moved = await runsTeamed(vm.id, target.hostId);
    const [first, second] = moved.nics.sort((a, b) => a.deviceIndex - b.deviceIndex);
    expect(first?.vf?.hostId).toBe(target.hostId);
    // VF lost, like a forced restore (R11): a reboot takes a free one.
    expect(second?.vfId).toBeNull();
    for (const nic of vm.nics) {
      expect(
        await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: nic.vfId ?? "" } }),
      ).toMatchObject({ state: "Available" });
    }
    await noLeaks();
  });

  it("a worker killed by SIGKILL mid-migration: the next one resumes from the recorded phase", async () => {
    const vm = await vfVm("mig-kill", failover);
    const source = vm.hostId === hostA.hostId ? hostA : hostB;
    const target = otherThan(vm.hostId);
    const gate = source.proxy.hold("POST", new RegExp(`/v1/domains/${vm.id}/migrate`), "request");
    const { operation } = await migrateVm(fx.db, fx.tenant, { vmId: vm.id });
    await gate.reached;
    const [worker] = children.splice(0, children.length);
    if (!worker) throw new Error("no worker");
    await kill(worker);
    const run = await fx.db.migrationRun.findUniqueOrThrow({
      where: { operationId: operation.id },
    });
    console.log(`[migrate-vf] killed the worker in phase ${run.phase}`);
    expect(run.phase).toBe("Unplugged");
    gate.release();
    spawnWorker();
    const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 90_000);
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    const moved = await runsTeamed(vm.id, target.hostId);
    expect(moved.nics.every((nic) => nic.vf?.hostId === target.hostId)).toBe(true);
    await noLeaks();
  });

  it("a run whose operation ended without it (the worker killed, the job failed for good): the sweep rolls it back from its phase", async () => {
    const vm = await vfVm("mig-stranded", failover);
    const source = vm.hostId === hostA.hostId ? hostA : hostB;
    const target = otherThan(vm.hostId);
    const before = { source: await usedOn(source), target: await usedOn(target) };
    const gate = source.proxy.hold("POST", /\/vfs\/detach$/, "request");
    const { operation } = await migrateVm(fx.db, fx.tenant, { vmId: vm.id });
    await gate.reached;
    const [worker] = children.splice(0, children.length);
    if (!worker) throw new Error("no worker");
    await kill(worker);
    // What a last attempt whose rollback never finished leaves: the operation ended, the run not.
    expect(
      await failOperation(fx.db, operation.id, {
        code: "AGENT_COMMAND_FAILED",
        message: "the worker died in the rollback",
      }),
    ).toBe(true);
    // The worker got one VF out of the domain before it died (made directly; the held call is
    // never let through, so it cannot land after the rollback).
    const [first] = vm.nics.flatMap((nic) => (nic.vf ? [nic.vf.pciAddress] : []));
    await source.client.detachVf(vm.id, { pciAddress: first ?? "", live: true });
    const stuck = await fx.db.migrationRun.findUniqueOrThrow({
      where: { operationId: operation.id },
    });
    expect(stuck.phase).toBe("Claimed");
    spawnWorker({ requeueMs: 500 });
    const deadline = Date.now() + 40_000;
    let run = stuck;
    while (run.phase !== "RolledBack" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      run = await fx.db.migrationRun.findUniqueOrThrow({ where: { operationId: operation.id } });
    }
    expect(run).toMatchObject({ phase: "RolledBack", rolledBackFrom: "Claimed" });
    expect(run.failure).toContain("AGENT_COMMAND_FAILED");
    // The VM stayed: its unplugged VF is back in the domain, the claims (VFs, CPU, memory) ended.
    const stayed = await runsTeamed(vm.id, source.hostId);
    expect(stayed.nics.map((nic) => nic.vfId).sort()).toEqual(
      vm.nics.map((nic) => nic.vfId).sort(),
    );
    expect({ source: await usedOn(source), target: await usedOn(target) }).toEqual(before);
    await noLeaks();
  });
});
