import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import { createVm, type L3View } from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { addSimHost, type SimHost } from "./sriov-helpers";
import { catalog, network, split, vfConsistency, type Catalog } from "./vms-helpers";

// Issue 10 item 2: a create that lands while the host's VFs are gone after a reboot waits for
// the re-apply instead of failing with AGENT_VF_NOT_FOUND.
describe("a VM created while its host's VFs are being re-applied after a reboot", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let cat: Catalog;
  let host: SimHost;
  let l3: L3View;
  const agents: RunningAgent[] = [];

  beforeAll(async () => {
    fx = await createFixture("rebootcreate");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    host = await addSimHost(fx, agents, "kvm-reboot", "kvm-i350-82599");
    await split(fx, host, "p1p1", 3);
    l3 = await network(fx, { name: "rb", iface: "p1p1", cidr: "10.70.0.0/24", sriov: true });
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("waits for the VFs and succeeds once the reconciler has re-applied them", async () => {
    await host.client.reboot();
    const { vm, operation } = await createVm(fx.db, fx.tenant, {
      ...cat,
      name: "during-reboot",
      nics: [{ l3Id: l3.id, sriov: true }],
    });
    // The define has been refused at least once: the create is waiting, not failed.
    await waitForOperation(fx.db, fx.admin, operation.id, (op) =>
      op.progressMessage.startsWith("Waiting for"),
    );
    // The reconciler notices the reboot and queues the re-apply; a later pass sees the VFs back.
    await worker.reconciler.runOnce();
    const reapply = await fx.db.operation.findFirstOrThrow({ where: { kind: "pf.reapply" } });
    expect((await waitForOperation(fx.db, fx.admin, reapply.id)).status).toBe("Succeeded");
    await worker.reconciler.runOnce();
    const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 120_000);
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    const row = await fx.db.vm.findUniqueOrThrow({
      where: { id: vm.id },
      include: { nics: { include: { vf: true } } },
    });
    expect(row.state).toBe("Running");
    expect(row.nics[0]?.vf?.state).toBe("Attached");
    const domain = await host.client.getDomain(vm.id);
    expect(domain.state).toBe("running");
    expect(domain.nics.filter((n) => n.type === "vf")).toHaveLength(1);
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
  });
});
