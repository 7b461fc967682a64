import {
  hostsToReconcile,
  reconcileHost,
  type AgentTarget,
  type ReconcileOutcome,
} from "@virtfn/core";
import type { AgentClient } from "@virtfn/agent-client";
import type { Db } from "@virtfn/db";

export interface Reconciler {
  runOnce(): Promise<ReconcileOutcome[]>;
  stop(): Promise<void>;
}

/** Runs the level-triggered host reconcile on a schedule; `intervalMs` 0 means on demand only. */
export function startReconciler(deps: {
  db: Db;
  agentFor(target: AgentTarget): AgentClient;
  intervalMs: number;
  log(line: string): void;
}): Reconciler {
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<ReconcileOutcome[]> | null = null;

  async function runOnce(): Promise<ReconcileOutcome[]> {
    if (inFlight) return inFlight;
    inFlight = (async () => {
      const hosts = await hostsToReconcile(deps.db);
      const outcomes = await Promise.all(
        hosts.map((host) => reconcileHost(deps.db, host, deps.agentFor)),
      );
      for (const outcome of outcomes) {
        if (outcome.rebooted) deps.log(`reconciler: ${outcome.name} rebooted; state re-read`);
        for (const entry of outcome.fdb?.added ?? [])
          deps.log(`reconciler: ${outcome.name} FDB ${entry.pf} ${entry.mac} was missing; added`);
        for (const entry of outcome.fdb?.removed ?? [])
          deps.log(`reconciler: ${outcome.name} FDB ${entry.pf} ${entry.mac} was stale; removed`);
        for (const vm of outcome.vms ?? [])
          deps.log(
            `reconciler: ${outcome.name} VM ${vm.name} was Error; now ${vm.to} (${vm.reason})`,
          );
        for (const pf of outcome.reapplied) {
          deps.log(
            pf.operationId
              ? `reconciler: ${outcome.name} ${pf.pf} has ${pf.observed} of ${pf.desired} VFs; re-applying (operation ${pf.operationId})`
              : `reconciler: ${outcome.name} ${pf.pf} has ${pf.observed} of ${pf.desired} VFs; not re-applied (${pf.skipped ?? "skipped"})`,
          );
        }
      }
      return outcomes;
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  if (deps.intervalMs > 0) {
    timer = setInterval(() => {
      runOnce().catch((error: unknown) =>
        deps.log(`reconciler: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, deps.intervalMs);
  }
  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      await inFlight?.catch(() => undefined);
    },
  };
}
