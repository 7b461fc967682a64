// Issue 10, "Done means": Redis SIGKILLed with operations in flight and started again, once with
// its data (AOF) and once empty (a restart without persistence, or a failover to an empty
// replica, loses every queued job): every operation still ends, and database and agent agree.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, type Fixture } from "./helpers";
import {
  expectConverged,
  faultHost,
  operationsInFlight,
  runningVms,
  sleep,
  startRedisProcess,
  unfinished,
  type FaultHost,
  type RedisProcess,
} from "./faults";

describe("Redis SIGKILLed under operations in flight and restarted: everything converges", () => {
  let fx: Fixture;
  let redis: RedisProcess;
  let worker: RunningWorker;
  let host: FaultHost;
  const VMS = 4;

  beforeAll(async () => {
    fx = await createFixture("redisfault");
    redis = await startRedisProcess("fault");
    worker = await startInProcessWorker({ ...fx.config, redisUrl: redis.url, requeueMs: 1000 });
    host = await faultHost(fx, {
      name: "kvm-redis",
      cidr: "10.80.0.0/24",
      vfs: VMS * 4,
      delayMs: 200,
    });
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await host?.close();
    await redis?.stop();
    await fx?.cleanup();
  });

  for (const wipe of [false, true]) {
    it(`${VMS} stops and ${VMS} creates outlast a 5 s Redis outage${wipe ? " that loses every job" : ""}`, async () => {
      const tag = wipe ? "wiped" : "kept";
      const vms = await runningVms(fx, host, `${tag}-a`, VMS);
      const ids = await operationsInFlight(fx, host, vms, `${tag}-b`, VMS);
      await redis.kill();
      const left = await unfinished(fx);
      console.log(`[redis-fault] killed Redis with ${left} of ${VMS * 2} operations unfinished`);
      expect(left).toBeGreaterThan(0);
      await sleep(5000);
      await redis.start({ wipe });
      await expectConverged(fx, host, () => worker.reconciler.runOnce(), ids);
    }, 300_000);
  }
});
