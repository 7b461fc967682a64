import { isAgentError, type Task } from "@virtfn/agent-client";
import type { Operation } from "@virtfn/db";
import { disconnectReason, refreshHost } from "../hosts/operations";
import { markHostDisconnected } from "../hosts/sync";
import type { OperationContext, OperationHandler } from "../runtime/context";
import { DomainError, ErrorCode, notFound } from "../shared/errors";
import { detachVfNics, vmsHoldingVfsOf } from "./holders";
import { checkResizeAllowed, checkRestoreAllowed, resizePlan } from "./rules";
import { setVfCountOperationInput, type SetVfCountOperationInput } from "./schemas";

/** The agent's kernel-level refusals, as the domain errors the admin already knows. */
function domainErrorFor(error: unknown, pf: { name: string; totalVfs: number }, count: number): DomainError | null {
  if (!isAgentError(error)) return null;
  switch (error.code) {
    case "ERANGE":
      return new DomainError(
        ErrorCode.VF_COUNT_OUT_OF_RANGE,
        "BAD_REQUEST",
        `${pf.name} can be split into 1 to ${pf.totalVfs} VFs; the host refused ${count}: ${error.message}`,
        { pf: pf.name, min: 1, max: pf.totalVfs, requested: count },
      );
    case "EBUSY":
    case "VF_IN_USE":
      return new DomainError(ErrorCode.VFS_IN_USE, "CONFLICT", `VFs of ${pf.name} are in use: ${error.message}`, {
        pf: pf.name,
      });
    case "IOMMU_NOT_ACTIVE":
      return new DomainError(ErrorCode.IOMMU_NOT_READY, "CONFLICT", error.message, { pf: pf.name });
    case "NOT_SRIOV_CAPABLE":
      return new DomainError(ErrorCode.PF_NOT_SRIOV_CAPABLE, "BAD_REQUEST", error.message, { pf: pf.name });
    default:
      return null;
  }
}

/** A refused request must not stay desired, or the reconciler would keep re-applying it. */
async function restorePreviousDesired(
  ctx: OperationContext,
  operation: Operation,
  input: SetVfCountOperationInput,
): Promise<void> {
  if (operation.kind === "pf.reapply") return;
  await ctx.db.physicalNic.updateMany({
    where: { id: operation.targetId, desiredNumVfs: input.count },
    data: { desiredNumVfs: input.previousDesired },
  });
}

function verb(kind: string, count: number): string {
  if (kind === "pf.reapply") return `Re-applying ${count} VFs after a reboot`;
  return count === 0 ? "Restoring" : `Splitting into ${count} VFs`;
}

/**
 * pf.split, pf.restore and pf.reapply: set a PF's VF count through the agent, then record the VFs
 * it reports. The agent task is keyed by the operation id, so a retried job resumes it.
 */
export const setVfCount: OperationHandler = async (ctx, operation) => {
  const input = setVfCountOperationInput.parse(operation.input);
  const pf = await ctx.db.physicalNic.findUnique({ where: { id: operation.targetId }, include: { host: true } });
  if (!pf) throw notFound("Physical NIC", operation.targetId);
  const { host } = pf;
  const agent = ctx.agentFor(host);
  const plan = resizePlan(pf.numVfs, input.count);
  try {
    // Re-checked here because VMs may have taken VFs between the request and this job.
    const holders = await vmsHoldingVfsOf(ctx.db, pf.id);
    let detached = 0;
    if (holders.length > 0 && plan.destroysVfs) {
      if (input.count > 0) checkResizeAllowed(pf, plan, holders.length);
      checkRestoreAllowed(pf, holders, input.force);
      await ctx.progress(5, `Detaching VF NICs from ${holders.map((vm) => vm.name).join(", ")}`);
      detached = await detachVfNics(
        { db: ctx.db, agentFor: ctx.agentFor, operationId: operation.id, reason: "forced restore" },
        pf.id,
      );
    }
    const label = verb(operation.kind, input.count);
    await ctx.progress(10, `${label}: ${pf.name} on ${host.name}`);
    // onProgress is synchronous; chaining keeps the progress writes in order.
    let progressWrites = Promise.resolve();
    const onProgress = (task: Task): void => {
      const { done, total } = task.progress;
      const percent = total === 0 ? 90 : 10 + (80 * done) / total;
      progressWrites = progressWrites
        .then(() => ctx.progress(percent, `${label}: ${done}/${total} VF changes`))
        .catch(() => undefined);
    };
    await agent.setVfCountAndWait(pf.pciAddress, input.count, { operationId: operation.id, onProgress, pollMs: 200 });
    await progressWrites;
    await ctx.progress(95, "Reading the VFs the host reports");
    await refreshHost(ctx.db, host, agent);
    const after = await ctx.db.physicalNic.findUnique({ where: { id: pf.id }, select: { numVfs: true } });
    return {
      pf: pf.name,
      host: host.name,
      previousNumVfs: plan.from,
      numVfs: after?.numVfs ?? input.count,
      viaZero: plan.viaZero,
      detachedNics: detached,
      warnings: input.warnings.join("\n"),
    };
  } catch (error) {
    if (isAgentError(error) && ["UNREACHABLE", "TIMEOUT", "UNAUTHORIZED"].includes(error.code)) {
      await markHostDisconnected(ctx.db, host.id, disconnectReason(host, error));
    }
    const refusal = error instanceof DomainError ? error : domainErrorFor(error, pf, input.count);
    if (refusal) {
      await restorePreviousDesired(ctx, operation, input);
      throw refusal;
    }
    throw error;
  }
};
