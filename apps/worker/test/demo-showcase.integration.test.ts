// Issue 16 in the `npm start` demo: the showcase gives the demo tenant a running VM whose VF
// counters move (demo-stream, on kvm-02's E810 port: ice keeps VF counters) next to demo-web on
// kvm-01's 82599 port (ixgbe keeps none, so it has no series: absent, never 0). The demo hosts
// are sim agents over HTTP with the demo's profiles; the worker collects as `npm start`'s does.
import type { RunningAgent } from "@virtfn/agent";
import {
  DEMO_COUNTERS,
  DEMO_SHOWCASE,
  latestVfCounters,
  seedDemoNetworks,
  seedDemoShowcase,
  splitDemoPf,
} from "@virtfn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "../src/index";
import { sleep } from "./faults";
import { createFixture, startInProcessWorker, type Fixture } from "./helpers";
import { addSimHost } from "./sriov-helpers";

let fx: Fixture;
let worker: RunningWorker;
const agents: RunningAgent[] = [];

/** Tries `step` until it reports done, as `npm start` does; gives up after `tries`. */
async function until(what: string, step: () => Promise<boolean>, tries = 240): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (await step()) return;
    await sleep(250);
  }
  throw new Error(`${what}: not done`);
}

const vmState = async (name: string) =>
  (await fx.db.vm.findFirst({ where: { name }, select: { state: true } }))?.state;

beforeAll(async () => {
  fx = await createFixture("showcase");
  worker = await startInProcessWorker(fx.config);
  await addSimHost(fx, agents, "kvm-01", "kvm-i350-82599");
  await addSimHost(fx, agents, "kvm-02", "kvm-e810");
  await seedDemoNetworks(fx.db);
  await until("the demo PF split", () => splitDemoPf(fx.db));
  await until("the showcase seeded", () => seedDemoShowcase(fx.db));
  for (const vm of [DEMO_SHOWCASE.vm, DEMO_COUNTERS.vm])
    await until(`${vm} running`, async () => (await vmState(vm)) === "Running");
}, 180_000);

afterAll(async () => {
  await worker?.close();
  await Promise.all(agents.map((agent) => agent.close().catch(() => undefined)));
  await fx?.cleanup();
});

describe("the demo showcase's VF counters", () => {
  it("demo-stream's VF counters move, labelled with its VM and project; demo-web has none", async () => {
    // Two collections a moment apart: the sim's counters move between two reads.
    for (let i = 0; i < 2; i += 1) {
      await fx.db.vfCounterCollection.updateMany({ data: { dueAt: new Date(0) } });
      await worker.vfCounters.runOnce();
      await sleep(100);
    }
    const series = await latestVfCounters(fx.db);
    const stream = series.filter((s) => s.labels.vm === DEMO_COUNTERS.vm);
    expect(stream.map((s) => s.labels)).toEqual([
      expect.objectContaining({
        host: DEMO_COUNTERS.pf.host,
        pf: DEMO_COUNTERS.pf.interface,
        nic: "eth0",
        project: "demo-project",
      }),
    ]);
    expect(stream[0]?.values.rxBytes).toBeGreaterThan(0);
    expect(stream[0]?.values.txBytes).toBeGreaterThan(0);
    expect(series.filter((s) => s.labels.vm === DEMO_SHOWCASE.vm)).toEqual([]);
  }, 60_000);

  it("a second seeding finds everything in place and adds nothing", async () => {
    const before = await fx.db.vm.count();
    expect(await seedDemoShowcase(fx.db)).toBe(true);
    expect(await fx.db.vm.count()).toBe(before);
  }, 60_000);
});
