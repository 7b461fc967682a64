import type { Db, Tx } from "@virtfn/db";
import { AwaitingAgentTask } from "../operations/handoff";
import type { OperationHandler } from "../runtime/context";
import type { Actor } from "../shared/actor";
import { retryTransaction } from "../shared/db-errors";
import { DomainError, ErrorCode, isDomainError, notFound } from "../shared/errors";
import { restoreInTransaction, splitInTransaction } from "./commands";
import { fleetOperationInput } from "./fleet-schemas";
import type { FleetItemCounts } from "./fleet-queries";

/** How often the parent looks at its children again; it holds no worker slot meanwhile. */
const TICK_MS = 250;
/** PFs started per tick at most, so one tick's transaction stays short; the next goes on. */
const MAX_STARTS_PER_TICK = 100;

interface Rollout {
  id: string;
  operationId: string;
  action: string;
  count: number;
  force: boolean;
  onFailure: string;
  requesterId: string | null;
  requesterName: string;
}

export interface FleetTick extends FleetItemCounts {
  started: number;
  paused: boolean;
  finished: boolean;
}

/** Children that finished since the last tick, as the rollout's items. */
async function harvest(tx: Tx, rolloutId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE "FleetRolloutItem" AS i
       SET state = (CASE WHEN o.status = 'Succeeded' THEN 'Succeeded' ELSE 'Failed' END)::"FleetItemState",
           "errorCode" = o."errorCode", "errorMessage" = o."errorMessage", "finishedAt" = now()
      FROM "Operation" AS o
     WHERE i."rolloutId" = ${rolloutId}::uuid AND i.state = 'Running'
       AND o.id = i."operationId" AND o.status IN ('Succeeded', 'Failed', 'Cancelled')`;
}

async function counts(tx: Tx, rolloutId: string) {
  const [row] = await tx.$queryRaw<FleetItemCounts[]>`
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE state = 'Succeeded')::int AS succeeded,
           count(*) FILTER (WHERE state = 'Failed')::int AS failed,
           count(*) FILTER (WHERE state = 'Refused')::int AS refused,
           count(*) FILTER (WHERE state = 'Skipped')::int AS skipped,
           count(*) FILTER (WHERE state = 'Waiting')::int AS waiting,
           count(*) FILTER (WHERE state = 'Running')::int AS running,
           count(DISTINCT "hostId") FILTER (WHERE state = 'Running')::int AS "hostsInFlight"
      FROM "FleetRolloutItem" WHERE "rolloutId" = ${rolloutId}::uuid`;
  if (!row) throw notFound("Fleet rollout", rolloutId);
  return row;
}

/**
 * Starts one PF's child operation with the single-PF service, in this transaction. A refusal
 * now (a VM took a VF since the request) fails the item with the rule's reason; a PF busy with
 * another operation stays Waiting for a later tick.
 */
async function startItem(
  tx: Tx,
  actor: Actor,
  rollout: Rollout,
  item: { id: string; pfId: string },
): Promise<"started" | "busy" | "refused"> {
  try {
    const { operation } =
      rollout.action === "split"
        ? await splitInTransaction(tx, actor, {
            pfId: item.pfId,
            count: rollout.count,
            force: rollout.force,
          })
        : await restoreInTransaction(tx, actor, { pfId: item.pfId, force: rollout.force });
    await tx.fleetRolloutItem.update({
      where: { id: item.id },
      data: { state: "Running", operationId: operation.id, startedAt: new Date() },
    });
    return "started";
  } catch (error) {
    if (!isDomainError(error)) throw error;
    if (error.code === ErrorCode.OPERATION_IN_PROGRESS) return "busy";
    await tx.fleetRolloutItem.update({
      where: { id: item.id },
      data: {
        state: "Failed",
        errorCode: error.code,
        errorMessage: error.message,
        finishedAt: new Date(),
      },
    });
    return "refused";
  }
}

/**
 * Admits hosts per cluster up to its budget. Hosts in flight are counted in SQL from the items,
 * under the rollout's row lock, so however many workers run ticks the budget holds.
 */
async function admit(tx: Tx, actor: Actor, rollout: Rollout): Promise<number> {
  const clusters = await tx.$queryRaw<Array<{ clusterId: string; free: number }>>`
    SELECT c."clusterId",
           (c.budget - (SELECT count(DISTINCT i."hostId") FROM "FleetRolloutItem" AS i
                         WHERE i."rolloutId" = c."rolloutId" AND i."clusterId" = c."clusterId"
                           AND i.state = 'Running'))::int AS free
      FROM "FleetRolloutCluster" AS c
     WHERE c."rolloutId" = ${rollout.id}::uuid
     ORDER BY c."clusterName"`;
  let started = 0;
  for (const cluster of clusters) {
    let free = cluster.free;
    if (free <= 0) continue;
    // Hosts with waiting PFs and none running, by name; more than `free`, as some may be busy.
    const hosts = await tx.$queryRaw<Array<{ hostId: string }>>`
      SELECT i."hostId" FROM "FleetRolloutItem" AS i
       WHERE i."rolloutId" = ${rollout.id}::uuid AND i."clusterId" = ${cluster.clusterId}::uuid
         AND i.state = 'Waiting'
         AND NOT EXISTS (SELECT 1 FROM "FleetRolloutItem" AS r
                          WHERE r."rolloutId" = i."rolloutId" AND r."hostId" = i."hostId"
                            AND r.state = 'Running')
       GROUP BY i."hostId", i."hostName"
       ORDER BY i."hostName"
       LIMIT ${free * 2 + 4}`;
    for (const { hostId } of hosts) {
      if (free <= 0 || started >= MAX_STARTS_PER_TICK) break;
      const items = await tx.fleetRolloutItem.findMany({
        where: { rolloutId: rollout.id, hostId, state: "Waiting" },
        select: { id: true, pfId: true },
        orderBy: { pfName: "asc" },
      });
      // All selected PFs of an admitted host go together: the host is disrupted once.
      let any = false;
      for (const item of items) {
        if ((await startItem(tx, actor, rollout, item)) === "started") {
          any = true;
          started += 1;
        }
      }
      if (any) free -= 1;
    }
  }
  return started;
}

/**
 * One step of a rollout, in one transaction under the rollout row's lock: record the children
 * that finished, start hosts within each cluster's budget (unless paused by a failure), and end
 * the rollout when nothing waits or runs. Everything is in Postgres, so a tick after a worker's
 * death carries on from where the last committed one left off.
 */
export async function tickFleetRollout(db: Db, rolloutId: string): Promise<FleetTick> {
  return retryTransaction(() =>
    db.$transaction(
      async (tx) => {
        const [rollout] = await tx.$queryRaw<Rollout[]>`
          SELECT id, "operationId", action, count, force, "onFailure", "requesterId", "requesterName"
            FROM "FleetRollout" WHERE id = ${rolloutId}::uuid FOR UPDATE`;
        if (!rollout) throw notFound("Fleet rollout", rolloutId);
        await harvest(tx, rolloutId);
        const before = await counts(tx, rolloutId);
        const paused = rollout.onFailure === "pause" && before.failed > 0;
        // The children run as the admin who asked for the rollout (their audit names them).
        const actor: Actor = {
          userId: rollout.requesterId ?? "00000000-0000-0000-0000-000000000000",
          username: rollout.requesterName,
          role: "Admin",
          projectIds: [],
        };
        const started = paused ? 0 : await admit(tx, actor, rollout);
        // Counted again: admitting may also have failed PFs that the rules now refuse.
        let after = paused ? before : await counts(tx, rolloutId);
        if (paused && after.running === 0 && after.waiting > 0) {
          await tx.$executeRaw`
            UPDATE "FleetRolloutItem" SET state = 'Skipped', "finishedAt" = now()
             WHERE "rolloutId" = ${rolloutId}::uuid AND state = 'Waiting'`;
          after = await counts(tx, rolloutId);
        }
        const pausedNow = rollout.onFailure === "pause" && after.failed > 0;
        return {
          ...after,
          started,
          paused: pausedNow,
          finished: after.running === 0 && after.waiting === 0,
        };
      },
      { timeout: 30_000 },
    ),
  );
}

function summary(tick: FleetTick): string {
  const done = tick.succeeded + tick.failed + tick.skipped;
  const parts = [`${done}/${tick.total - tick.refused} PFs done`];
  if (tick.failed > 0) parts.push(`${tick.failed} failed`);
  if (tick.refused > 0) parts.push(`${tick.refused} refused`);
  if (tick.skipped > 0) parts.push(`${tick.skipped} skipped`);
  parts.push(`${tick.hostsInFlight} hosts in flight`);
  if (tick.paused) parts.push("paused after a failure");
  return parts.join(", ");
}

/**
 * fleet.setVfCount: ticks the rollout, then hands off its slot until the next tick. Ends
 * Succeeded when every PF did, or FLEET_ROLLOUT_FAILED with the counts when any failed.
 */
export const runFleetRollout: OperationHandler = async (ctx, operation) => {
  const { rolloutId } = fleetOperationInput.parse(operation.input);
  const tick = await tickFleetRollout(ctx.db, rolloutId);
  const active = tick.total - tick.refused;
  const done = tick.succeeded + tick.failed + tick.skipped;
  await ctx.progress(active === 0 ? 100 : (100 * done) / active, summary(tick), {
    phase: "rollout",
    done,
    total: active,
  });
  if (!tick.finished) {
    throw new AwaitingAgentTask(`fleet rollout ${rolloutId}`, TICK_MS, { rolloutId });
  }
  const result = {
    total: tick.total,
    succeeded: tick.succeeded,
    failed: tick.failed,
    refused: tick.refused,
    skipped: tick.skipped,
  };
  if (tick.failed > 0) {
    throw new DomainError(
      ErrorCode.FLEET_ROLLOUT_FAILED,
      "CONFLICT",
      `${tick.failed} of ${active} PFs failed${tick.skipped > 0 ? `; the rollout paused and ${tick.skipped} were not started` : ""}. See the rollout for each PF's reason.`,
      { rolloutId, ...result },
    );
  }
  return { rolloutId, ...result };
};
