import type { OperationContext } from "../runtime/context";
import { rollBackMigration } from "./migrate-run";

// Issue 17: "a crashed worker resumes or rolls back from the recorded phase". A job that dies
// with its operation still Running is picked up again (BullMQ's stalled check, the requeuer)
// and resumes from the phase. What no job picks up is a run whose operation ended while the run
// did not: the job failed for good and its own rollback never finished (the worker was killed in
// it on the last attempt, or its transaction lost Postgres), so the run keeps its destination
// claims (VFs Reserved, vCPUs and memory counted) and its VM stays Migrating. This sweep finds
// those runs and rolls each back from its recorded phase, as the job would have.

/** Phases a run leaves only by its job: a run in one of them has work left. */
const UNFINISHED = ["Claimed", "Unplugged", "Migrated", "Plugged"] as const;

const STRANDED_FAILURE = {
  code: "MIGRATION_STRANDED",
  message: "its operation ended before the migration did",
};

/**
 * Rolls back every live migration run whose operation is finished but the run is not; returns
 * their operation ids. The rollback is idempotent (agent calls) with a compare-and-set on the
 * phase, so workers may sweep at the same time and a sweep cut short is finished by the next.
 */
export async function settleStrandedMigrations(
  deps: Pick<OperationContext, "db" | "agentFor">,
): Promise<string[]> {
  const runs = await deps.db.migrationRun.findMany({
    where: { phase: { in: [...UNFINISHED] } },
    select: { operationId: true },
  });
  if (runs.length === 0) return [];
  const ended = await deps.db.operation.findMany({
    where: {
      id: { in: runs.map((run) => run.operationId) },
      status: { in: ["Succeeded", "Failed", "Cancelled"] },
    },
    select: { id: true, errorCode: true, errorMessage: true },
  });
  const ctx: OperationContext = {
    db: deps.db,
    agentFor: deps.agentFor,
    progress: () => Promise.resolve(),
    isFinalAttempt: true,
    resumed: null,
  };
  for (const operation of ended) {
    await rollBackMigration(ctx, operation.id, {
      code: operation.errorCode ?? STRANDED_FAILURE.code,
      message: operation.errorMessage ?? STRANDED_FAILURE.message,
    });
  }
  return ended.map((operation) => operation.id);
}
