import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getVm, rebootVm, restorePhysicalNic } from "@virtfn/core";
import { waitForOperation } from "./helpers";
import { finish, runningVm, simSetup, split, vfConsistency, type SimSetup } from "./vms-helpers";

// Issue 10 item 6: a forced restore must not leave a VM that claims VFs it no longer has.
describe("a forced restore's NIC state: VF lost, counted, announced, and re-acquired by a reboot", () => {
  let s: SimSetup;

  beforeAll(async () => {
    s = await simSetup("vflost", { host: "kvm-lost", pf: "em1", vfs: 2, cidr: "10.60.0.0/24" });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("the VM says which NICs lost their VF, counts only attached VFs, gets an event; a reboot takes free VFs back", async () => {
    const { fx, cat, host, l3 } = s;
    const vm = await runningVm(fx, fx.tenant, cat, "lost-1", [
      { l3Id: l3.id, sriov: true },
      { l3Id: l3.id, sriov: true },
      { l3Id: l3.id, sriov: false, isDefault: true },
    ]);
    const before = await getVm(fx.db, fx.tenant, { vmId: vm.id });
    expect(before).toMatchObject({ vfNicCount: 2, attachedVfCount: 2 });
    expect(before.nics.map((n) => n.vfStatus)).toEqual(["Attached", "Attached", null]);

    const pf = await fx.db.physicalNic.findUniqueOrThrow({
      where: { hostId_name: { hostId: host.hostId, name: "em1" } },
    });
    const restore = await restorePhysicalNic(fx.db, fx.admin, { pfId: pf.id, force: true });
    expect((await waitForOperation(fx.db, fx.admin, restore.operation.id)).status).toBe(
      "Succeeded",
    );

    const after = await getVm(fx.db, fx.tenant, { vmId: vm.id });
    expect(after).toMatchObject({ state: "Running", vfNicCount: 2, attachedVfCount: 0 });
    expect(after.nics.map((n) => n.vfStatus)).toEqual(["VF lost", "VF lost", null]);
    const events = await fx.db.auditEvent.findMany({
      where: { action: "vm.vfLost", targetType: "Vm", targetId: vm.id },
    });
    expect(events).toHaveLength(2);
    expect((await host.client.getDomain(vm.id)).nics.filter((n) => n.type === "vf")).toEqual([]);

    // No VF free: the reboot goes ahead and the NICs still say so.
    expect((await finish(fx, rebootVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe(
      "Succeeded",
    );
    expect((await getVm(fx.db, fx.tenant, { vmId: vm.id })).attachedVfCount).toBe(0);

    await split(fx, host, "em1", 2);
    expect((await finish(fx, rebootVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe(
      "Succeeded",
    );
    const back = await getVm(fx.db, fx.tenant, { vmId: vm.id });
    expect(back).toMatchObject({ state: "Running", attachedVfCount: 2 });
    expect(back.nics.map((n) => n.vfStatus)).toEqual(["Attached", "Attached", null]);
    const domain = await host.client.getDomain(vm.id);
    expect(domain.state).toBe("running");
    expect(domain.nics.filter((n) => n.type === "vf")).toHaveLength(2);
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
  });
});

// Issue 10: a Running VM whose domain lost a VF (or the whole domain) is repaired by the
// reconciler, not only VMs in Error.
describe("a Running VM whose domain lost its VF or is gone: the reconciler repairs it", () => {
  let s: SimSetup;

  beforeAll(async () => {
    s = await simSetup("vfrepair", {
      host: "kvm-repair",
      pf: "p1p1",
      vfs: 4,
      cidr: "10.61.0.0/24",
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  async function vfOf(vmId: string) {
    const nic = await s.fx.db.vmNic.findFirstOrThrow({
      where: { vmId, type: "VF" },
      include: { vf: true },
    });
    if (!nic.vf) throw new Error("the NIC holds no VF");
    return { nic, vf: nic.vf };
  }

  it("a VF unplugged from the running domain behind virtfn's back is plugged back in, with an event", async () => {
    const { fx, cat, host, l3, worker } = s;
    const vm = await runningVm(fx, fx.tenant, cat, "unplugged", [{ l3Id: l3.id, sriov: true }]);
    const { vf } = await vfOf(vm.id);
    await host.client.detachVf(vm.id, { pciAddress: vf.pciAddress, live: true });
    expect((await host.client.snapshot()).domains.find((d) => d.name === vm.id)?.vfs).toEqual([]);
    await worker.reconciler.runOnce();
    const domain = (await host.client.snapshot()).domains.find((d) => d.name === vm.id);
    expect(domain?.state).toBe("running");
    expect(domain?.vfs).toEqual([vf.pciAddress]);
    expect((await getVm(fx.db, fx.tenant, { vmId: vm.id })).attachedVfCount).toBe(1);
    const event = await fx.db.auditEvent.findFirstOrThrow({
      where: { action: "vm.vfReattached", targetId: vm.id },
    });
    expect(event.details).toMatchObject({ vf: vf.pciAddress });
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
  });

  it("a VF the host will not give back (another domain took it) leaves the NIC honestly VF lost, with an event", async () => {
    const { fx, cat, host, l3, worker } = s;
    const vm = await runningVm(fx, fx.tenant, cat, "robbed", [{ l3Id: l3.id, sriov: true }]);
    const thief = await runningVm(fx, fx.tenant, cat, "thief", [{ l3Id: l3.id, sriov: false }]);
    const { vf } = await vfOf(vm.id);
    await host.client.detachVf(vm.id, { pciAddress: vf.pciAddress, live: true });
    await host.client.attachVf(thief.id, {
      mac: "52:54:00:ee:ee:01",
      pciAddress: vf.pciAddress,
      live: true,
    });
    await worker.reconciler.runOnce();
    const view = await getVm(fx.db, fx.tenant, { vmId: vm.id });
    expect(view).toMatchObject({ state: "Running", attachedVfCount: 0 });
    expect(view.nics.map((n) => n.vfStatus)).toEqual(["VF lost"]);
    const event = await fx.db.auditEvent.findFirstOrThrow({
      where: { action: "vm.vfLost", targetId: vm.id },
    });
    expect(event.details).toMatchObject({ vf: vf.pciAddress });
    await host.client.detachVf(thief.id, { pciAddress: vf.pciAddress, live: true });
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
  });

  it("a Running VM whose domain is gone from the host is defined and started again with its VF", async () => {
    const { fx, cat, host, l3, worker } = s;
    const vm = await runningVm(fx, fx.tenant, cat, "vanished", [{ l3Id: l3.id, sriov: true }]);
    const { vf } = await vfOf(vm.id);
    await host.client.destroyDomain(vm.id);
    await host.client.undefineDomain(vm.id);
    await worker.reconciler.runOnce();
    const recover = await fx.db.operation.findFirstOrThrow({
      where: { kind: "vm.recover", targetId: vm.id },
    });
    expect((await waitForOperation(fx.db, fx.admin, recover.id)).status).toBe("Succeeded");
    const domain = (await host.client.snapshot()).domains.find((d) => d.name === vm.id);
    expect(domain?.state).toBe("running");
    expect(domain?.vfs).toEqual([vf.pciAddress]);
    expect((await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } })).state).toBe("Running");
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
  });
});
