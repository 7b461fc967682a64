// Issue 10, "Done means": a slow agent. For ~15 s every answer from the agent arrives 11 s late,
// past the client's 10 s timeout: the agent has done the work, the worker never hears so and
// tries again. Once the agent answers promptly again, every operation ends and database and
// agent agree.
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

describe("an agent whose answers come past the timeout for a while: everything converges", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let host: FaultHost;
  const VMS = 4;

  beforeAll(async () => {
    fx = await createFixture("slowagent");
    worker = await startInProcessWorker({ ...fx.config, agentOutageMs: 45_000, requeueMs: 1000 });
    host = await faultHost(fx, {
      name: "kvm-slow",
      cidr: "10.81.0.0/24",
      vfs: VMS * 2,
      delayMs: 200,
    });
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await host?.close();
    await fx?.cleanup();
  });

  it(`${VMS} stops and ${VMS} creates outlast 15 s of answers 11 s late`, async () => {
    const vms = await runningVms(fx, host, "slow-a", VMS);
    host.proxy.setDelay(200, 11_000);
    const ids = await operationsInFlight(fx, host, vms, "slow-b", VMS);
    // The reconciler runs during the slow spell too, and must not make things worse.
    const reconciling = worker.reconciler.runOnce();
    await sleep(15_000);
    const left = await unfinished(fx);
    console.log(`[slow-agent] ${left} of ${VMS * 2} operations unfinished when the agent sped up`);
    expect(left).toBeGreaterThan(0);
    host.proxy.setDelay(200, 0);
    await reconciling;
    await expectConverged(fx, host, () => worker.reconciler.runOnce(), ids);
  }, 300_000);
});
