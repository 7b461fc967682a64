// A reconcile lease against placements' row locks (issue 14, the replica test's "reconciled twice
// within one period"): a placement or reservation holds its host's row (FOR NO KEY UPDATE) for as
// long as its transaction runs. A lease kept on that row could not be renewed meanwhile, so every
// host of the worker's renewal ran out together and another worker reconciled them a second time
// while the first was still at it. Counted at the sim agents, as the replica test counts passes.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentClient } from "@virtfn/agent-client";
import { claimReconcileHosts } from "@virtfn/core";
import { startObservedSimFleet, type ObservedCall, type ObservedSimFleet } from "@virtfn/agent";
import { startReconciler, type Reconciler } from "../src/reconciler/reconciler";
import { AGENT_TOKEN, createFixture, type Fixture } from "./helpers";

const LEASE_MS = 2000;
/** Far longer than the test: each host has exactly one scheduled pass in it. */
const PERIOD_MS = 600_000;
/** Held agent reads must not time out: the pass stays in flight until the test lets it go. */
const AGENT_TIMEOUT_MS = 120_000;
// Explicit ids, the locked host first in id and in insertion order: a renewal of several hosts in
// one statement reaches it before the other whatever plan Postgres picks.
const LOCKED_ID = "00000000-0000-4000-8000-000000000001";
const OTHER_ID = "ffffffff-ffff-4fff-bfff-ffffffffffff";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The reconciler's snapshot reads of a host (operations' calls carry their operation id). */
const passes = (calls: ObservedCall[], host: string) =>
  calls.filter(
    (call) =>
      call.host === host && call.operationId === null && call.path.startsWith("/v1/snapshot"),
  ).length;

describe("reconcile leases and placements' host row locks", () => {
  let fx: Fixture;
  let fleet: ObservedSimFleet;
  let stateDir = "";
  const reconcilers: Reconciler[] = [];
  let releaseLock: () => void = () => undefined;

  /** A reconciler of this file's settings: held agent reads never time out, no jitter. */
  const start = (leaseMs: number, log: (line: string) => void) =>
    startReconciler({
      db: fx.db,
      agentFor: (target, claim) =>
        createAgentClient({
          baseUrl: target.agentUrl,
          token: target.agentToken,
          timeoutMs: AGENT_TIMEOUT_MS,
          reconcileClaim: claim,
        }),
      intervalMs: PERIOD_MS,
      maxInFlight: 4,
      jitter: 0,
      leaseMs,
      log,
    });
  const logAs = (name: string) => (line: string) => console.log(`[${name}] ${line}`);

  /** A connected host row for one of the fleet's sim agents (`id` when the test orders hosts). */
  const addHost = (name: string, id?: string) =>
    fx.db.host.create({
      data: {
        ...(id === undefined ? {} : { id }),
        name,
        clusterId: fx.clusterId,
        agentUrl: fleet.agents.find((agent) => agent.name === name)?.url ?? "",
        agentToken: AGENT_TOKEN,
        connectionState: "Connected",
      },
    });

  beforeAll(async () => {
    fx = await createFixture("leaselocks");
    stateDir = mkdtempSync(
      path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-leaselocks-"),
    );
    fleet = await startObservedSimFleet({
      baseDir: stateDir,
      token: AGENT_TOKEN,
      hosts: ["lease-locked", "lease-other", "lease-fenced"].map((name) => ({
        name,
        profile: "kvm-i350-82599",
      })),
    });
    // lease-fenced is added by its own test.
    await addHost("lease-locked", LOCKED_ID);
    await addHost("lease-other", OTHER_ID);
  });
  afterAll(async () => {
    releaseLock();
    fleet?.hold(null);
    await Promise.all(reconcilers.map((reconciler) => reconciler.stop()));
    await fleet?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    await fx?.cleanup();
  });

  it("keeps a worker's leases while another transaction holds one of its hosts' rows", async () => {
    // Worker A's passes of both hosts stay in flight at their snapshot reads.
    fleet.hold((call) => call.path.startsWith("/v1/snapshot"));
    reconcilers.push(start(LEASE_MS, logAs("worker-a")));
    await until("worker A reading both hosts' snapshots", () =>
      ["lease-locked", "lease-other"].every((host) => passes(fleet.calls, host) === 1),
    );

    // A placement's lock on one host's row, held for several leases' worth of time.
    const lockTaken = new Promise<void>((taken) => {
      const held = new Promise<void>((release) => {
        releaseLock = release;
      });
      void fx.db.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT id FROM "Host" WHERE id = ${LOCKED_ID}::uuid FOR NO KEY UPDATE`;
          taken();
          await held;
        },
        { timeout: 300_000, maxWait: 60_000 },
      );
    });
    await lockTaken;

    // Worker B looks for claimable hosts every second meanwhile; A's leases would have run out
    // several times over had their renewal waited for the lock.
    reconcilers.push(start(LEASE_MS, logAs("worker-b")));
    const lockedAt = Date.now();
    await until("four leases' time under the lock", () => Date.now() - lockedAt > 4 * LEASE_MS);
    expect(passes(fleet.calls, "lease-other")).toBe(1);
    expect(passes(fleet.calls, "lease-locked")).toBe(1);

    // Let go: A finishes both passes (its writes to the locked host waited for the lock) and
    // nobody reconciled either host a second time.
    releaseLock();
    fleet.hold(null);
    await until("both passes finished", async () => {
      const hosts = await fx.db.host.findMany({ select: { lastReconciledAt: true } });
      return hosts.every((host) => host.lastReconciledAt !== null);
    });
    expect(passes(fleet.calls, "lease-other")).toBe(1);
    expect(passes(fleet.calls, "lease-locked")).toBe(1);
  }, 300_000);

  it("writes nothing once another worker has claimed the host mid-pass (the fence)", async () => {
    // The first test's workers have done their passes; only this one's worker runs now.
    await Promise.all(reconcilers.splice(0).map((reconciler) => reconciler.stop()));
    const host = await addHost("lease-fenced");
    fleet.hold((call) => call.host === "lease-fenced" && call.path.startsWith("/v1/snapshot"));
    const lines: string[] = [];
    const worker = start(60_000, (line) => lines.push(line));
    reconcilers.push(worker);
    await until("the worker reading the host's snapshot", () =>
      fleet.calls.some(
        (call) => call.host === "lease-fenced" && call.path.startsWith("/v1/snapshot"),
      ),
    );

    // Its lease is made to run out (a worker stalled past it) and another worker claims the host.
    await fx.db.hostReconcileLease.update({
      where: { hostId: host.id },
      data: { until: new Date(Date.now() - 60_000) },
    });
    const taken = await claimReconcileHosts(fx.db, { owner: "thief", limit: 10, leaseMs: 600_000 });
    expect(taken.map((claim) => claim.name)).toEqual(["lease-fenced"]);

    fleet.hold(null);
    await until("the stale pass ended", () =>
      lines.some((line) => line.includes("lease-fenced: claim lost")),
    );
    // The agent's answer was not written: no facts, no reconcile time, the thief's lease intact.
    const after = await fx.db.host.findUniqueOrThrow({
      where: { id: host.id },
      include: { reconcileLease: true },
    });
    expect(after.cpuCount).toBe(0);
    expect(after.lastReconciledAt).toBeNull();
    expect(after.reconcileLease?.owner).toBe("thief");
  }, 300_000);
});
