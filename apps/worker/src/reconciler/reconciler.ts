import { randomUUID } from "node:crypto";
import {
  claimReconcileHosts,
  keepReconcileClaim,
  nextReconcileInMs,
  reconcileHost,
  releaseReconcileClaims,
  renewReconcileLeases,
  type AgentTarget,
  type ReconcileClaim,
  type ReconcileOutcome,
} from "@virtfn/core";
import type { AgentClient } from "@virtfn/agent-client";
import type { Db } from "@virtfn/db";
import type { LineLog } from "@virtfn/telemetry";
import { createFinishBatch } from "./finish-batch";
import { createInFlightGauge, type InFlightStats } from "./in-flight";

export interface Reconciler {
  /**
   * Reconciles every host no other worker holds, now, due or not, each compared in full; resolves
   * with the outcomes.
   */
  runOnce(): Promise<ReconcileOutcome[]>;
  /** Hosts this worker is reconciling right now: each has one agent call in flight at a time. */
  inFlight(): number;
  /** The most reconciles in flight at once so far, and their mean while any was. */
  inFlightStats(): InFlightStats;
  /** Finishes what runs, then logs the in-flight figures ("reconciler: stopped"). */
  stop(): Promise<void>;
}

export interface ReconcilerOptions {
  db: Db;
  /** The agent client of one reconcile pass: its calls name the pass's claim (`claim`). */
  agentFor(target: AgentTarget, claim: string): AgentClient;
  /** The period: each host is reconciled about once per this; 0 means on demand only. */
  intervalMs: number;
  /** At most this many hosts reconciled at once by this worker. */
  maxInFlight: number;
  /** Each next due time is shortened by up to this fraction of the period, at random. */
  jitter: number;
  /** How long a claim holds unrenewed; a dead worker's hosts wait at most this. Default: the period. */
  leaseMs?: number;
  /**
   * A host whose agent still reports the snapshot digest of its last in-sync compare is not
   * compared again, but at least once every this many periods; default 6, 1 compares every time.
   */
  fullCompareEvery?: number;
  log: LineLog;
}

/** How often due hosts are looked for when no reconcile finishing has woken the loop. */
const pollMsFor = (intervalMs: number): number =>
  Math.min(1000, Math.max(50, Math.floor(intervalMs / 10)));

/**
 * Each worker's share of the host reconciles: it claims due hosts up to its free slots, runs them
 * with at most `maxInFlight` at once, renews its leases while they run and sets each host's next
 * due time when done. The claims in Postgres, not this process, decide who reconciles what.
 * A host whose agent reports it unchanged costs a share of a claim, one agent call and a share of
 * a finish: a claim takes a quarter of the slots' worth of hosts at once and reads what their
 * reconciles need, and finishes are written together.
 */
export function startReconciler(options: ReconcilerOptions): Reconciler {
  const owner = `${process.pid}-${randomUUID()}`;
  const { db, log } = options;
  const maxInFlight = Math.max(1, options.maxInFlight);
  // Slots free up one at a time on a busy worker; a claim waits for this many.
  const claimBatch = Math.max(1, Math.floor(maxInFlight / 4));
  const leaseMs = Math.max(1000, options.leaseMs ?? options.intervalMs);
  // A host found in sync is compared in full again after this many periods even if its agent's
  // digest never changes: drift on the database side alone is repaired within that time.
  const trustDigestForMs = options.intervalMs * (options.fullCompareEvery ?? 6);
  const running = new Map<string, Promise<void>>();
  const finishes = createFinishBatch(db, owner);
  const gauge = createInFlightGauge();
  let stopped = false;
  let claiming: Promise<void> | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let renewTimer: NodeJS.Timeout | null = null;

  const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const nextInMs = () => nextReconcileInMs(options.intervalMs, options.jitter);

  /**
   * Resolves with the outcome once the host's finish is written; rejects only for the caller's
   * sake. The host's slot is free as soon as its agent calls are done, before the finish: the
   * claim holds the host until then, so no other worker takes it in between.
   */
  function reconcileOne(host: ReconcileClaim, full = false): Promise<ReconcileOutcome> {
    const work = (async () => {
      try {
        // The pass's calls carry its claim: the agents (and the replica test) tell passes apart
        // by it, retries and all.
        const claim = `${owner}/${host.fence}`;
        const agentFor = (target: AgentTarget) => options.agentFor(target, claim);
        const outcome = await reconcileHost(db, host, agentFor, {
          trustDigestForMs: full ? 0 : trustDigestForMs,
          keepClaim: () =>
            keepReconcileClaim(db, { owner, hostId: host.id, fence: host.fence }, leaseMs),
        });
        logOutcome(log, outcome);
        const seen = outcome.result === "unchanged";
        const finished = finishes.add({
          hostId: host.id,
          fence: host.fence,
          nextInMs: nextInMs(),
          reconciled: true,
          seen,
        });
        return { outcome, finished };
      } catch (error) {
        log(`reconciler: ${host.name}: ${errorText(error)}`);
        // Retried next period, like a success; if even this fails, the lease runs out instead.
        finishes
          .add({
            hostId: host.id,
            fence: host.fence,
            nextInMs: nextInMs(),
            reconciled: false,
            seen: false,
          })
          .catch(() => undefined);
        throw error;
      } finally {
        running.delete(host.id);
        gauge.set(running.size);
        if (!stopped && options.intervalMs > 0) void claimDue();
      }
    })();
    running.set(
      host.id,
      work.then(
        () => undefined,
        () => undefined,
      ),
    );
    gauge.set(running.size);
    return work.then(async ({ outcome, finished }) => {
      try {
        if (!(await finished))
          log(`reconciler: ${host.name}: claim lost before the reconcile finished`);
      } catch (error) {
        log(`reconciler: ${host.name}: finishing failed: ${errorText(error)}`);
        throw error;
      }
      return outcome;
    });
  }

  /** Fills the free slots with due hosts; one claim at a time per worker. */
  function claimDue(): Promise<void> {
    // `.finally` runs after the assignment even when the claim finishes at once (no free slot).
    claiming ??= fillSlots().finally(() => {
      claiming = null;
    });
    return claiming;
  }

  async function fillSlots(): Promise<void> {
    try {
      while (!stopped) {
        const free = maxInFlight - running.size;
        // Below a batch's worth of free slots a reconcile is still running, and its end
        // claims again: a busy worker claims a few hosts per statement, not one.
        if (free < claimBatch) return;
        const hosts = await claimReconcileHosts(db, { owner, limit: free, leaseMs });
        for (const host of hosts) reconcileOne(host).catch(() => undefined);
        if (hosts.length < free) return;
      }
    } catch (error) {
      log(`reconciler: claim failed: ${errorText(error)}`);
    }
  }

  async function runOnce(): Promise<ReconcileOutcome[]> {
    await claiming;
    const swept: string[] = [];
    const outcomes: Array<Promise<ReconcileOutcome>> = [];
    for (;;) {
      const free = maxInFlight - running.size;
      if (free <= 0) {
        await Promise.race(running.values());
        continue;
      }
      const hosts = await claimReconcileHosts(db, {
        owner,
        limit: free,
        leaseMs,
        all: true,
        exclude: swept,
      });
      if (hosts.length === 0) break;
      for (const host of hosts) {
        swept.push(host.id);
        // On demand (an agent reconnected, a test): compared in full, whatever the digest says.
        const work = reconcileOne(host, true);
        work.catch(() => undefined);
        outcomes.push(work);
      }
    }
    return Promise.all(outcomes);
  }

  // One renewal at a time: a renewal slower than the timer (a loaded database) must not stack
  // up on the pool. It never waits for a lock: the leases are rows of their own, which a
  // placement's lock on the Host row does not touch, and a lease row locked right now is skipped.
  let renewing = false;
  function renew(): void {
    if ((running.size === 0 && finishes.pending().length === 0) || renewing) return;
    renewing = true;
    renewReconcileLeases(db, owner, [...running.keys(), ...finishes.pending()], leaseMs)
      .catch((error: unknown) => log(`reconciler: lease renewal failed: ${errorText(error)}`))
      .finally(() => {
        renewing = false;
      });
  }

  renewTimer = setInterval(renew, Math.max(250, Math.floor(leaseMs / 4)));
  if (options.intervalMs > 0) {
    pollTimer = setInterval(() => void claimDue(), pollMsFor(options.intervalMs));
    void claimDue();
  }

  return {
    runOnce,
    inFlight: () => running.size,
    inFlightStats: () => gauge.stats(),
    async stop() {
      stopped = true;
      if (pollTimer) clearInterval(pollTimer);
      await claiming;
      await Promise.all(running.values());
      await finishes.drain();
      if (renewTimer) clearInterval(renewTimer);
      // Nothing should be held now; a claim left by a failed finish goes back at once.
      await releaseReconcileClaims(db, owner).catch(() => undefined);
      const stats = gauge.stats();
      log("reconciler: stopped", {
        inFlightPeak: stats.peak,
        inFlightMean: Math.round(stats.mean * 100) / 100,
        inFlightBound: maxInFlight,
      });
    },
  };
}

function logOutcome(log: LineLog, outcome: ReconcileOutcome): void {
  if (outcome.rebooted) log(`reconciler: ${outcome.name} rebooted; state re-read`);
  for (const entry of outcome.fdb?.added ?? [])
    log(`reconciler: ${outcome.name} FDB ${entry.pf} ${entry.mac} was missing; added`);
  for (const entry of outcome.fdb?.removed ?? [])
    log(`reconciler: ${outcome.name} FDB ${entry.pf} ${entry.mac} was stale; removed`);
  for (const vm of outcome.vms ?? [])
    log(`reconciler: ${outcome.name} VM ${vm.name} was Error; now ${vm.to} (${vm.reason})`);
  for (const pf of outcome.reapplied) {
    log(
      pf.operationId
        ? `reconciler: ${outcome.name} ${pf.pf} has ${pf.observed} of ${pf.desired} VFs; re-applying (operation ${pf.operationId})`
        : `reconciler: ${outcome.name} ${pf.pf} has ${pf.observed} of ${pf.desired} VFs; not re-applied (${pf.skipped ?? "skipped"})`,
    );
  }
}
