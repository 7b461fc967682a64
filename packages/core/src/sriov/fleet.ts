import { randomUUID } from "node:crypto";
import type { Db, Operation, Prisma, Tx } from "@virtfn/db";
import { pfLabel } from "../hosts/rules";
import { recordAudit } from "../operations/audit";
import { createOperation } from "../operations/create";
import { requireAdmin, type Actor } from "../shared/actor";
import { retryTransaction } from "../shared/db-errors";
import { DomainError, ErrorCode, notFound } from "../shared/errors";
import { vmsHoldingVfsOf } from "./holders";
import { fleetPfRefusal, resolveBudget, type FleetAction } from "./fleet-rules";
import {
  fleetRolloutInput,
  type FleetRolloutInput,
  type FleetRolloutRequest,
} from "./fleet-schemas";

export interface FleetPlanCluster {
  clusterId: string;
  clusterName: string;
  /** All hosts of the cluster: a percentage budget is of these. */
  clusterHosts: number;
  /** Hosts with at least one selected PF that may go. */
  hosts: number;
  pfs: number;
  /** Hosts in flight at once in this cluster. */
  budget: number;
}

export interface FleetPlanPf {
  pfId: string;
  pfName: string;
  hostId: string;
  hostName: string;
  clusterId: string;
}

export interface FleetRefusedPf extends FleetPlanPf {
  code: string;
  message: string;
}

export interface FleetPlan {
  action: "split" | "restore";
  count: number;
  maxUnavailable: string;
  onFailure: "pause" | "continue";
  clusters: FleetPlanCluster[];
  eligible: number;
  /** Every selected PF the rules refuse, with the single-PF request's code and message. */
  refused: FleetRefusedPf[];
}

interface PlannedPf extends FleetPlanPf {
  refusal: { code: string; message: string } | null;
}

const MAX_PFS = 20_000;

function actionOf(input: FleetRolloutRequest): FleetAction {
  return input.action === "split"
    ? { action: "split", count: input.count ?? 0 }
    : { action: "restore", force: input.force };
}

/** Loads the selection with the facts each rule needs, and judges every PF. No writes. */
async function planRollout(tx: Tx | Db, input: FleetRolloutRequest) {
  const clusterIds = [...new Set(input.selection.clusterIds)];
  const clusters = await tx.cluster.findMany({
    where: { id: { in: clusterIds } },
    select: { id: true, name: true, _count: { select: { hosts: true } } },
    orderBy: { name: "asc" },
  });
  const missing = clusterIds.find((id) => !clusters.some((cluster) => cluster.id === id));
  if (missing) throw notFound("Cluster", missing);
  const { interfaceName, model, pfIds } = input.selection;
  const where: Prisma.PhysicalNicWhereInput = {
    host: { clusterId: { in: clusterIds } },
    ...(interfaceName === undefined ? {} : { name: interfaceName }),
    ...(model === undefined ? {} : { model }),
    ...(pfIds === undefined ? {} : { id: { in: pfIds } }),
  };
  const pfs = await tx.physicalNic.findMany({
    where,
    include: { host: true },
    orderBy: [{ host: { name: "asc" } }, { pciAddress: "asc" }],
    take: MAX_PFS + 1,
  });
  if (pfs.length > MAX_PFS) {
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      "BAD_REQUEST",
      `The selection has more than ${MAX_PFS} PFs; narrow it down (by cluster, interface or model).`,
      { max: MAX_PFS },
    );
  }
  // Counted in SQL, one statement for the whole selection (R11, R12 need the VFs in use).
  const inUse = await tx.virtualFunction.groupBy({
    by: ["pfId"],
    where: {
      pfId: { in: pfs.map((pf) => pf.id) },
      OR: [{ state: { in: ["Reserved", "Attached", "Releasing"] } }, { heldBy: { isNot: null } }],
    },
    _count: { _all: true },
  });
  const inUseByPf = new Map(inUse.map((row) => [row.pfId, row._count._all]));
  const action = actionOf(input);
  const planned: PlannedPf[] = [];
  for (const pf of pfs) {
    const named = { ...pf, name: pfLabel(pf) };
    const vfsInUse = inUseByPf.get(pf.id) ?? 0;
    // Only the PFs with VFs in use need their VMs named (R11): one query each, rare.
    const holders =
      action.action === "restore" && vfsInUse > 0 ? await vmsHoldingVfsOf(tx, pf.id) : [];
    planned.push({
      pfId: pf.id,
      pfName: named.name,
      hostId: pf.hostId,
      hostName: pf.host.name,
      clusterId: pf.host.clusterId,
      refusal: fleetPfRefusal({ pf: named, host: pf.host, vfsInUse, holders }, action),
    });
  }
  const plan: FleetPlan = {
    action: input.action,
    count: action.action === "split" ? action.count : 0,
    maxUnavailable: input.maxUnavailable,
    onFailure: input.onFailure,
    clusters: clusters.map((cluster) => {
      const going = planned.filter((pf) => pf.clusterId === cluster.id && pf.refusal === null);
      return {
        clusterId: cluster.id,
        clusterName: cluster.name,
        clusterHosts: cluster._count.hosts,
        hosts: new Set(going.map((pf) => pf.hostId)).size,
        pfs: going.length,
        budget: resolveBudget(input.maxUnavailable, cluster._count.hosts),
      };
    }),
    eligible: planned.filter((pf) => pf.refusal === null).length,
    refused: planned.flatMap(({ refusal, ...pf }) => (refusal ? [{ ...pf, ...refusal }] : [])),
  };
  return { plan, planned };
}

/** What a fleet rollout would do: budgets per cluster, and each refused PF with its reason. */
export async function previewFleetRollout(
  db: Db,
  actor: Actor,
  rawInput: FleetRolloutInput,
): Promise<FleetPlan> {
  requireAdmin(actor, "split or restore physical NICs");
  const input = fleetRolloutInput.parse(rawInput);
  return (await planRollout(db, input)).plan;
}

export interface StartedFleetRollout {
  rollout: { id: string };
  operation: Operation;
  plan: FleetPlan;
}

/** One rollout per cluster at a time, or two rollouts' budgets would add up. */
async function requireNoActiveRollout(tx: Tx, clusterIds: string[]): Promise<void> {
  // The cluster rows serialize two starts on one cluster; NO KEY UPDATE leaves host inserts alone.
  await tx.$queryRaw`
    SELECT id FROM "Cluster" WHERE id = ANY(${clusterIds}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
  const [active] = await tx.$queryRaw<Array<{ clusterName: string; operationId: string }>>`
    SELECT c."clusterName", r."operationId"
      FROM "FleetRolloutCluster" AS c
      JOIN "FleetRollout" AS r ON r.id = c."rolloutId"
      JOIN "Operation" AS o ON o.id = r."operationId"
     WHERE c."clusterId" = ANY(${clusterIds}::uuid[]) AND o.status IN ('Pending', 'Running')
     LIMIT 1`;
  if (active) {
    throw new DomainError(
      ErrorCode.FLEET_ROLLOUT_IN_PROGRESS,
      "CONFLICT",
      `${active.clusterName} already has a fleet rollout in progress; wait for it to finish.`,
      { cluster: active.clusterName, operationId: active.operationId },
    );
  }
}

/**
 * Starts a split or restore over many PFs: one parent operation (fleet.setVfCount) whose handler
 * starts a pf.split / pf.restore per PF, at most `maxUnavailable` hosts in flight per cluster.
 * Every PF is judged by the single-PF rules first; a refused PF refuses the request (listing each
 * with its reason) unless `skipRefused`.
 */
export async function startFleetRollout(
  db: Db,
  actor: Actor,
  rawInput: FleetRolloutInput,
): Promise<StartedFleetRollout> {
  requireAdmin(actor, "split or restore physical NICs");
  const input = fleetRolloutInput.parse(rawInput);
  return retryTransaction(() =>
    db.$transaction(
      async (tx) => {
        const clusterIds = [...new Set(input.selection.clusterIds)];
        await requireNoActiveRollout(tx, clusterIds);
        const { plan, planned } = await planRollout(tx, input);
        if (plan.refused.length > 0 && !input.skipRefused) {
          throw new DomainError(
            ErrorCode.FLEET_PFS_REFUSED,
            "CONFLICT",
            `${plan.refused.length} of ${planned.length} selected PFs cannot be ${input.action === "split" ? "split" : "restored"}, e.g. ${plan.refused[0]?.hostName}/${plan.refused[0]?.pfName}: ${plan.refused[0]?.message} Leave them out, or skip them explicitly.`,
            { refused: plan.refused.slice(0, 500), refusedCount: plan.refused.length },
          );
        }
        if (plan.eligible === 0) {
          throw new DomainError(
            ErrorCode.FLEET_NOTHING_SELECTED,
            "BAD_REQUEST",
            "The selection has no PF that can take part in the rollout.",
            { refusedCount: plan.refused.length },
          );
        }
        const rolloutId = randomUUID();
        const verb = input.action === "split" ? `split to ${plan.count} VFs` : "restore";
        const operation = await createOperation(tx, actor, {
          kind: "fleet.setVfCount",
          targetType: "FleetRollout",
          targetId: rolloutId,
          targetName: `${verb}: ${plan.eligible} PFs in ${plan.clusters.map((c) => c.clusterName).join(", ")}`,
          input: { rolloutId },
        });
        await tx.fleetRollout.create({
          data: {
            id: rolloutId,
            operationId: operation.id,
            action: input.action,
            count: plan.count,
            force: input.force,
            maxUnavailable: input.maxUnavailable,
            onFailure: input.onFailure,
            requesterId: actor.userId,
            requesterName: actor.username,
            clusters: {
              createMany: {
                data: plan.clusters.map((cluster) => ({
                  clusterId: cluster.clusterId,
                  clusterName: cluster.clusterName,
                  budget: cluster.budget,
                })),
              },
            },
            items: {
              createMany: {
                data: planned.map(({ refusal, ...pf }) => ({
                  ...pf,
                  state: refusal ? ("Refused" as const) : ("Waiting" as const),
                  errorCode: refusal?.code ?? null,
                  errorMessage: refusal?.message ?? null,
                })),
              },
            },
          },
        });
        await recordAudit(tx, actor, {
          action: `fleet.${input.action}`,
          targetType: "FleetRollout",
          targetId: rolloutId,
          outcome: "Success",
          details: {
            count: plan.count,
            force: input.force,
            maxUnavailable: input.maxUnavailable,
            onFailure: input.onFailure,
            pfs: plan.eligible,
            refused: plan.refused.length,
            clusters: plan.clusters.map((c) => ({ name: c.clusterName, budget: c.budget })),
          },
        });
        return { rollout: { id: rolloutId }, operation, plan };
      },
      { timeout: 30_000 },
    ),
  );
}
