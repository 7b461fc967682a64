// Issue 10: a create around a host reboot waits for the re-applied VFs instead of failing with
// AGENT_VF_NOT_FOUND. Each test holds one real agent call in the proxy so that it lands exactly
// on the side of the reboot or the re-apply that once made the create fail.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createVm } from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { expectConverged, faultHost, type FaultHost } from "./faults";

describe("a create around a host reboot: the agent's refusal and the re-apply cross", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let host: FaultHost;

  beforeAll(async () => {
    fx = await createFixture("rebootraces");
    // The reconciler runs when the test says, so the re-apply comes exactly when it should.
    worker = await startInProcessWorker({ ...fx.config, agentOutageMs: 30_000 });
    host = await faultHost(fx, { name: "kvm-races", cidr: "10.84.0.0/24", vfs: 4, delayMs: 0 });
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await host?.close();
    await fx?.cleanup();
  });
  beforeEach(async () => {
    // Each test starts from a host whose VFs are all there.
    await worker.reconciler.runOnce();
  });

  const create = (name: string) =>
    createVm(fx.db, fx.tenant, {
      ...host.cat,
      name,
      nics: [{ l3Id: host.l3.id, sriov: true }],
    });

  /** The reconciler notices the reboot and queues the re-apply, which then finishes. */
  async function reapply(): Promise<void> {
    const before = await fx.db.operation.count({ where: { kind: "pf.reapply" } });
    await worker.reconciler.runOnce();
    const reapplies = await fx.db.operation.findMany({
      where: { kind: "pf.reapply" },
      orderBy: { createdAt: "asc" },
    });
    expect(reapplies).toHaveLength(before + 1);
    const done = await waitForOperation(fx.db, fx.admin, reapplies[before]?.id ?? "");
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
  }

  it("a define refused while the VFs were gone, whose answer arrives after the re-apply, is tried again", async () => {
    await host.client.reboot();
    // The agent refuses the define (its VF is gone); the refusal is held on its way back.
    const refusal = host.proxy.hold("POST", /^\/v1\/domains$/, "answer");
    const { operation } = await create("races-define");
    await refusal.reached;
    // Meanwhile the VFs come back: no re-apply is pending any more when the refusal arrives.
    await reapply();
    refusal.release();
    await expectConverged(fx, host, () => worker.reconciler.runOnce(), [operation.id]);
  });

  it("a domain defined before the reboot and started after it waits for its VFs", async () => {
    // The define goes through; the start is held until the host has rebooted under it.
    const start = host.proxy.hold("POST", /^\/v1\/domains\/[^/]+\/start$/, "request");
    const { operation } = await create("races-start");
    await start.reached;
    await host.client.reboot();
    start.release();
    // The start is refused (its VF is gone) and waits, rather than failing the create.
    const waiting = await waitForOperation(
      fx.db,
      fx.admin,
      operation.id,
      (op) => op.progressMessage.startsWith("Waiting for") || op.status === "Failed",
    );
    expect(waiting.status, `${waiting.errorCode} ${waiting.errorMessage}`).not.toBe("Failed");
    await reapply();
    await expectConverged(fx, host, () => worker.reconciler.runOnce(), [operation.id]);
  });
});
