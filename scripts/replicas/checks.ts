// What the replica test reads from the sim hosts' own records, not from the control plane's account.
import type { AppliedCall, ObservedCall } from "@virtfn/agent";

/**
 * Changes a host applied more than once for one operation: the same kind of change to the same
 * domain (and NIC) twice under one operation id. A retried agent call, or an operation run again
 * after its worker died, must find the change made and leave it.
 */
export function appliedTwice(applied: AppliedCall[]): string[] {
  const seen = new Map<string, number>();
  for (const effect of applied) {
    if (effect.operationId === null) continue;
    const key = `${effect.operationId} ${effect.host} ${effect.kind} ${effect.domain} ${effect.nic ?? ""}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, times]) => times > 1).map(([key, times]) => `${key} ×${times}`);
}

export interface ReconcileRecord {
  /** Reconcile passes per host (its health calls made for no operation). */
  passes: Map<string, number>;
  /** Passes that began sooner after the host's previous one than a period allows. */
  tooSoon: string[];
}

/**
 * A host's next reconcile is due a period (less the jitter) after its last one finished, and a pass
 * begins with a health call and reads the snapshot before it finishes: a health call sooner than
 * that after the host's previous snapshot means a second reconcile in one period, by another
 * worker (or the same one). Operations' calls carry their operation id; the reconciler's carry none.
 */
export function reconcilesPerPeriod(
  calls: ObservedCall[],
  hosts: string[],
  periodMs: number,
  jitter: number,
): ReconcileRecord {
  const minimumGap = periodMs * (1 - jitter) - 20;
  const passes = new Map<string, number>();
  const tooSoon: string[] = [];
  for (const host of hosts) {
    const mine = calls.filter((call) => call.host === host && call.operationId === null);
    const snapshotEnds = mine
      .filter((call) => call.path.startsWith("/v1/snapshot") && call.endedAt !== undefined)
      .map((call) => call.endedAt ?? 0);
    const healths = mine.filter((call) => call.path === "/v1/health");
    passes.set(host, healths.length);
    for (const health of healths) {
      const before = snapshotEnds.filter((end) => end <= health.startedAt);
      if (before.length === 0) continue;
      const gap = health.startedAt - Math.max(...before);
      if (gap < minimumGap)
        tooSoon.push(
          `${host}: a pass at ${new Date(health.startedAt).toISOString()}, ${gap} ms after the previous one`,
        );
    }
  }
  return { passes, tooSoon };
}
