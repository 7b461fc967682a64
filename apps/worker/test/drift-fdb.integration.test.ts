import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import { deleteVm, setNicType, stopVm, updateL2Network, type L3View } from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { addSimHost, type SimHost } from "./sriov-helpers";
import { catalog, finish, network, runningVm, split, type Catalog } from "./vms-helpers";

// Issue 10 item 1: FDB drift in both directions, repaired at once by the path that causes it
// and, for anything missed, by the reconciler.
describe("FDB entries follow the NICs, and the reconciler repairs drift both ways", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let cat: Catalog;
  let host: SimHost;
  /** SR-IOV, on em1 (4 VFs). */
  let sriov: L3View;
  /** No SR-IOV yet, on em2. */
  let plain: L3View;
  const agents: RunningAgent[] = [];

  const fdbMacs = async (pf: string) => (await host.client.listFdb(pf)).map((e) => e.mac);

  beforeAll(async () => {
    fx = await createFixture("driftfdb");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    host = await addSimHost(fx, agents, "kvm-fdb", "kvm-i350-82599");
    await split(fx, host, "em1", 4);
    sriov = await network(fx, { name: "fdb", iface: "em1", cidr: "10.40.0.0/24", sriov: true });
    plain = await network(fx, {
      name: "fdbplain",
      iface: "em2",
      cidr: "10.41.0.0/24",
      sriov: false,
    });
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  async function vmWithVfAndVnic(name: string) {
    const vm = await runningVm(fx, fx.tenant, cat, name, [
      { l3Id: sriov.id, sriov: true },
      { l3Id: sriov.id, sriov: false, isDefault: true },
    ]);
    const vnic = await fx.db.vmNic.findFirstOrThrow({ where: { vmId: vm.id, type: "VNIC" } });
    expect(await fdbMacs("em1")).toContain(vnic.mac);
    return { vm, vnic };
  }

  it("(a) stop, switch the vNIC to VF, delete: the delete takes the MAC out of the PF's FDB", async () => {
    const { vm, vnic } = await vmWithVfAndVnic("fdb-a");
    expect((await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe("Succeeded");
    await setNicType(fx.db, fx.tenant, { nicId: vnic.id, type: "VF" });
    expect((await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe(
      "Succeeded",
    );
    expect(await fdbMacs("em1")).not.toContain(vnic.mac);
  });

  /** Waits for the host's FDB sync that the last change asked for; no reconcile runs meanwhile. */
  async function synced() {
    const sync = await fx.db.operation.findFirstOrThrow({
      where: { kind: "host.syncFdb", targetId: host.hostId },
      orderBy: { createdAt: "desc" },
    });
    expect((await waitForOperation(fx.db, fx.admin, sync.id)).status).toBe("Succeeded");
  }

  it("(a) a NIC type change on a stopped VM fixes the PF's FDB at once, both ways, without a reconcile", async () => {
    const { vm, vnic } = await vmWithVfAndVnic("fdb-a2");
    expect((await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe("Succeeded");
    await setNicType(fx.db, fx.tenant, { nicId: vnic.id, type: "VF" });
    await synced();
    expect(await fdbMacs("em1")).not.toContain(vnic.mac);
    expect(await fx.db.fdbEntry.count({ where: { mac: vnic.mac } })).toBe(0);
    const vf = await fx.db.vmNic.findFirstOrThrow({ where: { vmId: vm.id, id: { not: vnic.id } } });
    await setNicType(fx.db, fx.tenant, { nicId: vf.id, type: "VNIC" });
    await synced();
    expect(await fdbMacs("em1")).toContain(vf.mac);
    expect((await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe(
      "Succeeded",
    );
    expect(await fdbMacs("em1")).not.toContain(vf.mac);
  });

  it("(b) a running vNIC on a plain L2 that turns SR-IOV on gets its FDB entry at once, and loses it when SR-IOV goes off", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "fdb-b", [{ l3Id: plain.id }]);
    const vnic = await fx.db.vmNic.findFirstOrThrow({ where: { vmId: vm.id } });
    expect(await fdbMacs("em2")).not.toContain(vnic.mac);
    await updateL2Network(fx.db, fx.admin, { l2Id: plain.l2.id, sriovEnabled: true });
    // The desired row is written with the flag, in the same transaction.
    expect(await fx.db.fdbEntry.count({ where: { mac: vnic.mac, pfName: "em2" } })).toBe(1);
    await synced();
    expect(await fdbMacs("em2")).toContain(vnic.mac);

    await updateL2Network(fx.db, fx.admin, { l2Id: plain.l2.id, sriovEnabled: false });
    expect(await fx.db.fdbEntry.count({ where: { mac: vnic.mac } })).toBe(0);
    await synced();
    expect(await fdbMacs("em2")).not.toContain(vnic.mac);
    expect((await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe(
      "Succeeded",
    );
  });

  it("the reconciler catches what a path missed: an L2 flag flipped behind the services' back", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "fdb-d", [{ l3Id: plain.id }]);
    const vnic = await fx.db.vmNic.findFirstOrThrow({ where: { vmId: vm.id } });
    await fx.db.l2Network.update({ where: { id: plain.l2.id }, data: { sriovEnabled: true } });
    await worker.reconciler.runOnce();
    expect(await fdbMacs("em2")).toContain(vnic.mac);
    await fx.db.l2Network.update({ where: { id: plain.l2.id }, data: { sriovEnabled: false } });
    await worker.reconciler.runOnce();
    expect(await fdbMacs("em2")).not.toContain(vnic.mac);
    expect((await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe(
      "Succeeded",
    );
  });

  it("an entry lost on the host comes back; one nobody wants goes", async () => {
    const { vm, vnic } = await vmWithVfAndVnic("fdb-c");
    const stray = "52:54:00:de:ad:01";
    await host.client.removeFdb("em1", vnic.mac);
    await host.client.addFdb("em1", stray);
    await worker.reconciler.runOnce();
    const macs = await fdbMacs("em1");
    expect(macs).toContain(vnic.mac);
    expect(macs).not.toContain(stray);
    expect((await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe(
      "Succeeded",
    );
    expect(await fdbMacs("em1")).not.toContain(vnic.mac);
  });
});
