import type { AgentClient } from "@virtfn/agent-client";
import type { Db } from "@virtfn/db";
import { iommuReadiness, pfLabel } from "../hosts/rules";
import { recordAudit } from "../operations/audit";
import { createOperation } from "../operations/create";
import { isDomainError, ErrorCode } from "../shared/errors";
import { recoverVmsOnHost } from "../vms/reattach";
import { vfsInUseOf } from "./holders";

export interface ReapplyOutcome {
  pfId: string;
  pf: string;
  desired: number;
  observed: number;
  /** The pf.reapply operation created, or null when skipped. */
  operationId: string | null;
  skipped: null | "IOMMU_NOT_READY" | "VFS_IN_USE" | "OPERATION_IN_PROGRESS" | "FAILED_THIS_BOOT";
}

/**
 * VFs do not survive a reboot; desiredNumVfs does. For every PF that reports fewer VFs than
 * desired, this queues a `pf.reapply` operation with no requester (the system). An operation
 * rather than a direct agent call because a split can take tens of seconds, which must not
 * stall the reconcile loop; it also gets retries, progress, the one-operation-per-PF guard and
 * a row the admin can see. Call it after the host's observed state has been recorded.
 */
export async function reapplyDesiredVfs(db: Db, hostId: string): Promise<ReapplyOutcome[]> {
  const host = await db.host.findUnique({ where: { id: hostId } });
  if (!host || host.connectionState !== "Connected") return [];
  const pfs = await db.physicalNic.findMany({
    where: { hostId, desiredNumVfs: { gt: 0 }, virtualizationState: { not: "NotVirtualizable" } },
    orderBy: { name: "asc" },
  });
  const outcomes: ReapplyOutcome[] = [];
  for (const row of pfs) {
    const pf = { ...row, name: pfLabel(row) };
    const desired = pf.desiredNumVfs ?? 0;
    if (pf.numVfs >= desired) continue;
    const base = { pfId: pf.id, pf: pf.name, desired, observed: pf.numVfs, operationId: null };
    if (iommuReadiness(host).state !== "ready") {
      outcomes.push({ ...base, skipped: "IOMMU_NOT_READY" });
      continue;
    }
    // Below desired but not 0 means someone changed it by hand: going through 0 would take
    // VFs from running VMs, so that case waits for the admin.
    if (pf.numVfs > 0 && (await vfsInUseOf(db, pf.id)) > 0) {
      outcomes.push({ ...base, skipped: "VFS_IN_USE" });
      continue;
    }
    // One attempt per boot: a refusal that retrying will not fix must not fill the operation list.
    const failed = await db.operation.count({
      where: {
        kind: "pf.reapply",
        targetType: "PhysicalNic",
        targetId: pf.id,
        status: "Failed",
        input: { path: ["bootId"], equals: host.bootId ?? "unknown" },
      },
    });
    if (failed > 0) {
      outcomes.push({ ...base, skipped: "FAILED_THIS_BOOT" });
      continue;
    }
    try {
      const operation = await db.$transaction(async (tx) => {
        const created = await createOperation(tx, null, {
          kind: "pf.reapply",
          targetType: "PhysicalNic",
          targetId: pf.id,
          targetName: `${host.name}/${pf.name}`,
          input: {
            count: desired,
            force: false,
            previousDesired: desired,
            warnings: [],
            bootId: host.bootId,
          },
        });
        await recordAudit(tx, null, {
          action: "pf.reapply",
          targetType: "PhysicalNic",
          targetId: pf.id,
          outcome: "Success",
          details: {
            host: host.name,
            pf: pf.name,
            observed: pf.numVfs,
            desired,
            bootId: host.bootId,
          },
        });
        return created;
      });
      outcomes.push({ ...base, operationId: operation.id, skipped: null });
    } catch (error) {
      // A split, restore or earlier reapply is running: it owns the PF right now.
      if (isDomainError(error) && error.code === ErrorCode.OPERATION_IN_PROGRESS) {
        outcomes.push({ ...base, skipped: "OPERATION_IN_PROGRESS" });
        continue;
      }
      throw error;
    }
  }
  return outcomes;
}

/**
 * After a reboot, VMs whose desiredState is Running get their domains
 * started again with their VF NICs re-attached (R8: the same VF if free, else any on the L2).
 * Nothing to do until VMs exist. The reconciler calls it on every pass; being level-triggered,
 * it should act only on PFs whose VFs are back (numVfs = desiredNumVfs), which a later pass sees
 * once the pf.reapply operation has finished.
 */
export async function reattachVmVfs(db: Db, hostId: string, agent: AgentClient): Promise<number> {
  return recoverVmsOnHost(db, hostId, agent);
}
