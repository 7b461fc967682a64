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
  /** Reconcile passes per host (its snapshot reads made for no operation). */
  passes: Map<string, number>;
  /** Passes that began sooner after the host's previous one than a period allows. */
  tooSoon: string[];
}

/**
 * A host's next reconcile is due a period (less the jitter) after its last one finished, and each
 * pass reads the host's snapshot exactly once (`/v1/snapshot/since/<digest>`, whether or not it
 * then compares in full): a snapshot read sooner than that after the previous one ended means a
 * second reconcile in one period, by another worker (or the same one). A read that starts before
 * the previous one ended is the agent client retrying a read it gave up on, within one pass.
 * Operations' calls carry their operation id; the reconciler's carry none.
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
    const reads = calls
      .filter(
        (call) =>
          call.host === host && call.operationId === null && call.path.startsWith("/v1/snapshot"),
      )
      .sort((a, b) => a.startedAt - b.startedAt);
    let count = 0;
    let previousEnd: number | null = null;
    for (const read of reads) {
      const gap = previousEnd === null ? null : read.startedAt - previousEnd;
      if (gap === null || gap >= 0) count += 1;
      if (gap !== null && gap >= 0 && gap < minimumGap)
        tooSoon.push(
          `${host}: a pass at ${new Date(read.startedAt).toISOString()}, ${gap} ms after the previous one`,
        );
      previousEnd = Math.max(previousEnd ?? 0, read.endedAt ?? read.startedAt);
    }
    passes.set(host, count);
  }
  return { passes, tooSoon };
}
