import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import {
  getOperation,
  rebootHost,
  restorePhysicalNic,
  splitPhysicalNic,
  splitWarnings,
  vfAvailability,
  type L3View,
} from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import {
  addSimHost,
  createSriovNetwork,
  footprint,
  insertVmHoldingVf,
  pfNamed,
  type SimHost,
} from "./sriov-helpers";

describe("SR-IOV split, restore and reboot convergence through the worker and sim agents", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let l3: L3View;
  const agents: RunningAgent[] = [];

  beforeAll(async () => {
    fx = await createFixture("sriov");
    worker = await startInProcessWorker(fx.config);
    l3 = await createSriovNetwork(fx, "vf", "em1", "10.10.0.0/24");
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  /** How many calls of this agent route the worker has made so far (its request histogram). */
  async function agentCalls(route: string): Promise<number> {
    const metric = await worker.metrics.registry
      .getSingleMetric("virtfn_agent_request_duration_seconds")
      ?.get();
    const count = metric?.values.find(
      (value) =>
        "metricName" in value &&
        String(value.metricName).endsWith("_count") &&
        value.labels.route === route,
    );
    return count?.value ?? 0;
  }

  async function split(host: SimHost, pfName: string, count: number) {
    const pf = await pfNamed(fx.db, host.hostId, pfName);
    const started = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count });
    const done = await waitForOperation(fx.db, fx.admin, started.operation.id);
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    return { pf, started, done };
  }

  it("splits a PF: progress comes from the agent task, the PF turns Virtualized and its VFs are recorded", async () => {
    const host = await addSimHost(fx, agents, "kvm-split", "kvm-i350-82599", { perVfDelayMs: 150 });
    const pf = await pfNamed(fx.db, host.hostId, "em1");
    expect(pf.virtualizationState).toBe("Virtualizable");
    const pciScansBefore = await agentCalls("listPciDevices");
    expect(pciScansBefore, "the host connect lists the PCI devices").toBeGreaterThan(0);
    const started = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 4 });
    expect(started.operation).toMatchObject({
      kind: "pf.split",
      targetType: "PhysicalNic",
      targetId: pf.id,
    });
    expect(started.warnings).toEqual([]);
    expect((await pfNamed(fx.db, host.hostId, "em1")).desiredNumVfs).toBe(4);

    // Progress as data: the agent task's counts are on the operation row, not only in its sentence.
    const midway = await waitForOperation(
      fx.db,
      fx.admin,
      started.operation.id,
      (op) => op.progressPhase === "vfChanges" && op.progressTotal !== null,
    );
    expect(midway.progress).toBeGreaterThanOrEqual(10);
    expect(midway.progressTotal).toBe(4);
    expect(midway.progressDone).toBeGreaterThanOrEqual(0);
    expect(midway.progressDone).toBeLessThanOrEqual(4);
    const done = await waitForOperation(fx.db, fx.admin, started.operation.id);
    expect(done.status).toBe("Succeeded");
    expect(done.result).toMatchObject({ pf: "em1", previousNumVfs: 0, numVfs: 4, viaZero: false });

    const after = await pfNamed(fx.db, host.hostId, "em1");
    expect(after).toMatchObject({
      numVfs: 4,
      desiredNumVfs: 4,
      virtualizationState: "Virtualized",
    });
    const vfs = await fx.db.virtualFunction.findMany({
      where: { pfId: pf.id },
      orderBy: { index: "asc" },
    });
    expect(vfs.map((vf) => vf.index)).toEqual([0, 1, 2, 3]);
    // The PF's PCI device row follows the split, without a scan of every PCI function of the
    // host: on a loaded fleet that scan cost the agents more than the split's own read-back.
    const device = await fx.db.pciDevice.findUniqueOrThrow({
      where: { hostId_pciAddress: { hostId: host.hostId, pciAddress: pf.pciAddress } },
    });
    expect(device.sriovNumVfs).toBe(4);
    expect(await agentCalls("listPciDevices")).toBe(pciScansBefore);
    for (const vf of vfs) {
      expect(vf.pciAddress).toMatch(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/);
      expect(vf.state).toBe("Available");
    }
    expect(await fx.db.auditEvent.count({ where: { action: "pf.split", targetId: pf.id } })).toBe(
      1,
    );
  });

  it("R12: a count outside 1..totalVfs is refused with the bounds and changes nothing", async () => {
    const host = await addSimHost(fx, agents, "kvm-range", "kvm-i350-82599");
    const pf = await pfNamed(fx.db, host.hostId, "em1");
    const before = await footprint(fx.db);
    for (const count of [0, 8, -3]) {
      await expect(splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count })).rejects.toMatchObject(
        {
          code: "VF_COUNT_OUT_OF_RANGE",
          kind: "BAD_REQUEST",
          details: { min: 1, max: 7, requested: count },
          message: expect.stringContaining("1 to 7"),
        },
      );
    }
    await expect(
      splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 2.5 }),
    ).rejects.toMatchObject({ name: "ZodError" });
    expect(await footprint(fx.db)).toEqual(before);
  });

  it("R12: resizing 4→2 goes through 0 and works", async () => {
    const host = await addSimHost(fx, agents, "kvm-resize", "kvm-i350-82599");
    await split(host, "em1", 4);
    const { pf, done } = await split(host, "em1", 2);
    expect(done.result).toMatchObject({ previousNumVfs: 4, numVfs: 2, viaZero: true });
    const after = await pfNamed(fx.db, host.hostId, "em1");
    expect(after).toMatchObject({
      numVfs: 2,
      desiredNumVfs: 2,
      virtualizationState: "Virtualized",
    });
    expect(await fx.db.virtualFunction.count({ where: { pfId: pf.id } })).toBe(2);
  });

  it("R12: resizing while a VF of the PF is in use is refused with VFS_IN_USE and changes nothing", async () => {
    const host = await addSimHost(fx, agents, "kvm-inuse", "kvm-i350-82599");
    const { pf } = await split(host, "em1", 4);
    const vf = await fx.db.virtualFunction.findFirstOrThrow({ where: { pfId: pf.id, index: 0 } });
    await insertVmHoldingVf(fx, host, {
      name: "vm-inuse",
      l3Id: l3.id,
      vfId: vf.id,
      ip: "10.10.0.20",
    });
    const before = await footprint(fx.db);
    await expect(
      splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 2 }),
    ).rejects.toMatchObject({
      code: "VFS_IN_USE",
      kind: "CONFLICT",
      details: { from: 4, to: 2, vfsInUse: 1 },
    });
    expect(await footprint(fx.db)).toEqual(before);
  });

  it("R11: restoring a PF whose VFs are attached is refused with the VMs listed; forcing detaches them, then restores", async () => {
    const host = await addSimHost(fx, agents, "kvm-restore", "kvm-i350-82599");
    const { pf } = await split(host, "em1", 3);
    const vfs = await fx.db.virtualFunction.findMany({
      where: { pfId: pf.id },
      orderBy: { index: "asc" },
    });
    const [vf0, vf1] = vfs;
    if (!vf0 || !vf1) throw new Error("split gave no VFs");
    const a = await insertVmHoldingVf(fx, host, {
      name: "vm-alpha",
      l3Id: l3.id,
      vfId: vf0.id,
      ip: "10.10.0.30",
    });
    const b = await insertVmHoldingVf(fx, host, {
      name: "vm-beta",
      l3Id: l3.id,
      vfId: vf1.id,
      ip: "10.10.0.31",
    });

    const before = await footprint(fx.db);
    const refused = restorePhysicalNic(fx.db, fx.admin, { pfId: pf.id, force: false });
    await expect(refused).rejects.toMatchObject({
      code: "VFS_ATTACHED",
      kind: "CONFLICT",
      details: {
        vms: [
          { id: a.vmId, name: "vm-alpha" },
          { id: b.vmId, name: "vm-beta" },
        ],
      },
      message: expect.stringContaining("vm-alpha, vm-beta"),
    });
    expect(await footprint(fx.db)).toEqual(before);

    const forced = await restorePhysicalNic(fx.db, fx.admin, { pfId: pf.id, force: true });
    expect(forced.detaching.map((vm) => vm.name)).toEqual(["vm-alpha", "vm-beta"]);
    const done = await waitForOperation(fx.db, fx.admin, forced.operation.id);
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    expect(done.result).toMatchObject({ numVfs: 0, detachedNics: 2 });

    // The domains lost their VFs on the host, and the NICs stay as VF NICs without a VF.
    for (const vm of [a, b]) {
      const domain = await host.client.getDomain(vm.vmId);
      expect(domain.nics.filter((nic) => nic.type === "vf")).toEqual([]);
      const nic = await fx.db.vmNic.findUniqueOrThrow({ where: { id: vm.nicId } });
      expect(nic).toMatchObject({ type: "VF", vfId: null });
    }
    const after = await pfNamed(fx.db, host.hostId, "em1");
    expect(after).toMatchObject({
      numVfs: 0,
      desiredNumVfs: 0,
      virtualizationState: "Virtualizable",
    });
    expect(await fx.db.virtualFunction.count({ where: { pfId: pf.id } })).toBe(0);
    expect(
      await fx.db.auditEvent.count({
        where: { action: "vmNic.detachVf", targetId: { in: [a.nicId, b.nicId] } },
      }),
    ).toBe(2);
  });

  it("R13: splitting a bonded PF warns, and the pure splitWarnings gives the UI the same advice", async () => {
    const host = await addSimHost(fx, agents, "kvm-bond", "kvm-bond-82599");
    const pf = await pfNamed(fx.db, host.hostId, "p2p1");
    expect(pf.bondName).toBe("bond0");
    const started = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 2 });
    expect(started.warnings).toEqual([
      "p2p1 is a slave of bond0; with a multi-slave bond split only one slave",
    ]);
    expect(splitWarnings(pf)).toEqual(started.warnings);
    const done = await waitForOperation(fx.db, fx.admin, started.operation.id);
    expect(done.status).toBe("Succeeded");
    expect(done.result).toMatchObject({ warnings: started.warnings[0] });

    const sibling = await pfNamed(fx.db, host.hostId, "p2p2");
    const second = await splitPhysicalNic(fx.db, fx.admin, { pfId: sibling.id, count: 1 });
    expect(second.warnings).toContain("p2p1 of bond0 is already split");
    await waitForOperation(fx.db, fx.admin, second.operation.id);
  });

  it("refuses hosts whose IOMMU is not ready, PFs without SR-IOV and disconnected hosts, up front and changing nothing", async () => {
    const noIommu = await addSimHost(fx, agents, "kvm-noiommu", "kvm-no-iommu", {
      scanIommu: false,
    });
    const bond = await fx.db.host.findUniqueOrThrow({ where: { name: "kvm-bond" } });
    const before = await footprint(fx.db);
    await expect(
      splitPhysicalNic(fx.db, fx.admin, {
        pfId: (await pfNamed(fx.db, noIommu.hostId, "em1")).id,
        count: 2,
      }),
    ).rejects.toMatchObject({
      code: "IOMMU_NOT_READY",
      message: expect.stringContaining("IOMMU is off"),
    });
    await expect(
      splitPhysicalNic(fx.db, fx.admin, {
        pfId: (await pfNamed(fx.db, bond.id, "eno1")).id,
        count: 1,
      }),
    ).rejects.toMatchObject({ code: "PF_NOT_SRIOV_CAPABLE" });
    expect(await footprint(fx.db)).toEqual(before);

    const down = await addSimHost(fx, agents, "kvm-gone", "kvm-i350-82599");
    await fx.db.host.update({
      where: { id: down.hostId },
      data: { connectionState: "Disconnected", connectionReason: "agent unreachable" },
    });
    const beforeDown = await footprint(fx.db);
    const pf = await pfNamed(fx.db, down.hostId, "em1");
    await expect(
      splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 2 }),
    ).rejects.toMatchObject({ code: "HOST_NOT_CONNECTED" });
    await expect(
      restorePhysicalNic(fx.db, fx.admin, { pfId: pf.id, force: false }),
    ).rejects.toMatchObject({
      code: "HOST_NOT_CONNECTED",
    });
    expect(await footprint(fx.db)).toEqual(beforeDown);
  });

  it("R15: a tenant cannot split or restore, and nothing changes", async () => {
    const pf = await fx.db.physicalNic.findFirstOrThrow({
      where: { virtualizationState: "Virtualizable" },
    });
    const before = await footprint(fx.db);
    await expect(
      splitPhysicalNic(fx.db, fx.tenant, { pfId: pf.id, count: 1 }),
    ).rejects.toMatchObject({
      code: "ADMIN_ONLY",
      kind: "FORBIDDEN",
    });
    await expect(
      restorePhysicalNic(fx.db, fx.tenant, { pfId: pf.id, force: true }),
    ).rejects.toMatchObject({
      code: "ADMIN_ONLY",
    });
    expect(await footprint(fx.db)).toEqual(before);
  });

  it("R3: an SR-IOV L2 whose interface is not split on a host offers no VFs there and says so; after the split it does", async () => {
    const host = await addSimHost(fx, agents, "kvm-r3", "kvm-i350-82599");
    const rowFor = async () => {
      const availability = await vfAvailability(fx.db, fx.admin, { l3Id: l3.id });
      const row = availability.hosts.find((h) => h.hostId === host.hostId);
      if (!row) throw new Error("kvm-r3 missing from the availability list");
      return row;
    };
    expect(await rowFor()).toMatchObject({
      available: 0,
      total: 0,
      reason: "INTERFACE_NOT_SPLIT",
      message: "SR-IOV enabled, no VFs on host kvm-r3: interface em1 is not split",
    });
    await split(host, "em1", 2);
    expect(await rowFor()).toMatchObject({
      available: 2,
      total: 2,
      reason: null,
      interfaces: ["em1"],
    });
    await expect(vfAvailability(fx.db, fx.tenant, { l3Id: l3.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("the desired VF layout survives a reboot: the reconciler re-applies it without anyone acting", async () => {
    const host = await addSimHost(fx, agents, "kvm-reboot", "kvm-i350-82599");
    const { pf } = await split(host, "p1p1", 5);
    const bootBefore = (await host.client.health()).bootId;

    const reboot = await rebootHost(fx.db, fx.admin, { hostId: host.hostId });
    expect((await waitForOperation(fx.db, fx.admin, reboot.operation.id)).status).toBe("Succeeded");
    expect((await host.client.health()).bootId).not.toBe(bootBefore);
    const rebooted = await pfNamed(fx.db, host.hostId, "p1p1");
    expect(rebooted).toMatchObject({ numVfs: 0, desiredNumVfs: 5 });

    const first = await worker.reconciler.runOnce();
    const outcome = first.find((o) => o.hostId === host.hostId);
    const reapply = outcome?.reapplied.find((r) => r.pfId === pf.id);
    expect(reapply).toMatchObject({ desired: 5, observed: 0, skipped: null });
    const operationId = reapply?.operationId;
    if (!operationId) throw new Error("no pf.reapply operation");
    const done = await waitForOperation(fx.db, fx.admin, operationId);
    expect(done).toMatchObject({ kind: "pf.reapply", status: "Succeeded", requester: null });

    const second = await worker.reconciler.runOnce();
    expect(second.find((o) => o.hostId === host.hostId)?.reapplied).toEqual([]);
    const after = await pfNamed(fx.db, host.hostId, "p1p1");
    expect(after).toMatchObject({
      numVfs: 5,
      desiredNumVfs: 5,
      virtualizationState: "Virtualized",
    });
    expect(await fx.db.virtualFunction.count({ where: { pfId: pf.id, state: "Available" } })).toBe(
      5,
    );
    expect(
      await fx.db.auditEvent.count({
        where: { action: "pf.reapply", targetId: pf.id, actorName: "system" },
      }),
    ).toBe(1);
    expect((await getOperation(fx.db, fx.admin, operationId)).targetName).toBe("kvm-reboot/p1p1");
  });
});
