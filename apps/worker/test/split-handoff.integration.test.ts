import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import type { RunningAgent } from "@virtfn/agent";
import { Queue } from "bullmq";
import { addHost, getOperation, Queues, reconnectHost, splitPhysicalNic } from "@virtfn/core";
import { createDb } from "@virtfn/db";
import {
  AGENT_TOKEN,
  createFixture,
  spawnWorkerProcess,
  startInProcessWorker,
  startSlowProxy,
  waitForOperation,
  type Fixture,
  type GateProxy,
} from "./helpers";
import { startWorker } from "../src/index";
import { addSimHost, pfNamed, startSlowSimAgent } from "./sriov-helpers";

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Some VF changes done, read from the operation's progress data (not its message). */
const midway = (op: {
  progressPhase: string | null;
  progressDone: number | null;
  status: string;
}) => op.status === "Running" && op.progressPhase === "vfChanges" && (op.progressDone ?? 0) > 0;

describe("a split waits for its agent task without holding a worker slot", () => {
  let fx: Fixture;
  const agents: RunningAgent[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    fx = await createFixture("handoff");
  });
  afterAll(async () => {
    await Promise.all(children.map(kill));
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("with one worker slot, a host reconnect runs to the end while a 63-VF split is still running", async () => {
    const worker = await startInProcessWorker(fx.config);
    let slowHostId: string;
    let otherHostId: string;
    try {
      slowHostId = (
        await addSimHost(fx, agents, "kvm-slow", "kvm-i350-82599", { perVfDelayMs: 100 })
      ).hostId;
      otherHostId = (await addSimHost(fx, agents, "kvm-other", "kvm-i350-82599")).hostId;
    } finally {
      await worker.close();
    }
    const single = await startInProcessWorker({ ...fx.config, concurrency: 1 });
    try {
      const pf = await pfNamed(fx.db, slowHostId, "p1p1");
      const split = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 63 });
      await waitForOperation(fx.db, fx.admin, split.operation.id, midway);
      // Same queue (hosts), one slot: before the hand-off this waited for the whole split.
      const { operation } = await reconnectHost(fx.db, fx.admin, { hostId: otherHostId });
      const reconnected = await waitForOperation(fx.db, fx.admin, operation.id);
      expect(reconnected.status).toBe("Succeeded");
      expect((await getOperation(fx.db, fx.admin, split.operation.id)).status).toBe("Running");

      const done = await waitForOperation(fx.db, fx.admin, split.operation.id, undefined, 60_000);
      expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
      expect(done.attempts).toBe(1);
      expect(done.result).toMatchObject({
        pf: "p1p1",
        previousNumVfs: 0,
        numVfs: 63,
        viaZero: false,
      });
      expect(await fx.db.virtualFunction.count({ where: { pfId: pf.id } })).toBe(63);
    } finally {
      await single.close();
    }
  }, 180_000);

  it("with one worker slot, a split's agent calls hold no slot: a host reconnect runs while its start and its read-back are held", async () => {
    const worker = await startInProcessWorker(fx.config);
    const agent = await startSlowSimAgent("kvm-i350-82599", 0);
    agents.push(agent);
    let proxy: GateProxy | null = null;
    let gatedHostId: string;
    let otherHostId: string;
    try {
      proxy = await startSlowProxy(agent.url, 0);
      const { host, operation } = await addHost(fx.db, fx.admin, {
        name: "kvm-gated",
        clusterId: fx.clusterId,
        agentUrl: proxy.url,
        agentToken: AGENT_TOKEN,
      });
      expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
      gatedHostId = host.id;
      otherHostId = (await addSimHost(fx, agents, "kvm-other-2", "kvm-i350-82599")).hostId;
    } finally {
      await worker.close();
    }
    const single = await startInProcessWorker({ ...fx.config, concurrency: 1 });
    // The other host's reconnect runs to the end while the split's call is still held: the split
    // is on its first attempt, untouched (a job that held the slot through the call would only
    // have let go of it once the call timed out, and retried).
    const reconnectOther = async (splitId: string) => {
      const { operation } = await reconnectHost(fx.db, fx.admin, { hostId: otherHostId });
      expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
      expect(await getOperation(fx.db, fx.admin, splitId)).toMatchObject({
        status: "Running",
        attempts: 1,
        errorCode: null,
      });
    };
    try {
      const pf = await pfNamed(fx.db, gatedHostId, "p1p1");
      // The split's start, held in the proxy before it reaches the agent.
      const start = proxy.hold("PUT", /\/v1\/nics\/[^/]+\/sriov$/, "request");
      const split = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 8 });
      await start.reached;
      // Same queue, one slot: a job that waited for that call in its slot would starve this one.
      await reconnectOther(split.operation.id);
      // Then its read-back of the PF, held the same way once the task has ended.
      const readBack = proxy.hold("GET", /\/v1\/nics\/[^/?]+$/, "request");
      start.release();
      await readBack.reached;
      await reconnectOther(split.operation.id);
      readBack.release();
      const done = await waitForOperation(fx.db, fx.admin, split.operation.id);
      expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
      expect(done).toMatchObject({ attempts: 1, result: { pf: "p1p1", numVfs: 8 } });
      expect(await fx.db.virtualFunction.count({ where: { pfId: pf.id } })).toBe(8);
    } finally {
      await single.close();
      await proxy.close();
    }
  }, 180_000);

  it("a split asks its agent only what it needs: the split first (no look for a task on a first attempt), then its task, then that one PF", async () => {
    const routes: string[] = [];
    let recording = false;
    const worker = await startInProcessWorker(fx.config);
    try {
      const { hostId } = await addSimHost(fx, agents, "kvm-asks", "kvm-i350-82599", {
        perVfDelayMs: 20,
        onRequest: (route) => {
          if (recording) routes.push(route);
        },
      });
      const pf = await pfNamed(fx.db, hostId, "p1p1");
      recording = true;
      const split = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 16 });
      const done = await waitForOperation(fx.db, fx.admin, split.operation.id);
      recording = false;
      expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
      expect(routes[0], routes.join(" ")).toBe("setVfCount");
      // The read-back reads the split PF alone, not the host's NIC list.
      expect(routes.at(-1), routes.join(" ")).toBe("getNic");
      // Between them only looks at the task (how many depends on the machine's speed).
      const between = routes.slice(1, -1);
      expect(between.length).toBeGreaterThan(0);
      expect(
        between.every((route) => route === "getTask"),
        routes.join(" "),
      ).toBe(true);
    } finally {
      await worker.close();
    }
  }, 180_000);

  it("the task watcher wakes a handed-off split when its agent task ends, long before its safety-net re-check", async () => {
    const routes: string[] = [];
    let recording = false;
    // A safety-net re-check far past the wait below: only the watcher can finish this split.
    const worker = await startInProcessWorker({ ...fx.config, watchedRecheckMs: 3_600_000 });
    try {
      const { hostId } = await addSimHost(fx, agents, "kvm-watched", "kvm-i350-82599", {
        perVfDelayMs: 20,
        onRequest: (route) => {
          if (recording) routes.push(route);
        },
      });
      const pf = await pfNamed(fx.db, hostId, "p1p1");
      recording = true;
      const split = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 16 });
      const done = await waitForOperation(fx.db, fx.admin, split.operation.id, undefined, 60_000);
      recording = false;
      expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
      expect(done.result).toMatchObject({ pf: "p1p1", numVfs: 16 });
      expect(routes[0], routes.join(" ")).toBe("setVfCount");
      expect(routes.at(-1), routes.join(" ")).toBe("getNic");
    } finally {
      await worker.close();
    }
  }, 180_000);

  it("the task watcher finishes a split whose task succeeded itself: VFs recorded, Succeeded, and no second job run", async () => {
    const lines: string[] = [];
    const worker = await startWorker({ ...fx.config, watchedRecheckMs: 3_600_000 }, (line) => {
      lines.push(line);
    });
    const queue = new Queue(Queues.hosts, {
      connection: { url: fx.config.redisUrl },
      prefix: fx.config.queuePrefix,
    });
    try {
      const { hostId } = await addSimHost(fx, agents, "kvm-finished", "kvm-i350-82599", {
        perVfDelayMs: 20,
      });
      const pf = await pfNamed(fx.db, hostId, "p1p1");
      const split = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 12 });
      const id = split.operation.id;
      const done = await waitForOperation(fx.db, fx.admin, id, undefined, 60_000);
      expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
      expect(done.result).toMatchObject({ pf: "p1p1", previousNumVfs: 0, numVfs: 12 });
      expect(await pfNamed(fx.db, hostId, "p1p1")).toMatchObject({
        numVfs: 12,
        virtualizationState: "Virtualized",
      });
      expect(await fx.db.virtualFunction.count({ where: { pfId: pf.id } })).toBe(12);
      // One run of the job (the one that handed off); the watcher finished the rest and
      // removed the job, which a second run would have left among the completed ones.
      const about = lines.filter((line) => line.includes(id));
      expect(
        about.filter((line) => line.includes("running (attempt")),
        about.join("\n"),
      ).toHaveLength(1);
      expect(
        about.filter((line) => line.includes(" resumed")),
        about.join("\n"),
      ).toHaveLength(0);
      expect(
        about.filter((line) => line.endsWith(" succeeded")),
        about.join("\n"),
      ).toHaveLength(1);
      expect(await queue.getJob(id)).toBeUndefined();
    } finally {
      await queue.close();
      await worker.close();
    }
  }, 180_000);

  it("a worker SIGKILLed mid-split is replaced, and the split completes with its VFs recorded", async () => {
    const worker = await startInProcessWorker(fx.config);
    let hostId: string;
    try {
      hostId = (await addSimHost(fx, agents, "kvm-kill", "kvm-i350-82599", { perVfDelayMs: 100 }))
        .hostId;
    } finally {
      await worker.close();
    }
    const pf = await pfNamed(fx.db, hostId, "p1p2");
    const split = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 63 });
    // The safety-net re-check is what a crashed worker's split waits for, as the lock is for a
    // crashed job: short here, like the fixture's lockMs, so a loaded machine stays in the wait.
    const first = spawnWorkerProcess(fx.config, { VIRTFN_WATCHED_RECHECK_MS: "2000" });
    children.push(first);
    await waitForOperation(fx.db, fx.admin, split.operation.id, midway);
    await kill(first);
    expect((await getOperation(fx.db, fx.admin, split.operation.id)).status).toBe("Running");

    const second = spawnWorkerProcess(fx.config);
    children.push(second);
    const done = await waitForOperation(fx.db, fx.admin, split.operation.id, undefined, 60_000);
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    expect(done.result).toMatchObject({ pf: "p1p2", numVfs: 63 });
    const after = await pfNamed(fx.db, hostId, "p1p2");
    expect(after).toMatchObject({
      numVfs: 63,
      desiredNumVfs: 63,
      virtualizationState: "Virtualized",
    });
    expect(await fx.db.virtualFunction.count({ where: { pfId: pf.id } })).toBe(63);
    await kill(second);
  }, 180_000);

  it("a split request that finds the connection pool busy past maxWait waits for it instead of being refused (P2028)", async () => {
    const worker = await startInProcessWorker(fx.config);
    let hostId: string;
    try {
      hostId = (await addSimHost(fx, agents, "kvm-pool", "kvm-i350-82599")).hostId;
    } finally {
      await worker.close();
    }
    const pf = await pfNamed(fx.db, hostId, "em1");
    const tiny = createDb(fx.database.url, { max: 1 });
    try {
      // The only connection is held longer than Prisma's 2 s maxWait for starting a transaction.
      const holder = tiny.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe("SELECT pg_sleep(3)");
        },
        { timeout: 20_000 },
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = await splitPhysicalNic(tiny, fx.admin, { pfId: pf.id, count: 2 });
      await holder;
      expect(started.operation.kind).toBe("pf.split");
      expect((await pfNamed(fx.db, hostId, "em1")).desiredNumVfs).toBe(2);
    } finally {
      await tiny.$disconnect();
    }
  }, 180_000);
});
