import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import { getVm, rebootVm, restorePhysicalNic, type L3View } from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { addSimHost, type SimHost } from "./sriov-helpers";
import {
  catalog,
  finish,
  network,
  runningVm,
  split,
  vfConsistency,
  type Catalog,
} from "./vms-helpers";

// Issue 10 item 6: a forced restore must not leave a VM that claims VFs it no longer has.
describe("a forced restore's NIC state: VF lost, counted, announced, and re-acquired by a reboot", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let cat: Catalog;
  let host: SimHost;
  let l3: L3View;
  const agents: RunningAgent[] = [];

  beforeAll(async () => {
    fx = await createFixture("vflost");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    host = await addSimHost(fx, agents, "kvm-lost", "kvm-i350-82599");
    await split(fx, host, "em1", 2);
    l3 = await network(fx, { name: "lost", iface: "em1", cidr: "10.60.0.0/24", sriov: true });
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("the VM says which NICs lost their VF, counts only attached VFs, gets an event; a reboot takes free VFs back", async () => {
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
