import { isAgentError } from "@virtfn/agent-client";
import { z } from "zod";
import { Prisma, queryRows, type Db, type Host } from "@virtfn/db";
import type { AgentTarget } from "../runtime/context";
import type { AgentClient } from "@virtfn/agent-client";
import { operationHoldsHost } from "./busy-host";
import { reapplyDesiredVfs, reattachVmVfs, type ReapplyOutcome } from "../sriov/reapply";
import { reconcileHostFdb, type FdbRepair } from "../vms/fdb";
import { reconcileHostVfPorts, type VfPortRepair } from "../vms/vf-ports";
import {
  repairRunningVmVfs,
  settleErrorVms,
  type RepairedNic,
  type SettledVm,
} from "../vms/reattach";
import { disconnectReason } from "./operations";
import { syncPciDevices } from "../passthru/sync";
import { applyObservedHost, markHostDisconnected, recordObservedDigest } from "./sync";

export interface ReconcileOutcome {
  hostId: string;
  name: string;
  /**
   * observed: compared in full; unchanged: the agent still reports what the last full compare
   * found in sync, so nothing was read or written; skipped: left to an operation in flight;
   * lost: the claim went to another worker before the first write, so nothing was written.
   */
  result: "observed" | "unchanged" | "disconnected" | "skipped" | "lost";
  rebooted: boolean;
  /** PFs below their desired VF count (after a reboot, typically) and what was done about it. */
  reapplied: ReapplyOutcome[];
  /** FDB entries added to and removed from the host's PFs. */
  fdb?: FdbRepair;
  /** VMs in Error settled to what their domains show. */
  vms?: SettledVm[];
  /** VF NICs of Running VMs whose domain had lost the VF: plugged back in, or marked lost. */
  nics?: RepairedNic[];
  /** VF port settings re-applied and released VFs reset (issue 16). */
  ports?: VfPortRepair;
}

export interface ReconcileHostOptions {
  /**
   * Skip the compare while the agent's snapshot digest is the one the last full compare found
   * in sync, for at most this long after that compare (the safety net for drift on the database
   * side alone). Unset or 0: always compare in full.
   */
  trustDigestForMs?: number;
  /**
   * The fencing check of a claimed reconcile (`keepReconcileClaim`), made after the agent's
   * answers and before the first write: false (another worker holds the host now) ends the pass
   * without writing anything. Unset: the caller holds the host by other means.
   */
  keepClaim?: () => Promise<boolean>;
}

/** The host columns a reconcile reads; `busy` when its claim already looked for operations. */
export type ReconcileTarget = Pick<
  Host,
  | "id"
  | "name"
  | "agentUrl"
  | "agentToken"
  | "connectionState"
  | "connectionReason"
  | "bootId"
  | "observedDigest"
  | "observedDigestAt"
> & {
  /** Whether an operation is in flight on the host; unset, the reconcile looks it up. */
  busy?: boolean;
  /** The database's time when `busy` was read (with it; unset, the reconcile reads both). */
  checkedAt?: Date;
};

/**
 * The digest of the host's last in-sync compare when it may still be trusted, else null (a full
 * compare): not for a host not known to be connected, nor once the digest is older than
 * `trustForMs`. A reboot or an agent restart needs no check here: the boot id and the agent's
 * instance are part of the digest, so the agent reports the snapshot as changed.
 */
function trustedDigest(host: ReconcileTarget, trustForMs: number, now: Date): string | null {
  const { observedDigest, observedDigestAt } = host;
  if (observedDigest === null || observedDigestAt === null || trustForMs <= 0) return null;
  if (host.connectionState !== "Connected") return null;
  return now.getTime() - observedDigestAt.getTime() < trustForMs ? observedDigest : null;
}

/** Whether an operation holds the host, and the database's time when that was read. */
async function operationInFlight(
  db: Db,
  hostId: string,
): Promise<{ busy: boolean; checkedAt: Date }> {
  const [row] = await queryRows(
    db,
    Prisma.sql`SELECT ${operationHoldsHost(Prisma.sql`${hostId}::uuid`)} AS busy, now() AS "checkedAt"`,
  );
  return z.object({ busy: z.boolean(), checkedAt: z.date() }).parse(row);
}

/**
 * Level-triggered: compares what the agent reports with the database and repairs drift. Hosts
 * with an operation in flight are left to that operation, so the two never fight. With
 * `trustDigestForMs`, a host whose agent reports the same snapshot digest as when it was last
 * found in sync costs one small agent answer and no database reads or writes here.
 */
export async function reconcileHost(
  db: Db,
  host: ReconcileTarget,
  agentFor: (target: AgentTarget) => AgentClient,
  options: ReconcileHostOptions = {},
): Promise<ReconcileOutcome> {
  const base = { hostId: host.id, name: host.name };
  const skipped: ReconcileOutcome = { ...base, result: "skipped", rebooted: false, reapplied: [] };
  const idle =
    host.busy === undefined || host.checkedAt === undefined
      ? await operationInFlight(db, host.id)
      : { busy: host.busy, checkedAt: host.checkedAt };
  if (idle.busy) return skipped;
  const agent = agentFor(host);
  const stillHeld = options.keepClaim ?? (() => Promise.resolve(true));
  const lost: ReconcileOutcome = { ...base, result: "lost", rebooted: false, reapplied: [] };
  try {
    // One read of everything the agent holds, taken before the database is read for the
    // comparison, so an operation that commits in between shows up as desired, not as drift.
    // A trusted digest is asked about first: an unchanged host needs no health call.
    const trusted = trustedDigest(host, options.trustDigestForMs ?? 0, new Date());
    const early = trusted === null ? null : await agent.snapshotSince(trusted);
    const unchanged: ReconcileOutcome = {
      ...base,
      result: "unchanged",
      rebooted: false,
      reapplied: [],
    };
    if (early?.changed === false) return unchanged;
    const health = await agent.health({ timeoutMs: 3000 });
    const change = early ?? (await agent.snapshotSince("none"));
    // "none" names no digest: an agent that matched it anyway reported nothing to compare.
    if (!change.changed) return unchanged;
    if (!(await stillHeld())) return lost;
    const rebooted = host.bootId !== null && health.bootId !== host.bootId;
    const { snapshot } = change;
    // An operation that ran on the host since it was found idle (a split begun and finished
    // while the snapshot was on its way) recorded newer state than the snapshot's: left to it.
    const recorded = await applyObservedHost(
      db,
      host.id,
      { health, facts: snapshot.facts, nics: snapshot.nics },
      { idleSince: idle.checkedAt },
    );
    if (!recorded) return skipped;
    await syncPciDevices(db, host.id, snapshot.pciDevices);
    // Desired state lives in the database: VF counts first, then the VMs that use the VFs.
    const reapplied = await reapplyDesiredVfs(db, host.id);
    const fdb = await reconcileHostFdb(db, host.id, agent, snapshot.fdb);
    const vms = await settleErrorVms(db, host.id, agent, snapshot.domains);
    const nics = await repairRunningVmVfs(db, host.id, agent, snapshot.domains);
    const recovered = await reattachVmVfs(db, host.id, agent);
    const ports = await reconcileHostVfPorts(db, host.id, agent, snapshot.nics);
    // Only a compare that found nothing to do vouches for its digest: after a repair the agent
    // reports a new one anyway, and the next reconcile must see that the repair held.
    const inSync =
      reapplied.length + fdb.added.length + fdb.removed.length + vms.length + nics.length === 0 &&
      recovered + ports.applied.length + ports.reset.length + ports.failed.length === 0;
    await recordObservedDigest(db, host.id, inSync ? change.digest : null);
    return { ...base, result: "observed", rebooted, reapplied, fdb, vms, nics, ports };
  } catch (error) {
    if (!isAgentError(error)) throw error;
    if (!(await stillHeld())) return lost;
    if (host.connectionState !== "Disconnected" || host.connectionReason === null) {
      await markHostDisconnected(db, host.id, disconnectReason(host, error));
    }
    return { ...base, result: "disconnected", rebooted: false, reapplied: [] };
  }
}
