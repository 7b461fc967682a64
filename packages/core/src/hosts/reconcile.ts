import { isAgentError } from "@virtfn/agent-client";
import type { Db, Host } from "@virtfn/db";
import type { AgentTarget } from "../runtime/context";
import type { AgentClient } from "@virtfn/agent-client";
import { reapplyDesiredVfs, reattachVmVfs, type ReapplyOutcome } from "../sriov/reapply";
import { reconcileHostFdb, type FdbRepair } from "../vms/fdb";
import {
  repairRunningVmVfs,
  settleErrorVms,
  type RepairedNic,
  type SettledVm,
} from "../vms/reattach";
import { disconnectReason } from "./operations";
import { applyObservedHost, markHostDisconnected } from "./sync";

export interface ReconcileOutcome {
  hostId: string;
  name: string;
  result: "observed" | "disconnected" | "skipped";
  rebooted: boolean;
  /** PFs below their desired VF count (after a reboot, typically) and what was done about it. */
  reapplied: ReapplyOutcome[];
  /** FDB entries added to and removed from the host's PFs. */
  fdb?: FdbRepair;
  /** VMs in Error settled to what their domains show. */
  vms?: SettledVm[];
  /** VF NICs of Running VMs whose domain had lost the VF: plugged back in, or marked lost. */
  nics?: RepairedNic[];
}

/**
 * Level-triggered: compares what the agent reports with the database and repairs drift. Hosts
 * with an operation in flight are left to that operation, so the two never fight.
 */
export async function reconcileHost(
  db: Db,
  host: Host,
  agentFor: (target: AgentTarget) => AgentClient,
): Promise<ReconcileOutcome> {
  const base = { hostId: host.id, name: host.name };
  const busy = await db.operation.count({
    where: { targetType: "Host", targetId: host.id, status: { in: ["Pending", "Running"] } },
  });
  if (busy > 0) return { ...base, result: "skipped", rebooted: false, reapplied: [] };
  const agent = agentFor(host);
  try {
    const health = await agent.health({ timeoutMs: 3000 });
    const rebooted = host.bootId !== null && health.bootId !== host.bootId;
    // One read of everything the agent holds, taken before the database is read for the
    // comparison, so an operation that commits in between shows up as desired, not as drift.
    const snapshot = await agent.snapshot();
    await applyObservedHost(db, host.id, { health, facts: snapshot.facts, nics: snapshot.nics });
    // Desired state lives in the database: VF counts first, then the VMs that use the VFs.
    const reapplied = await reapplyDesiredVfs(db, host.id);
    const fdb = await reconcileHostFdb(db, host.id, agent, snapshot.fdb);
    const vms = await settleErrorVms(db, host.id, agent, snapshot.domains);
    const nics = await repairRunningVmVfs(db, host.id, agent, snapshot.domains);
    await reattachVmVfs(db, host.id, agent);
    return { ...base, result: "observed", rebooted, reapplied, fdb, vms, nics };
  } catch (error) {
    if (!isAgentError(error)) throw error;
    if (host.connectionState !== "Disconnected" || host.connectionReason === null) {
      await markHostDisconnected(db, host.id, disconnectReason(host, error));
    }
    return { ...base, result: "disconnected", rebooted: false, reapplied: [] };
  }
}
