// Issue 10, "Done means": a host reboot with operations in flight. The sim host loses its VFs,
// its running domains and its FDB; the reconciler (on its schedule here) re-applies the VFs and
// recovers the VMs that should run, and the waiting operations finish. Two kinds of reboot: the
// sim's own reboot call, with the agent answering throughout, and a real power cycle, where the
// agent process is SIGKILLed, the host goes through a power cycle while it is down, and the
// agent starts again on the rebooted host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, type Fixture } from "./helpers";
import {
  expectConverged,
  faultHost,
  operationsInFlight,
  runningVms,
  sleep,
  stoppedVms,
  unfinished,
  type FaultHost,
} from "./faults";

const VMS = 4;

describe.each([
  { kind: "sim reboot call", cidr: "10.83.0.0/24" },
  { kind: "SIGKILL and power cycle", cidr: "10.85.0.0/24" },
])("a host rebooted ($kind) under operations in flight: everything converges", (reboot) => {
  let fx: Fixture;
  let worker: RunningWorker;
  let host: FaultHost;
  const killed = reboot.kind !== "sim reboot call";

  beforeAll(async () => {
    fx = await createFixture(killed ? "rebootkill" : "rebootfault");
    worker = await startInProcessWorker({
      ...fx.config,
      agentOutageMs: 45_000,
      requeueMs: 1000,
      reconcileMs: 1000,
    });
    host = await faultHost(fx, {
      name: "kvm-reboot",
      cidr: reboot.cidr,
      vfs: VMS * 4,
      delayMs: 200,
      // A driver's pace, so VF creation after the reboot overlaps the waiting operations.
      ...(killed ? { agentProcess: { perVfDelayMs: 30 } } : {}),
    });
  }, 180_000);
  afterAll(async () => {
    await worker?.close();
    await host?.close();
    await fx?.cleanup();
  });

  it(`${VMS} stops, ${VMS} starts and ${VMS} creates around a reboot; running VMs come back with their VFs`, async () => {
    await runningVms(fx, host, "rb-stay", VMS);
    const toStart = await stoppedVms(fx, host, "rb-start", VMS);
    const toStop = await runningVms(fx, host, "rb-stop", VMS);
    const ids = await operationsInFlight(fx, host, toStop, "rb-new", VMS, toStart);
    if (host.process) {
      await host.process.kill();
      await host.process.powerCycle();
    } else await host.client.reboot();
    const left = await unfinished(fx);
    console.log(`[reboot-fault] ${reboot.kind} with ${left} of ${VMS * 3} operations unfinished`);
    expect(left).toBeGreaterThan(0);
    if (host.process) {
      // The host takes a while to come back; the operations wait it out.
      await sleep(3000);
      await host.process.start();
    }
    await expectConverged(fx, host, () => worker.reconciler.runOnce(), ids);
    const byName = new Map((await fx.db.vm.findMany()).map((vm) => [vm.name, vm.state]));
    for (const [prefix, state] of [
      ["rb-stay", "Running"],
      ["rb-start", "Running"],
      ["rb-stop", "Stopped"],
      ["rb-new", "Running"],
    ] as const) {
      for (let i = 0; i < VMS; i += 1) expect(byName.get(`${prefix}-${i}`)).toBe(state);
    }
  }, 300_000);
});
