import { isAgentError, type AgentClient } from "@virtfn/agent-client";
import type { Db, Operation, VmState } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import type { OperationContext, OperationHandler, OperationResult } from "../runtime/context";
import { classifyFailure } from "../runtime/failures";
import { DomainError, ErrorCode, isDomainError } from "../shared/errors";
import { reacquireVfs } from "./commands";
import { vmDomainName } from "../sriov/holders";
import { TX_OPTIONS } from "./access";
import { applyVmFdb, fdbFootprint, rebuildFdbRows, removeFdbRows } from "./fdb";
import { loadVmWork, type VmWork } from "./load";
import { migrationRunOf, runLiveMigration } from "./migrate-run";
import { releasePciDevices } from "../passthru/reserve";
import { releaseNicVfs } from "./reserve";
import { buildDomainSpec, failoverPartner, nicSpec } from "./spec";
import { finishReleasesQuietly } from "./vf-ports";
import { migrateOperationInput, nicOperationInput } from "./schemas";

// The vm.* handlers. Each re-reads the VM, calls the agent (idempotent calls, so a job retried
// after a crash resumes), then records the outcome with a compare-and-set on the VM's state.
// A permanent failure rolls back what the request reserved.

/**
 * The VM's host agent, with calls that wait out an agent restart or host reboot before the
 * operation fails (issue 10): the host is known, so unreachable means "not yet", for a while.
 */
function agentOf(ctx: OperationContext, vm: VmWork): AgentClient {
  if (!vm.host)
    throw new DomainError(ErrorCode.VM_INVALID_STATE, "CONFLICT", `${vm.name} has no host.`);
  return ctx.agentFor(vm.host, PATIENT);
}

const PATIENT = { waitOutOutages: true } as const;
/** How long a define or start waits for VFs that a reboot took and a pf.reapply is bringing back. */
const VF_REAPPLY_WAIT_MS = 120_000;

/**
 * True while the VFs this VM holds are on their way back: a pf.* operation runs on their PF,
 * or the agent reports fewer VFs than desired (the reconciler has yet to queue the re-apply).
 */
async function vfsBeingReapplied(
  ctx: OperationContext,
  agent: AgentClient,
  vm: VmWork,
): Promise<boolean> {
  const pfIds = [...new Set(vm.nics.flatMap((nic) => (nic.vf ? [nic.vf.pfId] : [])))];
  if (pfIds.length === 0) return false;
  const busy = await ctx.db.operation.count({
    where: {
      targetType: "PhysicalNic",
      targetId: { in: pfIds },
      status: { in: ["Pending", "Running"] },
    },
  });
  if (busy > 0) return true;
  const pfs = await ctx.db.physicalNic.findMany({ where: { id: { in: pfIds } } });
  const observed = await agent.listPhysicalNics();
  return pfs.some(
    (pf) =>
      (observed.find((nic) => nic.pciAddress === pf.pciAddress)?.numVfs ?? 0) <
      (pf.desiredNumVfs ?? 0),
  );
}

/** Agent refusals that mean "this VF is not back yet": no such VF, or its PF is mid-change. */
const VF_NOT_YET = new Set<string>(["VF_NOT_FOUND", "DEVICE_BUSY"]);

/**
 * Runs an agent call that needs the VM's VFs on the host (define, start): "VF not there yet"
 * while a re-apply is pending is waited out, not failed. Whether one is pending can only be read
 * after the refusal, and by then the re-apply may have finished (the refusal was on its way
 * back meanwhile), so the call fails only when no re-apply was pending both before the attempt
 * was sent and after it was refused.
 */
async function waitingForVfs<T>(
  ctx: OperationContext,
  agent: AgentClient,
  vm: VmWork,
  call: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + VF_REAPPLY_WAIT_MS;
  let settledBefore = false;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const notYet = isAgentError(error) && VF_NOT_YET.has(error.code);
      if (!notYet || Date.now() > deadline) throw error;
      const pending = await vfsBeingReapplied(ctx, agent, vm);
      if (!pending && settledBefore) throw error;
      settledBefore = !pending;
      if (pending) {
        await ctx.progress(20, `Waiting for ${vm.host?.name ?? "the host"} to re-create its VFs`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
}

/** Agent calls on a domain that is already gone have nothing left to do. */
async function unlessGone<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (isAgentError(error) && error.code === "NOT_FOUND") return null;
    throw error;
  }
}

/**
 * Runs `work`; if it fails for good — not worth a retry, or out of retries — runs `rollback`
 * before failing, so a reservation never outlives the operation that made it.
 */
async function withRollback(
  ctx: OperationContext,
  work: () => Promise<OperationResult>,
  rollback: (failure: { code: string; message: string }) => Promise<void>,
): Promise<OperationResult> {
  try {
    return await work();
  } catch (error) {
    const failure = classifyFailure(error);
    if (!failure.retryable || ctx.isFinalAttempt) await rollback(failure);
    throw error;
  }
}

function stateError(vm: { name: string; state: VmState }, expected: VmState[]): DomainError {
  return new DomainError(
    ErrorCode.VM_INVALID_STATE,
    "CONFLICT",
    `${vm.name} is ${vm.state}, not ${expected.join(" or ")}; the operation no longer applies.`,
  );
}

/** Compare-and-set from `from` to Running; the VFs the VM holds become Attached with the NIC's MAC. */
async function markRunning(
  db: Db,
  vm: VmWork,
  from: VmState[],
  action: string,
  operation: Operation,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.vm.updateMany({
      where: { id: vm.id, state: { in: from } },
      data: { state: "Running" },
    });
    if (count === 0) return false;
    for (const nic of vm.nics) {
      if (!nic.vfId) continue;
      await tx.virtualFunction.updateMany({
        where: { id: nic.vfId, state: { in: ["Reserved", "Attached"] } },
        data: { state: "Attached", mac: nic.mac, stateChangedAt: new Date() },
      });
    }
    await recordAudit(tx, null, {
      action,
      targetType: "Vm",
      targetId: vm.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: { name: vm.name, operationId: operation.id, host: vm.host?.name ?? null },
    });
    return true;
  }, TX_OPTIONS);
}

/**
 * Undoes a create or start that failed for good: the domain goes (create) or stays stopped
 * (start), the reserved VFs are Available again, and the VM says why through the failed operation.
 */
async function rollbackBoot(
  ctx: OperationContext,
  vm: VmWork,
  operation: Operation,
  failure: { code: string; message: string },
  to: "Error" | "Stopped",
): Promise<void> {
  if (vm.host) {
    const agent = ctx.agentFor(vm.host);
    await unlessGone(agent.destroyDomain(vmDomainName(vm))).catch(() => null);
    if (to === "Error") await agent.undefineDomain(vmDomainName(vm)).catch(() => null);
  }
  await ctx.db.$transaction(async (tx) => {
    const current = await tx.vmNic.findMany({
      where: { vmId: vm.id },
      select: { id: true, vfId: true },
    });
    await releaseNicVfs(tx, current, false);
    await releasePciDevices(tx, vm.id);
    await tx.vm.updateMany({ where: { id: vm.id }, data: { state: to, desiredState: "Stopped" } });
    await recordAudit(tx, null, {
      action: operation.kind,
      targetType: "Vm",
      targetId: vm.id,
      projectId: vm.projectId,
      outcome: "Failure",
      errorCode: failure.code,
      details: { name: vm.name, operationId: operation.id, reason: failure.message, state: to },
    });
  }, TX_OPTIONS);
  if (vm.host) await finishReleasesQuietly(ctx.db, ctx.agentFor(vm.host), vm.host.id);
}

/** Defines the domain as the database says, starts it, and puts its vNICs' MACs in the PF's FDB. */
async function boot(ctx: OperationContext, vm: VmWork): Promise<void> {
  const agent = agentOf(ctx, vm);
  await ctx.progress(20, `Defining ${vm.name} on ${vm.host?.name ?? "?"}`);
  await waitingForVfs(ctx, agent, vm, () => agent.defineDomain(buildDomainSpec(vm)));
  await ctx.progress(50, `Starting ${vm.name}`);
  // A domain defined before a host reboot finds its VFs gone at start: the same wait.
  await waitingForVfs(ctx, agent, vm, () => agent.startDomain(vmDomainName(vm)));
  await ctx.progress(80, "Adding FDB entries for vNICs on SR-IOV networks");
  await applyVmFdb(ctx.db, agent, vm);
}

async function loadOrSkip(ctx: OperationContext, operation: Operation): Promise<VmWork | null> {
  return loadVmWork(ctx.db, operation.targetId);
}

const createVm: OperationHandler = async (ctx, operation) => {
  const vm = await loadOrSkip(ctx, operation);
  if (!vm) return { skipped: "the VM is gone" };
  if (vm.state === "Running") return { state: "Running" };
  if (vm.state !== "Creating") throw stateError(vm, ["Creating"]);
  return withRollback(
    ctx,
    async () => {
      await boot(ctx, vm);
      await markRunning(ctx.db, vm, ["Creating"], "vm.running", operation);
      return {
        state: "Running",
        host: vm.host?.name ?? null,
        vfNics: vm.nics.filter((n) => n.vfId).length,
      };
    },
    (failure) => rollbackBoot(ctx, vm, operation, failure, "Error"),
  );
};

/** vm.start, and vm.recover (the reconciler's restart after a host reboot). */
const startVm: OperationHandler = async (ctx, operation) => {
  const vm = await loadOrSkip(ctx, operation);
  if (!vm) return { skipped: "the VM is gone" };
  if (vm.state === "Running") return { state: "Running" };
  if (vm.state !== "Starting") throw stateError(vm, ["Starting"]);
  return withRollback(
    ctx,
    async () => {
      await boot(ctx, vm);
      await markRunning(ctx.db, vm, ["Starting"], "vm.running", operation);
      return { state: "Running", vfNics: vm.nics.filter((n) => n.vfId).length };
    },
    (failure) => rollbackBoot(ctx, vm, operation, failure, "Stopped"),
  );
};

/** R8: the domain stops and is redefined without its VFs; the NICs keep type, MAC and IP. */
const stopVm: OperationHandler = async (ctx, operation) => {
  const vm = await loadOrSkip(ctx, operation);
  if (!vm) return { skipped: "the VM is gone" };
  if (vm.state === "Stopped") return { state: "Stopped" };
  if (vm.state !== "Stopping") throw stateError(vm, ["Stopping"]);
  return withRollback(
    ctx,
    async () => {
      const agent = agentOf(ctx, vm);
      await ctx.progress(30, `Stopping ${vm.name}`);
      const domain = await unlessGone(agent.stopDomain(vmDomainName(vm)));
      if (domain) {
        await ctx.progress(60, "Releasing VFs from the domain");
        await agent.defineDomain(
          buildDomainSpec({
            ...vm,
            nics: vm.nics.map((nic) => ({ ...nic, vf: null })),
            pciDevices: [],
          }),
        );
      }
      const released = await ctx.db.$transaction(async (tx) => {
        const { count } = await tx.vm.updateMany({
          where: { id: vm.id, state: "Stopping" },
          data: { state: "Stopped" },
        });
        if (count === 0) return 0;
        // Whole devices go with the VFs (issue 17); the VM keeps being given them.
        await releasePciDevices(tx, vm.id);
        return releaseNicVfs(tx, vm.nics, true);
      }, TX_OPTIONS);
      if (released > 0) await finishReleasesQuietly(ctx.db, agent, vm.host?.id ?? "");
      return { state: "Stopped", releasedVfs: released };
    },
    async () => {
      await ctx.db.vm.updateMany({
        where: { id: vm.id, state: "Stopping" },
        data: { state: "Error" },
      });
    },
  );
};

/**
 * A reboot takes free VFs back for VF NICs that lost theirs (a forced restore, R11), as a start
 * does (R8). None free: the VM reboots without them and its NICs still say "VF lost". Returns
 * the reloaded VM when something was taken, else null.
 */
async function reacquireLostVfs(ctx: OperationContext, vm: VmWork): Promise<VmWork | null> {
  if (!vm.host || !vm.nics.some((nic) => nic.type === "VF" && !nic.vfId)) return null;
  const host = vm.host;
  try {
    await ctx.db.$transaction((tx) => reacquireVfs(tx, vm.id, host), TX_OPTIONS);
  } catch (error) {
    if (isDomainError(error) && error.code === ErrorCode.NO_VF_AVAILABLE) return null;
    throw error;
  }
  return loadVmWork(ctx.db, vm.id);
}

const rebootVm: OperationHandler = async (ctx, operation) => {
  const vm = await loadOrSkip(ctx, operation);
  if (!vm) return { skipped: "the VM is gone" };
  if (vm.state === "Running") return { state: "Running" };
  // Starting: a run of this operation whose worker died after it stopped the domain.
  if (vm.state !== "Rebooting" && vm.state !== "Starting") throw stateError(vm, ["Rebooting"]);
  return withRollback(
    ctx,
    async () => {
      const agent = agentOf(ctx, vm);
      await ctx.progress(30, `Rebooting ${vm.name}`);
      if (vm.state === "Rebooting") {
        await agent.stopDomain(vmDomainName(vm));
        // Recorded before the start: a run again after a crash past this point only makes sure
        // the domain runs, instead of stopping it a second time (a second reboot).
        await ctx.db.vm.updateMany({
          where: { id: vm.id, state: "Rebooting" },
          data: { state: "Starting" },
        });
      }
      const booted = (await reacquireLostVfs(ctx, vm)) ?? vm;
      if (booted !== vm) {
        await ctx.progress(60, "Re-attaching VFs that a forced restore took");
        await waitingForVfs(ctx, agent, booted, () => agent.defineDomain(buildDomainSpec(booted)));
      }
      await waitingForVfs(ctx, agent, booted, () => agent.startDomain(vmDomainName(vm)));
      await markRunning(ctx.db, booted, ["Rebooting", "Starting"], "vm.running", operation);
      return {
        state: "Running",
        reacquiredVfs:
          booted.nics.filter((n) => n.vfId).length - vm.nics.filter((n) => n.vfId).length,
      };
    },
    async () => {
      await ctx.db.vm.updateMany({
        where: { id: vm.id, state: { in: ["Rebooting", "Starting"] } },
        data: { state: "Error" },
      });
    },
  );
};

/** Removes the domain and FDB entries, then releases the VFs and deletes the rows (IPs and MACs go with them). */
const deleteVm: OperationHandler = async (ctx, operation) => {
  const vm = await loadOrSkip(ctx, operation);
  if (!vm) return { deleted: true };
  return withRollback(
    ctx,
    async () => {
      if (vm.host) {
        const agent = ctx.agentFor(vm.host, PATIENT);
        await ctx.progress(30, `Destroying ${vm.name}`);
        await unlessGone(agent.destroyDomain(vmDomainName(vm)));
        await agent.undefineDomain(vmDomainName(vm));
        // Every PF a NIC's MAC could be on, not only the desired rows: a vNIC switched to VF
        // while stopped has no row left, yet its old entry may still be on the host.
        await removeFdbRows(agent, await fdbFootprint(ctx.db, vm.host.id, vm.nics));
      }
      const released = await ctx.db.$transaction(async (tx) => {
        const nics = await tx.vmNic.findMany({
          where: { vmId: vm.id },
          select: { id: true, vfId: true },
        });
        const count = await releaseNicVfs(tx, nics, false);
        await tx.vm.deleteMany({ where: { id: vm.id } });
        await recordAudit(tx, null, {
          action: "vm.deleted",
          targetType: "Vm",
          targetId: vm.id,
          projectId: vm.projectId,
          outcome: "Success",
          details: { name: vm.name, operationId: operation.id, releasedVfs: count },
        });
        return count;
      }, TX_OPTIONS);
      if (released > 0 && vm.host)
        await finishReleasesQuietly(ctx.db, ctx.agentFor(vm.host, PATIENT), vm.host.id);
      return { deleted: true, releasedVfs: released };
    },
    async () => {
      await ctx.db.vm.updateMany({
        where: { id: vm.id, state: "Deleting" },
        data: { state: "Error" },
      });
    },
  );
};

/** Hot-plugs a new NIC into a running VM; a stopped VM gets it in its domain at the next start. */
const attachNic: OperationHandler = async (ctx, operation) => {
  const { nicId } = nicOperationInput.parse(operation.input);
  const vm = await loadOrSkip(ctx, operation);
  const nic = vm?.nics.find((n) => n.id === nicId);
  if (!vm || !nic) return { skipped: "the NIC is gone" };
  return withRollback(
    ctx,
    async () => {
      const agent = agentOf(ctx, vm);
      const domain = await unlessGone(agent.getDomain(vmDomainName(vm)));
      const spec = nicSpec(nic, vm.offering.vcpus);
      const partner = failoverPartner(nic, vm.offering.vcpus);
      if (domain?.state === "running" && partner) {
        // The virtio half first: the VF is teamed with it (migratable NIC, issue 17).
        const { type: _type, ...vnic } = partner;
        await agent.attachVnic(vmDomainName(vm), vnic);
      }
      if (domain?.state === "running" && spec) {
        await ctx.progress(40, `Hot-plugging ${nic.type === "VF" ? "VF" : "vNIC"} ${nic.mac}`);
        if (spec.type === "vf") {
          const { type: _type, ...vf } = spec;
          await agent.attachVf(vmDomainName(vm), { ...vf, live: true });
        } else {
          const { type: _type, ...vnic } = spec;
          await agent.attachVnic(vmDomainName(vm), vnic);
        }
      }
      await applyVmFdb(ctx.db, agent, vm);
      if (nic.vfId) {
        await ctx.db.virtualFunction.updateMany({
          where: { id: nic.vfId, state: "Reserved" },
          data: { state: "Attached", mac: nic.mac, stateChangedAt: new Date() },
        });
      }
      return { nic: nic.mac, live: domain?.state === "running" };
    },
    async (failure) => {
      await ctx.db.$transaction(async (tx) => {
        await releaseNicVfs(tx, [nic], false);
        await tx.vmNic.deleteMany({ where: { id: nic.id } });
        await recordAudit(tx, null, {
          action: "vm.attachNic",
          targetType: "Vm",
          targetId: vm.id,
          projectId: vm.projectId,
          outcome: "Failure",
          errorCode: failure.code,
          details: { nic: nic.mac, reason: failure.message, operationId: operation.id },
        });
      }, TX_OPTIONS);
    },
  );
};

/** Unplugs a NIC (live if running), removes its FDB entries, releases its VF and deletes it. */
const detachNic: OperationHandler = async (ctx, operation) => {
  const { nicId } = nicOperationInput.parse(operation.input);
  const vm = await loadOrSkip(ctx, operation);
  const nic = vm?.nics.find((n) => n.id === nicId);
  if (!vm || !nic) return { skipped: "the NIC is gone" } satisfies OperationResult;
  const agent = agentOf(ctx, vm);
  const name = vmDomainName(vm);
  if (nic.vf) await unlessGone(agent.detachVf(name, { pciAddress: nic.vf.pciAddress, live: true }));
  else if (nic.type === "VNIC") await unlessGone(agent.detachVnic(name, { mac: nic.mac }));
  const rows = await ctx.db.fdbEntry.findMany({ where: { nicId: nic.id } });
  await removeFdbRows(agent, rows);
  await ctx.db.$transaction(async (tx) => {
    await releaseNicVfs(tx, [nic], false);
    await tx.vmNic.deleteMany({ where: { id: nic.id } });
    if (nic.isDefault) {
      const next = await tx.vmNic.findFirst({
        where: { vmId: vm.id },
        orderBy: { deviceIndex: "asc" },
      });
      if (next) await tx.vmNic.update({ where: { id: next.id }, data: { isDefault: true } });
    }
  }, TX_OPTIONS);
  if (nic.vfId && vm.host) await finishReleasesQuietly(ctx.db, agent, vm.host.id);
  const result: OperationResult = { detached: nic.mac };
  return result;
};

/**
 * Live migration of a running VM (vNICs only here; with migratable VF NICs, migrate-run.ts) or
 * a move of a stopped one. FDB entries leave the source host and are re-added on the target.
 */
const migrateVm: OperationHandler = async (ctx, operation) => {
  // A running VM with VF NICs goes through the phases of a MigrationRun (issue 17).
  if (await migrationRunOf(ctx.db, operation.id)) return runLiveMigration(ctx, operation);
  const { targetHostId, fromState } = migrateOperationInput.parse(operation.input);
  const vm = await loadOrSkip(ctx, operation);
  if (!vm) return { skipped: "the VM is gone" };
  const target = await ctx.db.host.findUniqueOrThrow({ where: { id: targetHostId } });
  return withRollback(
    ctx,
    async () => {
      if (vm.hostId !== target.id && vm.host) {
        const source = ctx.agentFor(vm.host, PATIENT);
        const name = vmDomainName(vm);
        await ctx.progress(20, `Moving ${vm.name} from ${vm.host.name} to ${target.name}`);
        const onSource = await unlessGone(source.getDomain(name));
        if (onSource && fromState === "Running") {
          await source.migrateDomain(name, {
            targetBaseUrl: target.agentUrl,
            targetToken: target.agentToken,
            live: true,
          });
        } else if (onSource) {
          // A stopped VM's domain is redefined on the target at its next start.
          await source.undefineDomain(name);
        }
        const rows = await ctx.db.fdbEntry.findMany({
          where: { hostId: vm.host.id, nicId: { in: vm.nics.map((n) => n.id) } },
        });
        await removeFdbRows(source, rows);
        await ctx.db.$transaction(async (tx) => {
          await tx.vm.update({
            where: { id: vm.id },
            data: { hostId: target.id, clusterId: target.clusterId },
          });
          await rebuildFdbRows(tx, vm.id);
        }, TX_OPTIONS);
      }
      const moved = await loadVmWork(ctx.db, vm.id);
      if (moved) await applyVmFdb(ctx.db, ctx.agentFor(target, PATIENT), moved);
      await ctx.db.vm.updateMany({
        where: { id: vm.id, state: "Migrating" },
        data: { state: fromState },
      });
      return { host: target.name, state: fromState };
    },
    async () => {
      await ctx.db.vm.updateMany({
        where: { id: vm.id, state: "Migrating" },
        data: { state: fromState },
      });
    },
  );
};

export const vmOperationHandlers = {
  "vm.create": createVm,
  "vm.start": startVm,
  "vm.recover": startVm,
  "vm.stop": stopVm,
  "vm.reboot": rebootVm,
  "vm.delete": deleteVm,
  "vm.attachNic": attachNic,
  "vm.detachNic": detachNic,
  "vm.migrate": migrateVm,
} satisfies Record<string, OperationHandler>;
