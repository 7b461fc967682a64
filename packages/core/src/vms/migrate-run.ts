import { isAgentError, type AgentClient } from "@virtfn/agent-client";
import type { Db, Host, MigrationPhase, Operation, Tx } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import type { OperationContext, OperationResult } from "../runtime/context";
import { classifyFailure } from "../runtime/failures";
import { DomainError, ErrorCode } from "../shared/errors";
import { vmDomainName } from "../sriov/holders";
import { TX_OPTIONS } from "./access";
import { applyVmFdb, rebuildFdbRows, removeFdbRows } from "./fdb";
import { loadVmWork, type VmWork } from "./load";
import { releaseNicVfs } from "./reserve";
import { nicLabel } from "./rules";
import { vfNicSpec } from "./spec";
import { finishReleasesQuietly } from "./vf-ports";

// Issue 17: the live migration of a running VM with migratable VF NICs, as one operation with
// phases. The request claimed a VF on the destination for every VF NIC (migrate.ts); from there:
//   Claimed   → hot-unplug the source VFs (the guest stays on its virtio failover partners)
//   Unplugged → migrate the domain
//   Migrated  → plug the claimed VFs into the domain on the destination
//   Plugged   → the NICs hold the destination VFs, the source VFs are free; FDB follows
//   Done
// Each step is an idempotent agent call followed by a compare-and-set of the phase, so a job
// resumed after a crash goes on from the recorded phase. A failure for good rolls back from it:
// while the VM is on the source its VFs are plugged back; once it is on the destination it keeps
// the claimed VFs that are plugged, and its other NICs run on their virtio partners ("VF lost",
// re-acquired at the next reboot). Either way the claims end and no VF stays held by nobody.

const PATIENT = { waitOutOutages: true } as const;

export const MIGRATION_PHASES: readonly MigrationPhase[] = [
  "Claimed",
  "Unplugged",
  "Migrated",
  "Plugged",
  "Done",
];

const include = { claims: { include: { vf: { select: { id: true, pciAddress: true } } } } };

async function loadRun(db: Db | Tx, operationId: string) {
  return db.migrationRun.findUnique({ where: { operationId }, include });
}
type Run = NonNullable<Awaited<ReturnType<typeof loadRun>>>;

/** The run of this operation, if it is a live migration with VF NICs. */
export async function migrationRunOf(db: Db, operationId: string): Promise<Run | null> {
  return loadRun(db, operationId);
}

interface Sides {
  vm: VmWork;
  name: string;
  source: Host;
  target: Host;
  sourceAgent: AgentClient;
  targetAgent: AgentClient;
}

async function sidesOf(ctx: OperationContext, run: Run): Promise<Sides | null> {
  const vm = await loadVmWork(ctx.db, run.vmId);
  if (!vm) return null;
  const [source, target] = await Promise.all([
    ctx.db.host.findUniqueOrThrow({ where: { id: run.sourceHostId } }),
    ctx.db.host.findUniqueOrThrow({ where: { id: run.targetHostId } }),
  ]);
  return {
    vm,
    name: vmDomainName(vm),
    source,
    target,
    sourceAgent: ctx.agentFor(source, PATIENT),
    targetAgent: ctx.agentFor(target, PATIENT),
  };
}

/** Compare-and-set of the phase inside `tx`; false when another run of the job moved it already. */
async function advance(tx: Tx, run: Run, from: MigrationPhase, to: MigrationPhase) {
  const { count } = await tx.migrationRun.updateMany({
    where: { operationId: run.operationId, phase: from },
    data: { phase: to },
  });
  return count === 1;
}

/** Agent calls on a domain that is not there have nothing to say. */
async function domainOn(agent: AgentClient, name: string) {
  try {
    return await agent.getDomain(name);
  } catch (error) {
    if (isAgentError(error) && error.code === "NOT_FOUND") return null;
    throw error;
  }
}

/** The VF NICs that hold a source VF now. */
function heldSourceVfs(vm: VmWork) {
  return vm.nics.flatMap((nic) => (nic.type === "VF" && nic.vf ? [{ nic, vf: nic.vf }] : []));
}

/** Claimed → Unplugged: each source VF leaves the running domain; its virtio partner stays. */
async function unplugSourceVfs(ctx: OperationContext, run: Run, sides: Sides): Promise<void> {
  const { vm, name, sourceAgent } = sides;
  const domain = await domainOn(sourceAgent, name);
  const held = heldSourceVfs(vm);
  if (domain) {
    // Only a domain started while the NIC was migratable has the partner to fail over to.
    const lacking = held.filter(
      ({ nic }) =>
        !domain.nics.some(
          (d) => d.type === "vnic" && d.mac === nic.mac && d.teaming?.type === "persistent",
        ),
    );
    if (lacking.length > 0) {
      throw new DomainError(
        ErrorCode.FAILOVER_PARTNER_MISSING,
        "CONFLICT",
        `${lacking.map(({ nic }) => nicLabel(nic)).join(", ")} of ${vm.name} has no virtio failover partner in the running domain (it was started before the NIC was migratable); reboot the VM, then migrate.`,
        { nics: lacking.map(({ nic }) => nic.mac) },
      );
    }
  }
  for (const { nic, vf } of held) {
    await ctx.progress(
      25,
      `Unplugging VF ${vf.pciAddress} (${nicLabel(nic)}) on ${sides.source.name}; ${nicLabel(nic)} runs on its virtio failover partner`,
    );
    if (domain) await sourceAgent.detachVf(name, { pciAddress: vf.pciAddress, live: true });
  }
  await ctx.db.$transaction((tx) => advance(tx, run, "Claimed", "Unplugged"), TX_OPTIONS);
}

/** The VM's DB side of a finished move: its host, and its FDB rows there (source rows gone first). */
async function recordMove(ctx: OperationContext, run: Run, sides: Sides, from: MigrationPhase) {
  const rows = await ctx.db.fdbEntry.findMany({
    where: { hostId: sides.source.id, nicId: { in: sides.vm.nics.map((n) => n.id) } },
  });
  await removeFdbRows(sides.sourceAgent, rows).catch(() => null);
  await ctx.db.$transaction(async (tx) => {
    if (!(await advance(tx, run, from, "Migrated"))) return;
    await tx.vm.update({
      where: { id: sides.vm.id },
      // The node claimed on the destination (null: not node-bound there) is now the VM's.
      data: {
        hostId: sides.target.id,
        clusterId: sides.target.clusterId,
        numaNode: run.targetNumaNode,
      },
    });
    await rebuildFdbRows(tx, sides.vm.id);
  }, TX_OPTIONS);
}

/** Unplugged → Migrated: the domain moves (unless a run before this one already moved it). */
async function moveDomain(ctx: OperationContext, run: Run, sides: Sides): Promise<void> {
  const { vm, name, target } = sides;
  await ctx.progress(
    50,
    `Migrating ${vm.name} from ${sides.source.name} to ${target.name} on its virtio NICs`,
  );
  if (!(await domainOn(sides.targetAgent, name))) {
    try {
      await sides.sourceAgent.migrateDomain(name, {
        targetBaseUrl: target.agentUrl,
        targetToken: target.agentToken,
        live: true,
      });
    } catch (error) {
      // A migration whose answer was lost (the worker died) left the domain where it went.
      const moved = isAgentError(error) && (await domainOn(sides.targetAgent, name)) !== null;
      if (!moved) throw error;
    }
  }
  await recordMove(ctx, run, sides, "Unplugged");
}

/**
 * The NICs take the claimed VFs that are in the domain now: source VF released, destination VF
 * Attached with the NIC's MAC, claim gone. Claims whose VF is not plugged are released and their
 * NIC loses its source VF too (it runs on its virtio partner). One transaction.
 */
async function settleClaims(tx: Tx, run: Run, vm: VmWork, plugged: ReadonlySet<string>) {
  const kept: string[] = [];
  for (const claim of run.claims) {
    const nic = vm.nics.find((n) => n.id === claim.nicId);
    const sourceVfId = nic?.vfId ?? null;
    if (nic && sourceVfId) await releaseNicVfs(tx, [{ id: nic.id, vfId: sourceVfId }], false);
    await tx.migrationClaim.delete({
      where: { runId_nicId: { runId: run.operationId, nicId: claim.nicId } },
    });
    if (nic && plugged.has(claim.vf.pciAddress)) {
      await tx.vmNic.update({ where: { id: nic.id }, data: { vfId: claim.vfId, lastVfId: null } });
      await tx.virtualFunction.update({
        where: { id: claim.vfId },
        data: { state: "Attached", mac: nic.mac, stateChangedAt: new Date() },
      });
      kept.push(claim.vf.pciAddress);
    } else {
      await tx.virtualFunction.updateMany({
        where: { id: claim.vfId, state: "Reserved" },
        data: { state: "Available", mac: null, stateChangedAt: new Date() },
      });
    }
  }
  await tx.vm.updateMany({ where: { id: vm.id, state: "Migrating" }, data: { state: "Running" } });
  return kept;
}

/** Migrated → Plugged: each claimed VF goes into the domain on the destination, teamed again. */
async function plugClaimedVfs(ctx: OperationContext, run: Run, sides: Sides): Promise<void> {
  // In NIC order (the VM's NICs are loaded by device index), so eth0 gets its VF back first.
  for (const nic of sides.vm.nics) {
    const claim = run.claims.find((c) => c.nicId === nic.id);
    if (!claim) continue;
    await ctx.progress(
      75,
      `Plugging VF ${claim.vf.pciAddress} into ${nicLabel(nic)} on ${sides.target.name}`,
    );
    const { type: _type, ...vf } = vfNicSpec(nic, claim.vf.pciAddress);
    await sides.targetAgent.attachVf(sides.name, { ...vf, live: true });
  }
  const plugged = new Set(run.claims.map((claim) => claim.vf.pciAddress));
  await ctx.db.$transaction(async (tx) => {
    if (!(await advance(tx, run, "Migrated", "Plugged"))) return;
    await settleClaims(tx, run, sides.vm, plugged);
  }, TX_OPTIONS);
}

/** Plugged → Done: the VM's FDB entries on the destination. */
async function finish(ctx: OperationContext, run: Run, sides: Sides): Promise<void> {
  await ctx.progress(95, `Adding FDB entries on ${sides.target.name}`);
  const moved = await loadVmWork(ctx.db, sides.vm.id);
  if (moved) await applyVmFdb(ctx.db, sides.targetAgent, moved);
  await ctx.db.$transaction(async (tx) => {
    if (!(await advance(tx, run, "Plugged", "Done"))) return;
    await recordAudit(tx, null, {
      action: "vm.migrated",
      targetType: "Vm",
      targetId: sides.vm.id,
      projectId: sides.vm.projectId,
      outcome: "Success",
      details: {
        name: sides.vm.name,
        operationId: run.operationId,
        from: sides.source.name,
        to: sides.target.name,
        vfs: run.claims.map((claim) => claim.vf.pciAddress),
      },
    });
  }, TX_OPTIONS);
  // The source VFs were released into Releasing: reset them now, as a stop does (issue 16).
  await finishReleasesQuietly(ctx.db, sides.sourceAgent, sides.source.id);
}

/** The operation's result once Done. */
async function summary(db: Db, run: Run, sides: Sides): Promise<OperationResult> {
  const vfs = await db.vmNic.count({ where: { vmId: sides.vm.id, vfId: { not: null } } });
  return { host: sides.target.name, state: "Running", live: true, vfNics: vfs, phase: "Done" };
}

/**
 * Runs (or resumes) the phases of a live migration with VF NICs, from the recorded phase. A
 * failure for good (not worth a retry, or the last attempt) rolls back before it is rethrown.
 */
export async function runLiveMigration(
  ctx: OperationContext,
  operation: Operation,
): Promise<OperationResult> {
  const run = await loadRun(ctx.db, operation.id);
  if (!run) throw new Error(`no migration run for operation ${operation.id}`);
  const sides = await sidesOf(ctx, run);
  if (!sides) return { skipped: "the VM is gone" };
  if (run.phase === "RolledBack") {
    throw new DomainError(
      ErrorCode.MIGRATION_ROLLED_BACK,
      "CONFLICT",
      `The migration of ${sides.vm.name} was rolled back: ${run.failure ?? "it failed"}.`,
    );
  }
  try {
    const steps: Array<[MigrationPhase, () => Promise<void>]> = [
      ["Claimed", () => unplugSourceVfs(ctx, run, sides)],
      ["Unplugged", () => moveDomain(ctx, run, sides)],
      ["Migrated", () => plugClaimedVfs(ctx, run, sides)],
      ["Plugged", () => finish(ctx, run, sides)],
    ];
    const from = MIGRATION_PHASES.indexOf(run.phase);
    for (const [phase, step] of steps) {
      if (MIGRATION_PHASES.indexOf(phase) >= from) await step();
    }
    return await summary(ctx.db, run, sides);
  } catch (error) {
    const failure = classifyFailure(error);
    if (!failure.retryable || ctx.isFinalAttempt)
      await rollBackMigration(ctx, operation.id, failure);
    throw error;
  }
}

/**
 * Undoes a live migration that failed for good, from the phase it reached (see the top). Every
 * agent call here is idempotent, and the database side is one transaction with a compare-and-set
 * on the phase, so a rollback interrupted by a crash is finished by the next attempt.
 */
export async function rollBackMigration(
  ctx: OperationContext,
  operationId: string,
  failure: { code: string; message: string },
): Promise<void> {
  const run = await loadRun(ctx.db, operationId);
  if (!run || run.phase === "Done" || run.phase === "RolledBack") return;
  const sides = await sidesOf(ctx, run);
  if (!sides) return;
  let phase = run.phase;
  if (phase === "Claimed" || phase === "Unplugged") {
    // A migration that went through though its answer was lost: the VM is on the destination.
    const onTarget = await domainOn(sides.targetAgent, sides.name).catch(() => null);
    if (onTarget) {
      await recordMove(ctx, run, sides, phase);
      phase = "Migrated";
    }
  }
  if (phase === "Claimed" || phase === "Unplugged")
    await rollBackOnSource(ctx, run, sides, failure);
  else if (phase === "Migrated") await rollForwardOnTarget(ctx, run, sides, failure);
  else {
    // Plugged: the NICs hold their new VFs already; only the FDB step failed.
    await ctx.db.migrationRun.updateMany({
      where: { operationId: run.operationId, phase: "Plugged" },
      data: { phase: "Done", failure: failure.message },
    });
  }
}

/** The VM stayed: its source VFs go back into the domain, the destination claims are released. */
async function rollBackOnSource(
  ctx: OperationContext,
  run: Run,
  sides: Sides,
  failure: { code: string; message: string },
): Promise<void> {
  const lost: string[] = [];
  const domain = await domainOn(sides.sourceAgent, sides.name).catch(() => null);
  for (const { nic, vf } of heldSourceVfs(sides.vm)) {
    if (!domain || domain.nics.some((d) => d.type === "vf" && d.pciAddress === vf.pciAddress))
      continue;
    await ctx.progress(60, `Rolling back: plugging VF ${vf.pciAddress} back into ${nicLabel(nic)}`);
    const { type: _type, ...spec } = vfNicSpec(nic, vf.pciAddress);
    try {
      await sides.sourceAgent.attachVf(sides.name, { ...spec, live: true });
    } catch {
      // The host refused it back: the NIC lets go (its virtio partner carries it) rather than
      // hold a VF the domain does not have.
      lost.push(nic.id);
    }
  }
  await ctx.db.$transaction(async (tx) => {
    const current = await tx.migrationRun.findUnique({ where: { operationId: run.operationId } });
    if (current?.phase !== "Claimed" && current?.phase !== "Unplugged") return;
    await tx.migrationRun.update({
      where: { operationId: run.operationId },
      data: {
        phase: "RolledBack",
        rolledBackFrom: current.phase,
        failure: `${failure.code}: ${failure.message}`,
      },
    });
    const claimedVfs = run.claims.map((claim) => claim.vfId);
    await tx.migrationClaim.deleteMany({ where: { runId: run.operationId } });
    await tx.virtualFunction.updateMany({
      where: { id: { in: claimedVfs }, state: "Reserved" },
      data: { state: "Available", mac: null, stateChangedAt: new Date() },
    });
    const lostNics = sides.vm.nics.filter((nic) => lost.includes(nic.id));
    await releaseNicVfs(tx, lostNics, false);
    await tx.vm.updateMany({
      where: { id: sides.vm.id, state: "Migrating" },
      data: { state: "Running" },
    });
    await auditRollback(tx, run, sides, failure, sides.source.name, lostNics.length);
  }, TX_OPTIONS);
  await finishReleasesQuietly(ctx.db, sides.sourceAgent, sides.source.id);
}

/**
 * The VM is on the destination already: the claimed VFs that made it into the domain stay with
 * their NICs, the others are released (their NICs run on the virtio partner, "VF lost"), and the
 * source VFs are free. Nothing is held by nobody.
 */
async function rollForwardOnTarget(
  ctx: OperationContext,
  run: Run,
  sides: Sides,
  failure: { code: string; message: string },
): Promise<void> {
  const domain = await domainOn(sides.targetAgent, sides.name).catch(() => null);
  const plugged = new Set(
    (domain?.nics ?? []).flatMap((nic) => (nic.type === "vf" ? [nic.pciAddress] : [])),
  );
  await ctx.db.$transaction(async (tx) => {
    const current = await tx.migrationRun.findUnique({ where: { operationId: run.operationId } });
    if (current?.phase !== "Migrated") return;
    await tx.migrationRun.update({
      where: { operationId: run.operationId },
      data: {
        phase: "RolledBack",
        rolledBackFrom: "Migrated",
        failure: `${failure.code}: ${failure.message}`,
      },
    });
    const kept = await settleClaims(tx, run, sides.vm, plugged);
    await auditRollback(
      tx,
      run,
      sides,
      failure,
      sides.target.name,
      run.claims.length - kept.length,
    );
  }, TX_OPTIONS);
  await finishReleasesQuietly(ctx.db, sides.sourceAgent, sides.source.id);
}

async function auditRollback(
  tx: Tx,
  run: Run,
  sides: Sides,
  failure: { code: string; message: string },
  endedOn: string,
  vfLost: number,
): Promise<void> {
  await recordAudit(tx, null, {
    action: "vm.migrate",
    targetType: "Vm",
    targetId: sides.vm.id,
    projectId: sides.vm.projectId,
    outcome: "Failure",
    errorCode: failure.code,
    details: {
      name: sides.vm.name,
      operationId: run.operationId,
      reason: failure.message,
      rolledBackFrom: run.phase,
      host: endedOn,
      vfLost,
    },
  });
}
