import {
  AgentError,
  AgentErrorCode,
  isAgentError,
  nextProgressStep,
  PhysicalNic,
  type AgentClient,
  type Task,
} from "@virtfn/agent-client";
import { z } from "zod";
import { Prisma, queryRows, type Db, type Operation } from "@virtfn/db";
import { disconnectReason } from "../hosts/operations";
import { pfLabel } from "../hosts/rules";
import {
  applyObservedNics,
  applyObservedPf,
  markHostDisconnected,
  type ObservedNic,
} from "../hosts/sync";
import { recordPfVfCount } from "../passthru/sync";
import { AwaitingAgentTask, recheckDelay, type TaskWatch } from "../operations/handoff";
import type { OperationContext, OperationHandler, OperationResult } from "../runtime/context";
import { DomainError, ErrorCode, notFound } from "../shared/errors";
import { detachVfNics, vmsHoldingVfsOf } from "./holders";
import { checkResizeAllowed, checkRestoreAllowed, resizePlan } from "./rules";
import { setVfCountOperationInput, type SetVfCountOperationInput } from "./schemas";

/** The agent's kernel-level refusals, as the domain errors the admin already knows. */
function domainErrorFor(
  error: unknown,
  pf: { name: string; totalVfs: number },
  count: number,
): DomainError | null {
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
      return new DomainError(
        ErrorCode.VFS_IN_USE,
        "CONFLICT",
        `VFs of ${pf.name} are in use: ${error.message}`,
        {
          pf: pf.name,
        },
      );
    case "IOMMU_NOT_ACTIVE":
      return new DomainError(ErrorCode.IOMMU_NOT_READY, "CONFLICT", error.message, { pf: pf.name });
    case "NOT_SRIOV_CAPABLE":
      return new DomainError(ErrorCode.PF_NOT_SRIOV_CAPABLE, "BAD_REQUEST", error.message, {
        pf: pf.name,
      });
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

/** What a split keeps while it waits for its agent task without holding a worker slot. */
const splitHandoff = z.object({
  previousNumVfs: z.number().int(),
  viaZero: z.boolean(),
  detachedNics: z.number().int(),
  startedAtMs: z.number(),
  // How the task ended, as the worker's watcher saw it: the woken job does not ask the agent again.
  taskEnded: z.enum(["succeeded", "failed"]).optional(),
  taskErrorCode: AgentErrorCode.optional(),
  taskErrorMessage: z.string().optional(),
  // The split PF as the agent reported it once the task succeeded, read by the watcher outside
  // the worker's slots: the woken job records it without a call of its own.
  readBack: PhysicalNic.optional(),
});
type SplitHandoff = z.infer<typeof splitHandoff>;

/** The same bound setVfCountAndWait had: a task still running after this is given up on. */
const TASK_DEADLINE_MS = 600_000;

/** The agent's task for this operation, or null when it has none (never started, or forgot it). */
async function taskOf(agent: AgentClient, operationId: string): Promise<Task | null> {
  try {
    return await agent.getTask(operationId);
  } catch (error) {
    if (isAgentError(error) && error.code === "NOT_FOUND") return null;
    throw error;
  }
}

/** What a split's job needs of its PF and host. */
const splitTargetRow = z.object({
  id: z.string(),
  name: z.string().nullable(),
  pciAddress: z.string(),
  numVfs: z.number().int(),
  totalVfs: z.number().int(),
  hostId: z.string(),
  hostName: z.string(),
  agentUrl: z.string(),
  agentToken: z.string(),
});

/**
 * The PF and its host in one statement through the pool's pg client: the job reads them on every
 * re-check of its agent task, where Prisma's findUnique with its host cost two queries and more
 * CPU in the worker than the re-check itself.
 */
async function splitTarget(db: Db, pfId: string) {
  const [row] = await queryRows(
    db,
    Prisma.sql`
    SELECT pf.id, pf.name, pf."pciAddress", pf."numVfs", pf."totalVfs", h.id AS "hostId",
           h.name AS "hostName", h."agentUrl", h."agentToken"
      FROM "PhysicalNic" pf JOIN "Host" h ON h.id = pf."hostId"
     WHERE pf.id = ${pfId}::uuid`,
  );
  if (row === undefined) throw notFound("Physical NIC", pfId);
  const found = splitTargetRow.parse(row);
  return {
    pf: { ...found, name: pfLabel(found) },
    host: {
      id: found.hostId,
      name: found.hostName,
      agentUrl: found.agentUrl,
      agentToken: found.agentToken,
    },
  };
}

/** Whether the operation's row already shows these VF-change counts (no write needed). */
function showsProgress(operation: Operation, done: number, total: number): boolean {
  return (
    operation.progressPhase === "vfChanges" &&
    operation.progressDone === done &&
    operation.progressTotal === total
  );
}

/** The progress a split shows while its agent task runs: "Splitting into 63 VFs: 37/63 VF changes". */
function taskProgress(label: string, task: Task) {
  const { done, total } = task.progress;
  return {
    percent: total === 0 ? 10 : 10 + (80 * done) / total,
    message: `${label}: ${done}/${total} VF changes`,
    figures: { phase: "vfChanges" as const, done, total },
  };
}

/**
 * How the worker watches a split's task: starts it when the job handed off before starting it
 * (`startFirst`), follows it with the agent's long-poll, records the progress it sees, and reads the
 * split PF back once the task succeeded: every agent call of a split outside the worker's slots.
 * A call that fails wakes the job, which then makes it itself and meets the error.
 */
function splitTaskWatch(
  db: Db,
  operationId: string,
  agent: AgentClient,
  label: string,
  state: () => SplitHandoff,
  target: {
    hostId: string;
    pciAddress: string;
    count: number;
    startFirst: boolean;
    result: (state: SplitHandoff, numVfs: number | null) => OperationResult;
  },
): TaskWatch {
  let shown = "";
  let toStart = target.startFirst;
  return {
    async ended(task, signal) {
      let readBack: PhysicalNic | undefined;
      if (task.state === "succeeded") {
        // Best effort: an agent that cannot answer now is asked by the job, which handles it.
        readBack = await agent
          .getPhysicalNic(target.pciAddress, { signal, retryForMs: 0 })
          .catch(() => undefined);
      }
      return {
        ...state(),
        ...(task.state === "running" ? {} : { taskEnded: task.state }),
        ...(task.error === null
          ? {}
          : { taskErrorCode: task.error.code, taskErrorMessage: task.error.message }),
        ...(readBack === undefined ? {} : { readBack }),
      };
    },
    async wait(waitMs, seen, signal) {
      if (toStart) {
        const { pciAddress, count } = target;
        await agent.setVfCount(pciAddress, count, { operationId }, { signal, retryForMs: 0 });
        toStart = false;
      }
      return agent.waitForTask(
        operationId,
        { waitMs, untilDone: nextProgressStep(seen) },
        { signal, retryForMs: 0 },
      );
    },
    progress(task) {
      const report = taskProgress(label, task);
      if (report.message === shown) return null;
      shown = report.message;
      return report;
    },
    async finish(task, signal) {
      if (task.state !== "succeeded") return null;
      const reported = await agent.getPhysicalNic(target.pciAddress, { signal, retryForMs: 0 });
      const numVfs = await readBackVfs(db, target.hostId, target.pciAddress, agent, reported);
      return target.result(state(), numVfs);
    },
  };
}

/**
 * Records what a finished split changed: the PF and its VFs as the agent reports them, and the
 * PF's VF count on its PCI device row. Only that PF: the host's other PFs (each a few dozen sysfs
 * reads per VF on the agent, whose CPU a fleet-wide split waits for) did not change. Not
 * refreshHost either: its facts and its scan of every PCI function cost the agent several times
 * more, and a split changes neither. An agent that no longer reports the PF, or has no per-PF
 * route, is read in full, so that a PF that is gone is recorded as gone. Returns the PF's VF
 * count as reported (null: the agent no longer reports the PF).
 */
async function readBackVfs(
  db: Db,
  hostId: string,
  pciAddress: string,
  agent: AgentClient,
  alreadyRead: ObservedNic | undefined,
): Promise<number | null> {
  let reported: ObservedNic | undefined;
  try {
    reported = alreadyRead ?? (await agent.getPhysicalNic(pciAddress));
    await applyObservedPf(db, hostId, reported);
  } catch (error) {
    if (!isAgentError(error) || error.code !== "NOT_FOUND") throw error;
    const nics = await agent.listPhysicalNics();
    await applyObservedNics(db, hostId, nics);
    reported = nics.find((nic) => nic.pciAddress === pciAddress);
  }
  if (!reported) return null;
  await recordPfVfCount(db, hostId, reported);
  return reported.numVfs;
}

/**
 * pf.split, pf.restore and pf.reapply: set a PF's VF count through the agent, then record the VFs
 * it reports. The agent task is keyed by the operation id, so a retried job resumes it. While the
 * task runs the handler hands off (AwaitingAgentTask) instead of polling in a worker slot, and is
 * run again, with what it handed over, to look at the task once more.
 */
export const setVfCount: OperationHandler = async (ctx, operation) => {
  const input = setVfCountOperationInput.parse(operation.input);
  const { pf, host } = await splitTarget(ctx.db, operation.targetId);
  const agent = ctx.agentFor(host);
  const label = verb(operation.kind, input.count);
  const resumed = splitHandoff.safeParse(ctx.resumed);
  let state: SplitHandoff | null = null;
  const splitResult = (done: SplitHandoff, numVfs: number | null): OperationResult => ({
    pf: pf.name,
    host: host.name,
    previousNumVfs: done.previousNumVfs,
    numVfs: numVfs ?? input.count,
    viaZero: done.viaZero,
    detachedNics: done.detachedNics,
    warnings: input.warnings.join("\n"),
  });
  const watch = (startFirst: boolean) =>
    splitTaskWatch(
      ctx.db,
      operation.id,
      agent,
      label,
      () => {
        if (state === null) throw new Error("a split hands off only once its state is known");
        return state;
      },
      {
        hostId: host.id,
        pciAddress: pf.pciAddress,
        count: input.count,
        startFirst,
        result: splitResult,
      },
    );
  try {
    let task: Task | null;
    let readBack: ObservedNic | undefined;
    if (resumed.success) {
      const {
        taskEnded,
        taskErrorCode,
        taskErrorMessage,
        readBack: read,
        ...handedOver
      } = resumed.data;
      state = handedOver;
      readBack = read;
      task =
        taskEnded === undefined
          ? await taskOf(agent, operation.id)
          : {
              id: operation.id,
              kind: "set-vf-count",
              target: pf.pciAddress,
              state: taskEnded,
              progress: { done: 0, total: 0 },
              error:
                taskErrorCode === undefined
                  ? null
                  : { code: taskErrorCode, message: taskErrorMessage ?? "task failed" },
            };
    } else {
      // A first run, or a re-run after a worker crash: the task may already be under way.
      const plan = resizePlan(pf.numVfs, input.count);
      state = {
        previousNumVfs: plan.from,
        viaZero: plan.viaZero,
        detachedNics: 0,
        startedAtMs: Date.now(),
      };
      // Only a re-run (attempts > 1: a crashed worker, a retry) can find its task under way;
      // on the first attempt asking would be one more request to the agent for nothing.
      task = operation.attempts > 1 ? await taskOf(agent, operation.id) : null;
      if (task === null) {
        // Re-checked here because VMs may have taken VFs between the request and this job.
        const holders = await vmsHoldingVfsOf(ctx.db, pf.id);
        if (holders.length > 0 && plan.destroysVfs) {
          if (input.count > 0) checkResizeAllowed(pf, plan, holders.length);
          checkRestoreAllowed(pf, holders, input.force);
          await ctx.progress(
            5,
            `Detaching VF NICs from ${holders.map((vm) => vm.name).join(", ")}`,
            { phase: "detach" },
          );
          state.detachedNics = await detachVfNics(
            {
              db: ctx.db,
              agentFor: ctx.agentFor,
              operationId: operation.id,
              reason: "forced restore",
            },
            pf.id,
          );
        }
        await ctx.progress(10, `${label}: ${pf.name} on ${host.name}`);
        // The task is started by the worker's watcher, outside the slot; without a watcher the
        // re-check below starts it.
        throw new AwaitingAgentTask(
          operation.id,
          recheckDelay({ done: 0, total: 0 }, 0),
          state,
          watch(true),
        );
      }
    }
    if (task === null) {
      // Not started yet, or the agent restarted and forgot it: the same operation id is the same request.
      await agent.setVfCount(pf.pciAddress, input.count, { operationId: operation.id });
      task = await agent.getTask(operation.id);
    }
    if (task.state === "failed") {
      throw new AgentError(task.error?.code ?? "INTERNAL", task.error?.message ?? "task failed", {
        details: { task },
      });
    }
    if (task.state === "running") {
      const elapsed = Date.now() - state.startedAtMs;
      if (elapsed > TASK_DEADLINE_MS) {
        throw new AgentError(
          "TIMEOUT",
          `task ${task.id} still running after ${TASK_DEADLINE_MS} ms`,
          { details: { task } },
        );
      }
      const { done, total } = task.progress;
      if (!showsProgress(operation, done, total)) {
        const shown = taskProgress(label, task);
        await ctx.progress(shown.percent, shown.message, shown.figures);
      }
      throw new AwaitingAgentTask(
        task.id,
        recheckDelay(task.progress, elapsed),
        state,
        watch(false),
      );
    }
    await ctx.progress(95, "Reading the VFs the host reports", { phase: "readBack" });
    return splitResult(state, await readBackVfs(ctx.db, host.id, pf.pciAddress, agent, readBack));
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
