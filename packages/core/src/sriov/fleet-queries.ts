import type { Db, FleetItemState } from "@virtfn/db";
import { getOperation, type OperationView } from "../operations/queries";
import { requireInventoryReader, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
import {
  fleetRolloutIdInput,
  listFleetRolloutsInput,
  type FleetRolloutIdInput,
  type ListFleetRolloutsInput,
} from "./fleet-schemas";

/** A rollout's items by state, for the whole rollout or one cluster of it. */
export interface FleetItemCounts {
  total: number;
  succeeded: number;
  failed: number;
  refused: number;
  skipped: number;
  waiting: number;
  /** PFs whose child operation runs. */
  running: number;
  /** Hosts with a PF running: never above the cluster's budget. */
  hostsInFlight: number;
}

export interface FleetClusterProgress extends FleetItemCounts {
  clusterId: string;
  clusterName: string;
  budget: number;
}

export interface FleetItemView {
  hostName: string;
  pfName: string;
  clusterName: string;
  state: FleetItemState;
  operationId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface FleetRolloutView {
  id: string;
  action: string;
  count: number;
  force: boolean;
  maxUnavailable: string;
  onFailure: string;
  requester: string;
  createdAt: Date;
  operation: OperationView;
  clusters: FleetClusterProgress[];
  /** PFs running, failed or refused (at most 200 each), with their reason. */
  items: FleetItemView[];
}

const ITEMS_SHOWN = 200;

/** A rollout's progress, per cluster, counted in SQL. Admins and auditors. */
export async function getFleetRollout(
  db: Db,
  actor: Actor,
  rawInput: FleetRolloutIdInput,
): Promise<FleetRolloutView> {
  requireInventoryReader(actor);
  const { rolloutId } = fleetRolloutIdInput.parse(rawInput);
  const rollout = await db.fleetRollout.findUnique({ where: { id: rolloutId } });
  if (!rollout) throw notFound("Fleet rollout", rolloutId);
  const clusters = await db.$queryRaw<FleetClusterProgress[]>`
    SELECT c."clusterId", c."clusterName", c.budget,
           count(i.id)::int AS total,
           count(i.id) FILTER (WHERE i.state = 'Succeeded')::int AS succeeded,
           count(i.id) FILTER (WHERE i.state = 'Failed')::int AS failed,
           count(i.id) FILTER (WHERE i.state = 'Refused')::int AS refused,
           count(i.id) FILTER (WHERE i.state = 'Skipped')::int AS skipped,
           count(i.id) FILTER (WHERE i.state = 'Waiting')::int AS waiting,
           count(i.id) FILTER (WHERE i.state = 'Running')::int AS running,
           count(DISTINCT i."hostId") FILTER (WHERE i.state = 'Running')::int AS "hostsInFlight"
      FROM "FleetRolloutCluster" AS c
      LEFT JOIN "FleetRolloutItem" AS i
        ON i."rolloutId" = c."rolloutId" AND i."clusterId" = c."clusterId"
     WHERE c."rolloutId" = ${rolloutId}::uuid
     GROUP BY c."clusterId", c."clusterName", c.budget
     ORDER BY c."clusterName"`;
  const names = new Map(clusters.map((cluster) => [cluster.clusterId, cluster.clusterName]));
  const shown = await Promise.all(
    (["Running", "Failed", "Refused"] as const).map((state) =>
      db.fleetRolloutItem.findMany({
        where: { rolloutId, state },
        orderBy: [{ hostName: "asc" }, { pfName: "asc" }],
        take: ITEMS_SHOWN,
      }),
    ),
  );
  return {
    id: rollout.id,
    action: rollout.action,
    count: rollout.count,
    force: rollout.force,
    maxUnavailable: rollout.maxUnavailable,
    onFailure: rollout.onFailure,
    requester: rollout.requesterName,
    createdAt: rollout.createdAt,
    operation: await getOperation(db, actor, rollout.operationId),
    clusters,
    items: shown.flat().map((item) => ({
      hostName: item.hostName,
      pfName: item.pfName,
      clusterName: names.get(item.clusterId) ?? "",
      state: item.state,
      operationId: item.operationId,
      errorCode: item.errorCode,
      errorMessage: item.errorMessage,
    })),
  };
}

export interface FleetRolloutSummary {
  id: string;
  action: string;
  count: number;
  maxUnavailable: string;
  requester: string;
  createdAt: Date;
  operationId: string;
  status: string;
  progress: number;
  progressMessage: string;
  progressDone: number | null;
  progressTotal: number | null;
}

/** The latest rollouts, newest first. Admins and auditors. */
export async function listFleetRollouts(
  db: Db,
  actor: Actor,
  rawInput: ListFleetRolloutsInput = {},
): Promise<FleetRolloutSummary[]> {
  requireInventoryReader(actor);
  const { limit } = listFleetRolloutsInput.parse(rawInput);
  return db.$queryRaw<FleetRolloutSummary[]>`
    SELECT r.id, r.action, r.count, r."maxUnavailable", r."requesterName" AS requester,
           r."createdAt", r."operationId", o.status::text AS status, o.progress,
           o."progressMessage", o."progressDone", o."progressTotal"
      FROM "FleetRollout" AS r JOIN "Operation" AS o ON o.id = r."operationId"
     ORDER BY r."createdAt" DESC
     LIMIT ${limit}`;
}
