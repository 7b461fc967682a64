import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_VF_PORT } from "@virtfn/agent-client";
import {
  createVm,
  DomainError,
  getVm,
  rebootHost,
  setNicVfPort,
  stopVm,
  updateL3Network,
} from "@virtfn/core";
import { waitForOperation } from "./helpers";
import { finish, runningVm, simSetup, vfConsistency, type SimSetup } from "./vms-helpers";

// Issue 16: VF port settings are desired state, set by who may set them, applied by the agent,
// kept by the reconciler, and a released VF is reset before anyone else gets it.
describe("VF port settings: policy, apply, drift, reboot and the reset on release", () => {
  let s: SimSetup;

  beforeAll(async () => {
    // p1p1 is an 82599 (ixgbe): it has query_rss and refuses a zero VF MAC.
    s = await simSetup("vfport", { host: "kvm-vfport", pf: "p1p1", vfs: 1, cidr: "10.76.0.0/24" });
  });
  afterAll(async () => {
    await s?.close();
  });

  const portOf = async (pci: string) => {
    const nics = await s.host.client.listPhysicalNics();
    return nics.flatMap((n) => n.vfs).find((vf) => vf.pciAddress === pci)?.port;
  };

  /** Waits for the host.syncVfPorts that the last change asked for; no reconcile runs meanwhile. */
  async function synced() {
    const sync = await s.fx.db.operation.findFirstOrThrow({
      where: { kind: "host.syncVfPorts", targetId: s.host.hostId },
      orderBy: { createdAt: "desc" },
    });
    expect((await waitForOperation(s.fx.db, s.fx.admin, sync.id)).status).toBe("Succeeded");
  }

  async function refusal(p: Promise<unknown>): Promise<DomainError> {
    try {
      await p;
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error("expected a refusal");
  }

  it("lets the tenant set link state, trust only where the network allows it, and keeps it so", async () => {
    const { fx, cat, l3 } = s;
    const vm = await runningVm(fx, fx.tenant, cat, "vfport-a", [{ l3Id: l3.id, sriov: true }]);
    const nic = await fx.db.vmNic.findFirstOrThrow({
      where: { vmId: vm.id },
      include: { vf: true },
    });
    const pci = nic.vf?.pciAddress ?? "";
    // Created with the defaults applied.
    expect(await portOf(pci)).toMatchObject(DEFAULT_VF_PORT);

    // Trust is refused on an L3 (and L2) that does not allow it, and nothing changes.
    const refused = await refusal(setNicVfPort(fx.db, fx.tenant, { nicId: nic.id, trust: true }));
    expect(refused.code).toBe("VF_TRUST_NOT_ALLOWED");
    expect(refused.message).toContain(`L2 ${l3.l2.name}`);
    expect((await fx.db.vmNic.findUniqueOrThrow({ where: { id: nic.id } })).vfTrust).toBe(false);

    // Link state and query_rss are the tenant's; the host follows at once.
    const view = await setNicVfPort(fx.db, fx.tenant, {
      nicId: nic.id,
      linkState: "disable",
      queryRss: true,
    });
    expect(view.desired).toMatchObject({ linkState: "disable", queryRss: true, trust: false });
    await synced();
    expect(await portOf(pci)).toMatchObject({ linkState: "disable", queryRss: true });

    // The admin allows trust on the L3; the tenant asks for it; it lands.
    await updateL3Network(fx.db, fx.admin, { l3Id: l3.id, vfAllowTrust: true });
    // One sync at a time: a change while one runs is left to the reconciler, so wait here.
    await synced();
    await setNicVfPort(fx.db, fx.tenant, { nicId: nic.id, trust: true });
    await synced();
    expect(await portOf(pci)).toMatchObject({ trust: true });

    // The policy wins over the request: disallowing trust turns it off on the host.
    await updateL3Network(fx.db, fx.admin, { l3Id: l3.id, vfAllowTrust: null });
    await synced();
    expect(await portOf(pci)).toMatchObject({ trust: false, linkState: "disable" });
    await updateL3Network(fx.db, fx.admin, { l3Id: l3.id, vfAllowTrust: true });
    await synced();
    expect(await portOf(pci)).toMatchObject({ trust: true });
  });

  it("the reconciler repairs a setting lost behind its back (a driver reload)", async () => {
    const { fx, worker } = s;
    const nic = await fx.db.vmNic.findFirstOrThrow({
      where: { vm: { name: "vfport-a" } },
      include: { vf: true },
    });
    const pci = nic.vf?.pciAddress ?? "";
    await s.host.client.setVfPort(pci, DEFAULT_VF_PORT);
    expect(await portOf(pci)).toMatchObject({ trust: false, linkState: "auto" });
    const [outcome] = await worker.reconciler.runOnce();
    expect(outcome?.ports?.applied).toEqual([
      { vf: pci, settings: ["trust", "linkState", "queryRss"] },
    ]);
    expect(await portOf(pci)).toMatchObject({ trust: true, linkState: "disable", queryRss: true });
  });

  it("stores what the agent read back, and when: the NIC shows desired against observed, and the drift until it is repaired", async () => {
    const { fx, worker } = s;
    const nic = await fx.db.vmNic.findFirstOrThrow({
      where: { vm: { name: "vfport-a" } },
      include: { vf: true },
    });
    const pci = nic.vf?.pciAddress ?? "";
    const portView = async () =>
      (await getVm(fx.db, fx.tenant, { vmId: nic.vmId })).nics[0]?.vfPort;
    // The last pass repaired the VF and stored what the agent read back after it.
    const desired = { trust: true, linkState: "disable", queryRss: true };
    expect(await portView()).toMatchObject({
      observed: { port: desired, at: expect.any(Date) },
      drift: [],
    });
    // Lost behind its back, and the repair refused once: the drift is stored and shown.
    await s.host.client.setVfPort(pci, DEFAULT_VF_PORT);
    await s.host.client.injectFault({ call: "setVfPort", times: 1 });
    const [refused] = await worker.reconciler.runOnce();
    expect(refused?.ports?.failed).toEqual([{ vf: pci, code: "COMMAND_FAILED" }]);
    expect(await portView()).toMatchObject({
      desired,
      observed: { port: { trust: false, linkState: "auto", queryRss: false } },
      drift: ["trust", "linkState", "queryRss"],
    });
    // The next pass repairs it, and the stored read-back follows.
    const [repaired] = await worker.reconciler.runOnce();
    expect(repaired?.ports?.applied).toHaveLength(1);
    expect(await portView()).toMatchObject({ observed: { port: desired }, drift: [] });
  });

  it("after a host reboot the recovered VM's VF gets its settings back", async () => {
    const { fx, worker, host } = s;
    const nic = await fx.db.vmNic.findFirstOrThrow({
      where: { vm: { name: "vfport-a" } },
      include: { vf: true },
    });
    const pci = nic.vf?.pciAddress ?? "";
    expect((await finish(fx, rebootHost(fx.db, fx.admin, { hostId: host.hostId }))).status).toBe(
      "Succeeded",
    );
    const first = await worker.reconciler.runOnce();
    for (const reapply of first.flatMap((o) => o.reapplied))
      if (reapply.operationId) await waitForOperation(fx.db, fx.admin, reapply.operationId);
    // The VFs are back, fresh: the settings went with the reboot.
    expect(await portOf(pci)).toMatchObject(DEFAULT_VF_PORT);
    await worker.reconciler.runOnce();
    const recover = await fx.db.operation.findFirstOrThrow({
      where: { kind: "vm.recover", targetId: nic.vmId },
    });
    expect((await waitForOperation(fx.db, fx.admin, recover.id)).status).toBe("Succeeded");
    expect(await portOf(pci)).toMatchObject({ trust: true, linkState: "disable", queryRss: true });
  });

  it("a stop resets the VF before it is Available again", async () => {
    const { fx } = s;
    const vm = await fx.db.vm.findFirstOrThrow({
      where: { name: "vfport-a" },
      include: { nics: { include: { vf: true } } },
    });
    const vf = vm.nics[0]?.vf;
    const pci = vf?.pciAddress ?? "";
    const held = await portOf(pci);
    if (!held) throw new Error(`the agent reports no port for ${pci}`);
    expect(held).toMatchObject({ trust: true, linkState: "disable" });
    // What a reconcile pass stores while the VM holds it: the holder's settings.
    await fx.db.virtualFunction.update({
      where: { id: vf?.id ?? "" },
      data: { portObserved: held, portObservedAt: new Date() },
    });
    expect((await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe("Succeeded");
    const released = await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: vf?.id ?? "" } });
    expect(released.state).toBe("Available");
    // Reset: trust off, link state auto, query_rss off, VLAN 0.
    expect(await portOf(pci)).toMatchObject({ ...DEFAULT_VF_PORT, vlan: 0 });
    // The stored read-back is the reset's, not the last holder's: the next holder sees no stale port.
    expect(released.portObserved).toMatchObject({ ...DEFAULT_VF_PORT, vlan: 0 });
  });

  it("a VF whose reset fails stays Releasing, is not handed out, and is reset on a later pass", async () => {
    const { fx, worker, cat, l3, host } = s;
    const vf = await fx.db.virtualFunction.findFirstOrThrow({
      where: { hostId: host.hostId, pf: { name: "p1p1" } },
    });
    // As a release leaves it when its reset failed: a domain virtfn does not know holds the VF,
    // and the agent never resets a VF a domain holds.
    await fx.db.virtualFunction.update({ where: { id: vf.id }, data: { state: "Releasing" } });
    await host.client.defineDomain({
      name: "stray",
      vcpus: 1,
      memoryMiB: 256,
      nics: [{ type: "vf", mac: "52:54:00:77:77:77", pciAddress: vf.pciAddress }],
    });
    const [refused] = await worker.reconciler.runOnce();
    expect(refused?.ports?.failed).toEqual([{ vf: vf.pciAddress, code: "VF_IN_USE" }]);
    expect((await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: vf.id } })).state).toBe(
      "Releasing",
    );
    // The only VF of the PF is not handed out while it is dirty.
    const blocked = await refusal(
      createVm(fx.db, fx.tenant, {
        ...cat,
        name: "vfport-b",
        nics: [{ l3Id: l3.id, sriov: true }],
      }),
    );
    expect(blocked.code).toBe("NO_VF_AVAILABLE");

    await host.client.undefineDomain("stray");
    const [outcome] = await worker.reconciler.runOnce();
    expect(outcome?.ports?.reset).toEqual([vf.pciAddress]);
    expect((await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: vf.id } })).state).toBe(
      "Available",
    );
    const next = await runningVm(fx, fx.tenant, cat, "vfport-c", [{ l3Id: l3.id, sriov: true }]);
    const nextNic = await fx.db.vmNic.findFirstOrThrow({ where: { vmId: next.id } });
    expect(nextNic.vfId).toBe(vf.id);
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
  });
});
