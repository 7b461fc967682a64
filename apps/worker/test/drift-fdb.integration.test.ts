import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import { deleteVm, setNicType, stopVm, updateL2Network, type L3View } from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, type Fixture } from "./helpers";
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

  it("(a) a vNIC switched to VF on a stopped VM: the reconciler removes its stale entry", async () => {
    const { vm, vnic } = await vmWithVfAndVnic("fdb-a2");
    expect((await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe("Succeeded");
    await setNicType(fx.db, fx.tenant, { nicId: vnic.id, type: "VF" });
    await worker.reconciler.runOnce();
    expect(await fdbMacs("em1")).not.toContain(vnic.mac);
    expect(await fx.db.fdbEntry.count({ where: { mac: vnic.mac } })).toBe(0);
    expect((await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe(
      "Succeeded",
    );
  });

  it("(b) a running vNIC on a plain L2 that turns SR-IOV on: the reconciler adds its MAC", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "fdb-b", [{ l3Id: plain.id }]);
    const vnic = await fx.db.vmNic.findFirstOrThrow({ where: { vmId: vm.id } });
    expect(await fdbMacs("em2")).not.toContain(vnic.mac);
    await updateL2Network(fx.db, fx.admin, { l2Id: plain.l2.id, sriovEnabled: true });
    // The desired row is written with the flag, in the same transaction.
    expect(await fx.db.fdbEntry.count({ where: { mac: vnic.mac, pfName: "em2" } })).toBe(1);
    await worker.reconciler.runOnce();
    expect(await fdbMacs("em2")).toContain(vnic.mac);

    await updateL2Network(fx.db, fx.admin, { l2Id: plain.l2.id, sriovEnabled: false });
    expect(await fx.db.fdbEntry.count({ where: { mac: vnic.mac } })).toBe(0);
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
