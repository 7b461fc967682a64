import type { Db, MigrationPhase, OperationStatus } from "@virtfn/db";
import type { Actor } from "../shared/actor";
import { visibleVm } from "./access";
import { MIGRATION_PHASES } from "./migrate-run";
import { vmIdInput, type VmIdInput } from "./schemas";

/** What each phase means once reached, for people (the VM page's migrate progress). */
const PHASE_LABELS: Record<MigrationPhase, string> = {
  Claimed: "Claim a VF on the destination for every VF NIC",
  Unplugged: "Hot-unplug the source VFs (traffic on the virtio failover partners)",
  Migrated: "Migrate the domain",
  Plugged: "Plug the claimed VFs on the destination, release the source VFs",
  Done: "Move FDB entries; done",
  RolledBack: "Rolled back",
};

export interface MigrationStep {
  phase: MigrationPhase;
  label: string;
  state: "done" | "running" | "pending" | "failed";
}

export interface MigrationProgress {
  operationId: string;
  status: OperationStatus;
  phase: MigrationPhase;
  rolledBack: boolean;
  failure: string | null;
  sourceHostId: string;
  targetHostId: string;
  targetHostName: string;
  steps: MigrationStep[];
}

/** The steps of a run as the UI lists them: done up to the phase, the next one running. */
export function migrationSteps(
  run: { phase: MigrationPhase; rolledBackFrom: MigrationPhase | null },
  status: OperationStatus,
): MigrationStep[] {
  const rolledBack = run.phase === "RolledBack";
  const reached = MIGRATION_PHASES.indexOf(
    rolledBack ? (run.rolledBackFrom ?? "Claimed") : run.phase,
  );
  const active = status === "Pending" || status === "Running";
  const steps = MIGRATION_PHASES.map((step, i): MigrationStep => {
    const next = i === reached + 1;
    const state =
      i <= reached
        ? "done"
        : next && rolledBack
          ? "failed"
          : next && active
            ? "running"
            : "pending";
    return { phase: step, label: PHASE_LABELS[step], state };
  });
  return rolledBack
    ? [...steps, { phase: "RolledBack", label: PHASE_LABELS.RolledBack, state: "done" }]
    : steps;
}

/**
 * The latest live migration with VF NICs of a VM and its phases (issue 17); null when the VM has
 * none. Same visibility as the VM.
 */
export async function migrationProgress(
  db: Db,
  actor: Actor,
  rawInput: VmIdInput,
): Promise<MigrationProgress | null> {
  const { vmId } = vmIdInput.parse(rawInput);
  await visibleVm(db, actor, vmId, false);
  const run = await db.migrationRun.findFirst({
    where: { vmId },
    orderBy: { createdAt: "desc" },
  });
  if (!run) return null;
  const [operation, target] = await Promise.all([
    db.operation.findUnique({ where: { id: run.operationId }, select: { status: true } }),
    db.host.findUnique({ where: { id: run.targetHostId }, select: { name: true } }),
  ]);
  const status = operation?.status ?? "Failed";
  return {
    operationId: run.operationId,
    status,
    phase: run.phase,
    rolledBack: run.phase === "RolledBack",
    failure: run.failure,
    sourceHostId: run.sourceHostId,
    targetHostId: run.targetHostId,
    targetHostName: target?.name ?? "?",
    steps: migrationSteps(run, status),
  };
}
