// The VF counter collector runs one sweep at a time, whether the timer or a caller of runOnce
// started it: a collection held at the agent (a gate in the proxy in front of a real sim agent)
// keeps every other sweep from reaching the agent until it ends, and a runOnce that came
// meanwhile then does its own sweep.
import { createAgentClient } from "@virtfn/agent-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startVfCounterCollector, type VfCounterCollector } from "../src/counters/vf-counters";
import type { RunningWorker } from "../src/index";
import { faultHost, runningVms, sleep, type FaultHost } from "./faults";
import { createFixture, startInProcessWorker, type Fixture } from "./helpers";

const VF_COUNTERS = /^\/v1\/vf-counters/;

let fx: Fixture;
let worker: RunningWorker;
let host: FaultHost;
let collector: VfCounterCollector | null = null;
/** Agent calls for counters that the collector has under way, and the most there ever were. */
let inFlight = 0;
let peak = 0;

function startCollector(periodMs: number): VfCounterCollector {
  return startVfCounterCollector({
    db: fx.db,
    agentFor: (target) => {
      const client = createAgentClient({ baseUrl: target.agentUrl, token: target.agentToken });
      return {
        ...client,
        vfCounters: async (options) => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          try {
            return await client.vfCounters(options);
          } finally {
            inFlight -= 1;
          }
        },
      };
    },
    periodMs,
    maxInFlight: 4,
    log: () => undefined,
  });
}

/** The host is due again at once, as a short period would make it mid-sweep. */
const dueNow = () => fx.db.vfCounterCollection.updateMany({ data: { dueAt: new Date(0) } });

/**
 * Whether `started` reaches the agent (or ends) while the first sweep is held: given a while to
 * do so, since a serialised sweep never does and there is no event for "it did not".
 */
async function overlapsHeldSweep(next: { reached: Promise<void> }, started: Promise<number>) {
  return Promise.race([
    next.reached.then(() => "reached the agent" as const),
    started.then(() => "ended" as const),
    sleep(2000).then(() => "waited" as const),
  ]);
}

beforeAll(async () => {
  fx = await createFixture("vfcollector");
  worker = await startInProcessWorker(fx.config);
  host = await faultHost(fx, { name: "kvm-ctr", cidr: "10.83.0.0/24", vfs: 2, delayMs: 0 });
  await runningVms(fx, host, "ctr", 1);
}, 120_000);

afterEach(async () => {
  await collector?.stop();
  collector = null;
  inFlight = 0;
  peak = 0;
});

afterAll(async () => {
  await worker?.close();
  await host?.close();
  await fx?.cleanup();
});

describe("the VF counter collector: one sweep in flight at a time", () => {
  it("a runOnce while the timer's sweep is held at the agent waits for it, then sweeps", async () => {
    await dueNow();
    const held = host.proxy.hold("GET", VF_COUNTERS, "request");
    // A long period: the timer's first tick sweeps, and the host is not due again on its own.
    collector = startCollector(60_000);
    await held.reached;
    await dueNow();
    const next = host.proxy.hold("GET", VF_COUNTERS, "request");
    const asked = collector.runOnce();
    expect(await overlapsHeldSweep(next, asked)).toBe("waited");
    held.release();
    await next.reached;
    next.release();
    expect(await asked).toBe(1);
    expect(peak).toBe(1);
  }, 60_000);

  it("a second runOnce while the first is held at the agent waits for it, then sweeps", async () => {
    await dueNow();
    const held = host.proxy.hold("GET", VF_COUNTERS, "request");
    collector = startCollector(0);
    const first = collector.runOnce();
    await held.reached;
    await dueNow();
    const next = host.proxy.hold("GET", VF_COUNTERS, "request");
    const second = collector.runOnce();
    expect(await overlapsHeldSweep(next, second)).toBe("waited");
    held.release();
    expect(await first).toBe(1);
    await next.reached;
    next.release();
    expect(await second).toBe(1);
    expect(peak).toBe(1);
  }, 60_000);
});
