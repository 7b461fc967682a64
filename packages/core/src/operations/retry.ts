import { z } from "zod";
import type { Db, Operation, OperationStatus } from "@virtfn/db";
import { reconnectHost, setHostIommu } from "../hosts/commands";
import type { Actor } from "../shared/actor";
import { DomainError, ErrorCode, notFound } from "../shared/errors";
import { visibleProjects } from "../shared/visibility";
import { restorePhysicalNic, splitPhysicalNic } from "../sriov/commands";
import { setVfCountOperationInput } from "../sriov/schemas";
import { deleteVm, rebootVm, startVm, stopVm } from "../vms/commands";

// Retrying a failed operation is asking again, as a new operation: the same service runs with the
// same target and input, so every rule is checked afresh against today's state (a start re-takes
// a VF only if one is free, a split re-checks R12). Nothing is replayed behind the rules' back.

export interface RetryVerdict {
  allowed: boolean;
  /** Why not, in words, when `allowed` is false. */
  reason: string | null;
}

type Rerun = (
  db: Db,
  actor: Actor,
  op: Pick<Operation, "targetId" | "input">,
) => Promise<{ operation: Operation }>;

/** The kinds that are safe to run again as they were asked, and how. */
const reruns: Record<string, { adminOnly: boolean; run: Rerun }> = {
  "vm.start": {
    adminOnly: false,
    run: (db, actor, op) => startVm(db, actor, { vmId: op.targetId }),
  },
  "vm.stop": { adminOnly: false, run: (db, actor, op) => stopVm(db, actor, { vmId: op.targetId }) },
  "vm.reboot": {
    adminOnly: false,
    run: (db, actor, op) => rebootVm(db, actor, { vmId: op.targetId }),
  },
  "vm.delete": {
    adminOnly: false,
    run: (db, actor, op) => deleteVm(db, actor, { vmId: op.targetId }),
  },
  "pf.split": {
    adminOnly: true,
    run: (db, actor, op) => {
      const input = setVfCountOperationInput.parse(op.input);
      return splitPhysicalNic(db, actor, { pfId: op.targetId, count: input.count });
    },
  },
  "pf.restore": {
    adminOnly: true,
    run: (db, actor, op) => {
      const input = setVfCountOperationInput.parse(op.input);
      return restorePhysicalNic(db, actor, { pfId: op.targetId, force: input.force });
    },
  },
  "host.connect": {
    adminOnly: true,
    run: (db, actor, op) => reconnectHost(db, actor, { hostId: op.targetId }),
  },
  "host.setIommu": {
    adminOnly: true,
    run: (db, actor, op) => {
      const { enabled } = z.object({ enabled: z.boolean() }).parse(op.input);
      return setHostIommu(db, actor, { hostId: op.targetId, enabled });
    },
  },
};

/** Why a kind that is not re-run as it was is not, and what to do instead. */
const notRerun: Record<string, string> = {
  "vm.create": "A failed create leaves no VM behind: create the VM again from the VMs page.",
  "vm.migrate": "A migration needs a destination chosen now: migrate again from the VM's page.",
  "vm.attachNic": "Attach the NIC again from the VM's page.",
  "vm.detachNic": "Detach the NIC again from the VM's page.",
  "host.reboot": "A reboot is not repeated for you: reboot the host again from its page.",
  "fleet.setVfCount": "Start a new rollout from the fleet page; it skips the PFs already done.",
  "pf.reapply": "The reconciler re-applies a PF's VFs on its own after a reboot.",
  "host.syncFdb": "The reconciler brings a host's FDB in line on its next pass.",
  "host.syncVfPorts": "The reconciler brings a host's VF ports in line on its next pass.",
  "vm.recover": "The reconciler restarts the VM on its next pass.",
};

/** Pure: whether `actor` may retry an operation of this kind and status, and why not. */
export function retryVerdict(
  actor: Actor,
  op: { kind: string; status: OperationStatus },
): RetryVerdict {
  if (op.status !== "Failed") {
    return {
      allowed: false,
      reason: `Only a failed operation can be retried; this one is ${op.status.toLowerCase()}.`,
    };
  }
  const rerun = reruns[op.kind];
  if (!rerun) {
    return {
      allowed: false,
      reason: notRerun[op.kind] ?? "This kind of operation cannot be retried.",
    };
  }
  if (actor.role === "Auditor") return { allowed: false, reason: "Auditors can look, not act." };
  if (rerun.adminOnly && actor.role !== "Admin") {
    return { allowed: false, reason: "Only admins can retry this operation." };
  }
  return { allowed: true, reason: null };
}

export const retryOperationInput = z.object({ id: z.uuid("Not an operation id") });
export type RetryOperationInput = z.input<typeof retryOperationInput>;

export interface RetriedOperation {
  /** The new operation; the failed one stays as it was. */
  operation: Operation;
  retriedFrom: string;
}

/** Runs a failed operation's request again as a new operation, when retryVerdict allows it. */
export async function retryOperation(
  db: Db,
  actor: Actor,
  rawInput: RetryOperationInput,
): Promise<RetriedOperation> {
  const { id } = retryOperationInput.parse(rawInput);
  const op = await db.operation.findFirst({
    where: { AND: [{ id }, visibleProjects(actor)] },
    select: { id: true, kind: true, status: true, targetId: true, input: true },
  });
  if (!op) throw notFound("Operation", id);
  const verdict = retryVerdict(actor, op);
  const rerun = reruns[op.kind];
  if (!verdict.allowed || !rerun) {
    throw new DomainError(
      ErrorCode.OPERATION_NOT_RETRYABLE,
      actor.role === "Auditor" ? "FORBIDDEN" : "CONFLICT",
      verdict.reason ?? "This operation cannot be retried.",
      { operationId: op.id, kind: op.kind, status: op.status },
    );
  }
  const { operation } = await rerun.run(db, actor, op);
  return { operation, retriedFrom: op.id };
}
