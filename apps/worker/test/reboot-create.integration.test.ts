import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVm } from "@virtfn/core";
import { waitForOperation } from "./helpers";
import { simSetup, vfConsistency, type SimSetup } from "./vms-helpers";

// Issue 10 item 2: a create that lands while the host's VFs are gone after a reboot waits for
// the re-apply instead of failing with AGENT_VF_NOT_FOUND.
describe("a VM created while its host's VFs are being re-applied after a reboot", () => {
  let s: SimSetup;

  beforeAll(async () => {
    s = await simSetup("rebootcreate", {
      host: "kvm-reboot",
      pf: "p1p1",
      vfs: 3,
      cidr: "10.70.0.0/24",
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("waits for the VFs and succeeds once the reconciler has re-applied them", async () => {
    const { fx, worker, host } = s;
    await host.client.reboot();
    const { vm, operation } = await createVm(fx.db, fx.tenant, {
      ...s.cat,
      name: "during-reboot",
      nics: [{ l3Id: s.l3.id, sriov: true }],
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
