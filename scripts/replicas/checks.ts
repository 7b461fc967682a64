// What the replica test reads from the sim hosts' own records, not from the control plane's account,
// and how it tells the 5xx answers its clients had apart.
import type { AppliedCall, ObservedCall } from "@virtfn/agent";

/** A 5xx answer a client had from a web replica. */
export interface ServerErrorAnswer {
  status: number;
  /** The body's `code` ("" when it had none). */
  code: string;
  /** The Retry-After header, null without one. */
  retryAfter: string | null;
  /** Method and path. */
  request: string;
}

/** The answers counted by kind: "503 DATABASE_UNAVAILABLE retry-after 5 ×3", most first. */
export function serverErrorKinds(answers: ServerErrorAnswer[]): string[] {
  const kinds = new Map<string, number>();
  for (const answer of answers) {
    const kind = `${answer.status} ${answer.code || "(no code)"} retry-after ${answer.retryAfter ?? "none"}`;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].sort(([, a], [, b]) => b - a).map(([kind, times]) => `${kind} ×${times}`);
}

/**
 * The 5xx answers that are the control plane's fault. A killed web gives no answer at all (the
 * client counts a lost connection), so every 5xx came from a live web, and the project's error
 * rules allow it one kind: 503 with a stable code and Retry-After, when the database is out of
 * reach or too busy under load (a retry may then work). A 500, or a 503 without its code or
 * Retry-After, is a bug.
 */
export function unexpectedServerErrors(answers: ServerErrorAnswer[]): ServerErrorAnswer[] {
  return answers.filter(
    (answer) => answer.status !== 503 || answer.code === "" || answer.retryAfter === null,
  );
}

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

/** Agent routes that background work other than the reconciler reads, with no operation id. */
const NOT_RECONCILE_PATHS = new Set(["/v1/vf-counters"]);

export interface ReconcileRecord {
  /** Reconcile passes per host: the reconcile claims its calls carried. */
  passes: Map<string, number>;
  /** Passes that began sooner after the host's previous one than a period allows. */
  tooSoon: string[];
}

/**
 * A host's next reconcile is due a period (less the jitter) after its last one finished. Each
 * pass is one reconcile claim, and each of its agent calls carries that claim
 * (RECONCILE_CLAIM_HEADER): a pass is all the calls of one claim, retries included, from its
 * first call's start to its last call's end. A pass that starts sooner than a period (less the
 * jitter) after the previous pass's last call ended, or while it is still at it, is a second
 * reconcile in one period, by another worker or by a second claim of the same one. Calls of the
 * reconciler carry no operation id; a call with neither is counted as a pass of its own, unless it
 * is a route only other background work reads (the VF counter collector's).
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
    const byClaim = new Map<string, { claim: string; startedAt: number; endedAt: number }>();
    calls.forEach((call, index) => {
      if (call.host !== host || call.operationId !== null) return;
      // The VF counter collector reads each host on its own schedule: not a reconcile pass.
      if (NOT_RECONCILE_PATHS.has(call.path)) return;
      const claim = call.reconcileClaim ?? `unclaimed call ${index}`;
      const endedAt = call.endedAt ?? Number.POSITIVE_INFINITY;
      const pass = byClaim.get(claim);
      if (!pass) byClaim.set(claim, { claim, startedAt: call.startedAt, endedAt });
      else {
        pass.startedAt = Math.min(pass.startedAt, call.startedAt);
        pass.endedAt = Math.max(pass.endedAt, endedAt);
      }
    });
    const ordered = [...byClaim.values()].sort((a, b) => a.startedAt - b.startedAt);
    let previous: (typeof ordered)[number] | null = null;
    for (const pass of ordered) {
      if (previous !== null && pass.startedAt - previous.endedAt < minimumGap) {
        const gap = pass.startedAt - previous.endedAt;
        tooSoon.push(
          `${host}: pass ${pass.claim} at ${new Date(pass.startedAt).toISOString()}, ` +
            (gap < 0
              ? `while pass ${previous.claim} was still at it`
              : `${gap} ms after pass ${previous.claim} ended`),
        );
      }
      if (previous === null || pass.endedAt > previous.endedAt) previous = pass;
    }
    passes.set(host, ordered.length);
  }
  return { passes, tooSoon };
}
