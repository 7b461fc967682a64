import {
  claimVfCounterHosts,
  recordVfCounters,
  type AgentTarget,
  type VfCounterHost,
} from "@virtfn/core";
import type { AgentClient } from "@virtfn/agent-client";
import type { Db } from "@virtfn/db";
import type { LineLog } from "@virtfn/telemetry";

export interface VfCounterCollectorOptions {
  db: Db;
  agentFor(target: AgentTarget): AgentClient;
  /** Each host with VF NICs is read about once per this; 0 turns collection off. */
  periodMs: number;
  /** Hosts this worker reads at once. */
  maxInFlight: number;
  log: LineLog;
}

export interface VfCounterCollector {
  /**
   * Collects every due host once (tests), after the sweep in flight if there is one; resolves
   * with the number of hosts read.
   */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * This worker's share of the VF counter collection, apart from the reconcile: counters move all
 * the time, so they would defeat the reconcile's unchanged-snapshot shortcut. A host costs one
 * claim row, one agent call and one insert per period; a failed read is logged and tried again
 * next period (a counter series simply has no new sample meanwhile).
 */
export function startVfCounterCollector(options: VfCounterCollectorOptions): VfCounterCollector {
  const { db, log } = options;
  const limit = Math.max(1, options.maxInFlight);

  async function collect(host: VfCounterHost): Promise<void> {
    try {
      const report = await options.agentFor(host).vfCounters();
      await recordVfCounters(db, host.hostId, report);
    } catch (error) {
      log(`vf counters: ${host.name}: ${error instanceof Error ? error.message : String(error)}`, {
        host: host.name,
      });
    }
  }

  async function sweep(): Promise<number> {
    // Each host once per sweep, even when a zero period makes it due again at once.
    const done: string[] = [];
    for (;;) {
      const hosts = await claimVfCounterHosts(db, {
        periodMs: options.periodMs,
        limit,
        exclude: done,
      });
      if (hosts.length === 0) return done.length;
      await Promise.all(hosts.map(collect));
      done.push(...hosts.map((h) => h.hostId));
    }
  }

  // One sweep at a time, whoever asks (the timer or a caller of runOnce): two sweeps at once
  // would read a host twice in a period when a short period makes it due again mid-sweep, and
  // double the agent calls of a slow fleet. A caller that comes while one runs gets a sweep of
  // its own once that one ends (the running one may have claimed its hosts before the caller's
  // change); the timer skips its tick instead, the next tick comes soon enough.
  let tail: Promise<unknown> = Promise.resolve();
  let sweepsQueued = 0;
  function runOnce(): Promise<number> {
    sweepsQueued += 1;
    const next = tail.then(sweep).finally(() => {
      sweepsQueued -= 1;
    });
    tail = next.catch(() => undefined);
    return next;
  }

  const timer =
    options.periodMs > 0
      ? setInterval(
          () => {
            if (sweepsQueued > 0) return;
            runOnce().catch((error: unknown) =>
              log(`vf counters: ${error instanceof Error ? error.message : String(error)}`),
            );
          },
          Math.min(1000, Math.max(50, Math.floor(options.periodMs / 10))),
        )
      : null;

  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      await tail;
    },
  };
}
