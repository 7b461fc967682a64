// The reconciler sharded over several worker processes: every host is reconciled by one worker
// per period (counted at the sim agents, not by the workers' own account), the work is spread
// over the workers, and a worker killed with SIGKILL hands its hosts to the others.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startObservedSimFleet, type ObservedCall, type ObservedSimFleet } from "@virtfn/agent";
import { AGENT_TOKEN, createFixture, spawnWorkerProcess, type Fixture } from "./helpers";

const PERIOD_MS = 3000;
const JITTER = 0.1;
const AGENT_TIMEOUT_MS = 10_000;

function kill(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const snapshots = (calls: ObservedCall[], host: string) =>
  calls.filter((call) => call.host === host && call.path.startsWith("/v1/snapshot"));

describe("the sharded reconciler", () => {
  let fx: Fixture;
  let fleet: ObservedSimFleet;
  let stateDir: string;
  const workers: ChildProcess[] = [];
  const HOSTS = 24;

  beforeAll(async () => {
    fx = await createFixture("shards");
    stateDir = mkdtempSync(
      path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-shards-"),
    );
    fleet = await startObservedSimFleet({
      baseDir: stateDir,
      token: AGENT_TOKEN,
      hosts: Array.from({ length: HOSTS }, (_, i) => ({
        name: `shard-${i}`,
        profile: "kvm-i350-82599",
      })),
    });
    // Straight into the table: the add operation is not what is under test, the reconcile is.
    await fx.db.host.createMany({
      data: fleet.agents.map((agent) => ({
        name: agent.name,
        clusterId: fx.clusterId,
        agentUrl: agent.url,
        agentToken: AGENT_TOKEN,
        connectionState: "Disconnected" as const,
      })),
    });
  });
  afterEach(async () => {
    fleet.hold(null);
    await Promise.all(workers.splice(0).map((worker) => kill(worker)));
    // The next test starts from a fleet nobody holds.
    await fx.db.hostReconcileLease.updateMany({
      where: { owner: { not: null } },
      data: { owner: null, until: null },
    });
  });
  afterAll(async () => {
    await fleet?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    await fx?.cleanup();
  });

  const startWorkers = (count: number, inFlight: number, leaseMs = PERIOD_MS) => {
    for (let i = 0; i < count; i++) {
      workers.push(
        spawnWorkerProcess(fx.config, {
          VIRTFN_RECONCILE_MS: String(PERIOD_MS),
          VIRTFN_RECONCILE_JITTER: String(JITTER),
          VIRTFN_RECONCILE_IN_FLIGHT: String(inFlight),
          VIRTFN_RECONCILE_LEASE_MS: String(leaseMs),
          VIRTFN_AGENT_TIMEOUT_MS: String(AGENT_TIMEOUT_MS),
        }),
      );
    }
  };

  /** The pids of the workers holding reconcile claims right now (owners are "<pid>-<uuid>"). */
  const claimHolders = async (): Promise<Map<string, number>> => {
    const rows = await fx.db.hostReconcileLease.findMany({
      where: { owner: { not: null } },
      select: { owner: true, host: { select: { name: true } } },
    });
    return new Map(rows.map((row) => [row.host.name, Number(row.owner?.split("-")[0])]));
  };

  it("three workers reconcile each of 24 hosts once per period between them, not three times", async () => {
    const start = fleet.calls.length;
    // More slots (3 × 10) than hosts: nothing waits for a slot, only for its due time. The lease
    // is long so that a worker starved of CPU on a loaded machine keeps its claims; taking over
    // from a dead worker is the next test's subject.
    startWorkers(3, 10, 30_000);
    const holders = new Set<number>();
    await until(
      "every host reconciled four times",
      async () => {
        for (const pid of (await claimHolders()).values()) holders.add(pid);
        const calls = fleet.calls.slice(start);
        return fleet.agents.every((agent) => snapshots(calls, agent.name).length >= 4);
      },
      150_000,
    );
    const calls = fleet.calls.slice(start);

    // A host's next reconcile is due a period (less the jitter) after its last one finished, and
    // each reconcile reads the snapshot once before it finishes (a health call comes before it,
    // or after it when a trusted digest turned out changed): so two snapshot reads closer than
    // that mean two reconciles in one period. A read that outlasted the agent timeout was given
    // up on and retried by the same reconcile: the retry is that reconcile's read.
    const minimumGap = PERIOD_MS * (1 - JITTER) - 20;
    for (const agent of fleet.agents) {
      const reads = snapshots(calls, agent.name).filter(
        (call) => call.endedAt === undefined || call.endedAt - call.startedAt < AGENT_TIMEOUT_MS,
      );
      const gaps: number[] = [];
      for (const [i, read] of reads.entries()) {
        const previous = reads[i - 1];
        if (previous !== undefined) gaps.push(read.startedAt - (previous.endedAt ?? Infinity));
      }
      // Four reconciles each: three gaps at least.
      expect(gaps.length, `${agent.name}: reconciles seen`).toBeGreaterThanOrEqual(3);
      const took = reads.map((call) => (call.endedAt ?? NaN) - call.startedAt);
      expect(
        gaps.filter((gap) => gap < minimumGap),
        `${agent.name} reconciled twice in one period (gaps ${gaps.join(", ")} ms; reads took ${took.join(", ")} ms)`,
      ).toEqual([]);
    }
    // And the work was shared: each worker held claims at some point.
    const pids = workers.map((worker) => worker.pid);
    expect([...holders].sort()).toEqual([...pids].sort());
  }, 180_000);

  it("a worker killed mid-reconcile hands its hosts to the other within a lease", async () => {
    // Every snapshot is held, so each worker sits on as many claims as it may have in flight.
    fleet.hold((call) => call.path.startsWith("/v1/snapshot"));
    const heldFrom = fleet.calls.length;
    startWorkers(2, 3);
    const [victim, survivor] = workers;
    if (!victim?.pid || !survivor?.pid) throw new Error("workers did not start");
    await until(
      "both workers holding three claims each",
      async () => {
        const held = fleet.calls.slice(heldFrom).filter((call) => call.endedAt === undefined);
        const byPid = [...(await claimHolders()).values()];
        return (
          held.length === 6 &&
          byPid.filter((pid) => pid === victim.pid).length === 3 &&
          byPid.filter((pid) => pid === survivor.pid).length === 3
        );
      },
      120_000,
    );
    const orphaned = [...(await claimHolders()).entries()]
      .filter(([, pid]) => pid === victim.pid)
      .map(([name]) => name);
    await kill(victim);
    const killedAt = new Date();
    fleet.hold(null);

    // The survivor takes each orphaned host once the dead worker's lease runs out.
    await until("the orphaned hosts reconciled by the survivor", async () => {
      const rows = await fx.db.host.findMany({
        where: { name: { in: orphaned } },
        select: { lastReconciledAt: true, reconcileLease: { select: { owner: true } } },
      });
      return rows.every(
        (row) =>
          row.lastReconciledAt !== null &&
          row.lastReconciledAt > killedAt &&
          !(row.reconcileLease?.owner ?? "").startsWith(`${victim.pid}-`),
      );
    });
    const after = fleet.calls.slice(heldFrom).filter((call) => call.startedAt > killedAt.getTime());
    for (const name of orphaned) {
      expect(
        snapshots(after, name).some((call) => call.status === 200),
        `${name} taken over`,
      ).toBe(true);
    }
    // The survivor alone still covers the whole fleet.
    const start = fleet.calls.length;
    await until("every host reconciled by the survivor alone", () =>
      fleet.agents.every((agent) => snapshots(fleet.calls.slice(start), agent.name).length >= 1),
    );
  }, 180_000);
});
