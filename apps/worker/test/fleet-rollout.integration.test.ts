import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import type { RunningAgent } from "@virtfn/agent";
import {
  addHost,
  getFleetRollout,
  getOperation,
  startFleetRollout,
  type FleetRolloutInput,
} from "@virtfn/core";
import {
  AGENT_TOKEN,
  createFixture,
  spawnWorkerProcess,
  startInProcessWorker,
  waitForOperation,
  type Fixture,
} from "./helpers";
import { startSlowSimAgent } from "./sriov-helpers";

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

const HOSTS_PER_CLUSTER = 6;
const BUDGET = 2;

/**
 * Watches the real child operations (not the rollout's own bookkeeping): per cluster, the hosts
 * with a pf.split / pf.restore Pending or Running, sampled until `stop` is called.
 */
function watchHostsInFlight(fx: Fixture) {
  const max = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await fx.db.$queryRaw<Array<{ clusterId: string; hosts: number }>>`
        SELECT h."clusterId", count(DISTINCT h.id)::int AS hosts
          FROM "Operation" AS o
          JOIN "PhysicalNic" AS p ON p.id::text = o."targetId"
          JOIN "Host" AS h ON h.id = p."hostId"
         WHERE o.kind IN ('pf.split', 'pf.restore') AND o.status IN ('Pending', 'Running')
         GROUP BY h."clusterId"`;
      for (const row of rows)
        max.set(row.clusterId, Math.max(max.get(row.clusterId) ?? 0, row.hosts));
      samples += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    /** Idempotent: a test's `finally` may stop it again. */
    async stop() {
      running = false;
      await loop;
      return { max, samples };
    },
  };
}

describe("fleet rollouts keep to a disruption budget per cluster", () => {
  let fx: Fixture;
  const agents: RunningAgent[] = [];
  const children: ChildProcess[] = [];
  let clusterIds: string[];

  beforeAll(async () => {
    fx = await createFixture("fleet");
    const clusters = await fx.db.cluster.findMany({
      where: { name: { in: ["cluster-a", "cluster-b"] } },
      orderBy: { name: "asc" },
    });
    clusterIds = clusters.map((cluster) => cluster.id);
    const worker = await startInProcessWorker(fx.config);
    try {
      // 12 hosts over 2 clusters; 25 ms per VF, so an 8-VF split lasts long enough to overlap.
      await Promise.all(
        clusters.flatMap((cluster) =>
          Array.from({ length: HOSTS_PER_CLUSTER }, async (_, i) => {
            const agent = await startSlowSimAgent("kvm-i350-82599", 25);
            agents.push(agent);
            const { operation } = await addHost(fx.db, fx.admin, {
              name: `${cluster.name}-kvm-${String(i + 1).padStart(2, "0")}`,
              clusterId: cluster.id,
              agentUrl: agent.url,
              agentToken: AGENT_TOKEN,
              scanIommu: true,
            });
            const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
            if (done.status !== "Succeeded") throw new Error(`add host: ${done.errorMessage}`);
          }),
        ),
      );
    } finally {
      await worker.close();
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(children.map(kill));
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  /**
   * A worker process with its own telemetry port (an inherited one would make the second fail to
   * start), returned once its liveness endpoint answers.
   */
  async function spawnLiveWorker(index: number): Promise<ChildProcess> {
    const port = Number(process.env.VIRTFN_TEST_WEB_PORT ?? 35003) + 20 + index;
    const child = spawnWorkerProcess(fx.config, { VIRTFN_WORKER_HTTP_PORT: String(port) });
    children.push(child);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`worker ${index} exited at start`);
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (res) => res.ok,
        () => false,
      );
      if (up) return child;
      if (Date.now() > deadline) throw new Error(`worker ${index} did not come up`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const p1p1 = (count: number): FleetRolloutInput => ({
    action: "split",
    count,
    selection: { clusterIds, interfaceName: "p1p1" },
    maxUnavailable: String(BUDGET),
  });

  it("12 hosts over 2 clusters with maxUnavailable=2 and two workers: never more than 2 hosts in flight per cluster, 2 at some point, all PFs at the target", async () => {
    const workers = await Promise.all([
      startInProcessWorker(fx.config),
      startInProcessWorker(fx.config),
    ]);
    try {
      const watch = watchHostsInFlight(fx);
      const started = await startFleetRollout(fx.db, fx.admin, p1p1(8));
      expect(started.plan.clusters.map((c) => c.budget)).toEqual([BUDGET, BUDGET]);
      const done = await waitForOperation(
        fx.db,
        fx.admin,
        started.operation.id,
        undefined,
        120_000,
      );
      const { max, samples } = await watch.stop();
      expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
      expect(samples).toBeGreaterThan(10);
      for (const clusterId of clusterIds) {
        expect(max.get(clusterId), "hosts in flight at most").toBeLessThanOrEqual(BUDGET);
        expect(max.get(clusterId), "hosts in flight at some point").toBe(BUDGET);
      }
      const pfs = await fx.db.physicalNic.findMany({ where: { name: "p1p1" } });
      expect(pfs).toHaveLength(2 * HOSTS_PER_CLUSTER);
      for (const pf of pfs) expect(pf).toMatchObject({ numVfs: 8, desiredNumVfs: 8 });

      const view = await getFleetRollout(fx.db, fx.admin, { rolloutId: started.rollout.id });
      expect(view.clusters.map((c) => [c.total, c.succeeded, c.hostsInFlight])).toEqual([
        [HOSTS_PER_CLUSTER, HOSTS_PER_CLUSTER, 0],
        [HOSTS_PER_CLUSTER, HOSTS_PER_CLUSTER, 0],
      ]);
      expect(done.result).toMatchObject({ total: 12, succeeded: 12, failed: 0 });
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
  }, 180_000);

  it("workers SIGKILLed mid-rollout leave it to the others: the rollout completes, within its budget", async () => {
    const [first, second] = await Promise.all([spawnLiveWorker(0), spawnLiveWorker(1)]);
    const watch = watchHostsInFlight(fx);
    try {
      const started = await startFleetRollout(fx.db, fx.admin, {
        action: "restore",
        selection: { clusterIds, interfaceName: "p1p1" },
        maxUnavailable: String(BUDGET),
      });
      const succeeded = async () =>
        (await getFleetRollout(fx.db, fx.admin, { rolloutId: started.rollout.id })).clusters.reduce(
          (sum, c) => sum + c.succeeded,
          0,
        );
      const waitForSucceeded = async (atLeast: number) => {
        const deadline = Date.now() + 60_000;
        while ((await succeeded()) < atLeast) {
          if (Date.now() > deadline) {
            const view = await getFleetRollout(fx.db, fx.admin, { rolloutId: started.rollout.id });
            const ops = await fx.db.operation.findMany({
              select: {
                kind: true,
                status: true,
                progressMessage: true,
                attempts: true,
                errorMessage: true,
              },
              where: { kind: { in: ["pf.restore", "fleet.setVfCount"] } },
            });
            throw new Error(`fewer than ${atLeast} PFs restored: ${JSON.stringify({ view, ops })}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await waitForSucceeded(2);
      await kill(first);
      expect(second.exitCode, "the other worker is still up").toBeNull();
      await waitForSucceeded(5);
      await kill(second);
      expect((await getOperation(fx.db, fx.admin, started.operation.id)).status).toBe("Running");
      expect(await succeeded()).toBeLessThan(12);

      const third = await spawnLiveWorker(2);
      const done = await waitForOperation(
        fx.db,
        fx.admin,
        started.operation.id,
        undefined,
        120_000,
      );
      const { max } = await watch.stop();
      expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
      expect(done.result).toMatchObject({ total: 12, succeeded: 12, failed: 0 });
      for (const clusterId of clusterIds) {
        expect(max.get(clusterId), "hosts in flight at most").toBeLessThanOrEqual(BUDGET);
      }
      const pfs = await fx.db.physicalNic.findMany({ where: { name: "p1p1" } });
      for (const pf of pfs) expect(pf).toMatchObject({ numVfs: 0, desiredNumVfs: 0 });
      await kill(third);
    } finally {
      await watch.stop();
    }
  }, 240_000);
});
