// Issue 10, "Done means": a host reboot with operations in flight. The sim host loses its VFs and
// its running domains; the reconciler (on its schedule here) re-applies the VFs and recovers the
// VMs that should run, and the waiting operations finish.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, type Fixture } from "./helpers";
import {
  expectConverged,
  faultHost,
  operationsInFlight,
  runningVms,
  sleep,
  unfinished,
  type FaultHost,
} from "./faults";

describe("a host rebooted under operations in flight: everything converges", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let host: FaultHost;
  const VMS = 4;

  beforeAll(async () => {
    fx = await createFixture("rebootfault");
    worker = await startInProcessWorker({
      ...fx.config,
      agentOutageMs: 45_000,
      requeueMs: 1000,
      reconcileMs: 1000,
    });
    host = await faultHost(fx, {
      name: "kvm-reboot",
      cidr: "10.83.0.0/24",
      vfs: VMS * 3,
      delayMs: 200,
    });
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await host?.close();
    await fx?.cleanup();
  });

  it(`${VMS} stops and ${VMS} creates around a reboot; running VMs come back with their VFs`, async () => {
    const stay = await runningVms(fx, host, "rb-stay", VMS);
    const vms = await runningVms(fx, host, "rb-a", VMS);
    const ids = await operationsInFlight(fx, host, vms, "rb-b", VMS);
    await host.client.reboot();
    const left = await unfinished(fx);
    console.log(`[reboot-fault] rebooted with ${left} of ${VMS * 2} operations unfinished`);
    expect(left).toBeGreaterThan(0);
    // The reconciler's own operations (re-apply, recover) must end too.
    for (let i = 0; i < 600 && (await unfinished(fx)) > 0; i++) await sleep(200);
    await expectConverged(fx, host, () => worker.reconciler.runOnce(), ids);
    for (const vm of stay)
      expect((await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } })).state).toBe("Running");
  }, 300_000);
});
