// Issue 10, "Done means": Postgres SIGKILLed for ~5 s while the worker runs operations, then
// started again on the same data: the worker carries on without a restart, every operation
// ends, and database and agent agree. The server is the test's own; the shared one never dies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, migrateDeploy, type Db } from "@virtfn/db";
import { startPgProcess, type PgProcess } from "@virtfn/db/pg-process";
import { ensureDatabase } from "@virtfn/db/services";
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

async function answering(db: Db): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await db.$queryRaw`SELECT 1`;
      return;
    } catch (error) {
      if (i > 300) throw error;
      await sleep(100);
    }
  }
}

describe("Postgres SIGKILLed under operations in flight and restarted: everything converges", () => {
  let pgp: PgProcess;
  let fx: Fixture;
  let worker: RunningWorker;
  let host: FaultHost;
  const VMS = 4;

  beforeAll(async () => {
    pgp = await startPgProcess("workerfault");
    await ensureDatabase(pgp.url("postgres"), "virtfn");
    await migrateDeploy(pgp.url("virtfn"));
    const url = pgp.url("virtfn");
    const db = createDb(url, { max: 10 });
    fx = await createFixture("pgfault", {
      url,
      db,
      drop: async () => {
        await pgp.stop();
        await Promise.race([db.$disconnect().catch(() => undefined), sleep(5000)]);
      },
    });
    worker = await startInProcessWorker({ ...fx.config, agentOutageMs: 45_000, requeueMs: 1000 });
    host = await faultHost(fx, {
      name: "kvm-pg",
      cidr: "10.82.0.0/24",
      vfs: VMS * 2,
      delayMs: 200,
    });
  }, 180_000);
  afterAll(async () => {
    await worker?.close();
    await host?.close();
    await fx?.cleanup();
  });

  it(`${VMS} stops and ${VMS} creates outlast a 5 s Postgres outage`, async () => {
    const vms = await runningVms(fx, host, "pg-a", VMS);
    const ids = await operationsInFlight(fx, host, vms, "pg-b", VMS);
    const left = await unfinished(fx);
    await pgp.kill();
    console.log(`[pg-fault] killed Postgres with ${left} of ${VMS * 2} operations unfinished`);
    expect(left).toBeGreaterThan(0);
    await sleep(5000);
    await pgp.start();
    await answering(fx.db);
    await expectConverged(fx, host, () => worker.reconciler.runOnce(), ids);
  }, 300_000);
});
