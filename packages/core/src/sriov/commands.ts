import { z } from "zod";
import {
  HostConnectionState,
  Prisma,
  queryRows,
  sqlTransaction,
  VirtualizationState,
  type Db,
  type Operation,
  type SqlClient,
} from "@virtfn/db";
import { activeOperationOn } from "../hosts/busy";
import { pfLabel } from "../hosts/rules";
import { insertAuditSql, type AuditRecord } from "../operations/audit";
import { createOperation } from "../operations/create";
import type { OperationKind } from "../operations/kinds";
import { requireAdmin, type Actor } from "../shared/actor";
import { retryTransaction } from "../shared/db-errors";
import { notFound } from "../shared/errors";
import { pciDeviceAt } from "../passthru/queries";
import { checkSplitNotAssignable } from "../passthru/rules";
import { vfsInUseOf, vmsHoldingVfsOf } from "./holders";
import { poolRangesOf } from "./pools";
import { checkResizeKeepsPools } from "./pools-rules";
import {
  checkIdle,
  checkResizeAllowed,
  checkRestoreNeeded,
  checkRestoreAllowed,
  checkSplitCount,
  requireHostConnected,
  requireIommuReady,
  requireSriovCapable,
  resizePlan,
  splitWarnings,
  type VmRef,
} from "./rules";
import { restorePfInput, splitPfInput, type RestorePfInput, type SplitPfInput } from "./schemas";

export interface PfOperation {
  pf: { id: string; name: string; hostId: string; hostName: string };
  operation: Operation;
  /** R13: advice the admin should see; the split goes ahead regardless. */
  warnings: string[];
}

export interface RestoreOperation extends PfOperation {
  /** R11: the VMs whose VF NICs a forced restore detaches first. */
  detaching: VmRef[];
}

/**
 * An admin splitting a whole fleet at once sends hundreds of requests; those that find the pool
 * busy (P2028 at start) queue for it within this budget instead of being refused.
 */
const FLEET_REQUEST_BUDGET = { budgetMs: 30_000 };

/** What a split or restore request reads of its PF and host, under the PF's row lock. */
const lockedPfRow = z.object({
  id: z.string(),
  hostId: z.string(),
  name: z.string().nullable(),
  pciAddress: z.string(),
  totalVfs: z.number().int(),
  numVfs: z.number().int(),
  desiredNumVfs: z.number().int().nullable(),
  virtualizationState: z.enum(VirtualizationState),
  bondName: z.string().nullable(),
  bondSlaves: z.array(z.string()),
  host: z.object({
    name: z.string(),
    connectionState: z.enum(HostConnectionState),
    connectionReason: z.string().nullable(),
    iommuEnabled: z.boolean(),
    iommuKernelArgSet: z.boolean(),
    iommuActive: z.boolean(),
    rebootRequired: z.boolean(),
  }),
});

/**
 * Locks the PF row, so that two requests on one PF check and change it one after the other, and
 * reads it with its host in the same plain statement: every split and restore
 * request starts here, and Prisma's findUnique with its host cost two more statements and
 * several times their CPU (issue 9, a fleet split of 200 PFs at once).
 */
async function lockPf(tx: SqlClient, pfId: string) {
  const [row] = await queryRows(
    tx,
    Prisma.sql`
    SELECT pf.id::text AS id, pf."hostId"::text AS "hostId", pf.name, pf."pciAddress",
           pf."totalVfs", pf."numVfs", pf."desiredNumVfs",
           pf."virtualizationState"::text AS "virtualizationState", pf."bondName", pf."bondSlaves",
           json_build_object(
             'name', h.name, 'connectionState', h."connectionState"::text,
             'connectionReason', h."connectionReason", 'iommuEnabled', h."iommuEnabled",
             'iommuKernelArgSet', h."iommuKernelArgSet", 'iommuActive', h."iommuActive",
             'rebootRequired', h."rebootRequired") AS host
      FROM "PhysicalNic" pf JOIN "Host" h ON h.id = pf."hostId"
     WHERE pf.id = ${pfId}::uuid
       FOR UPDATE OF pf`,
  );
  if (row === undefined) throw notFound("Physical NIC", pfId);
  const pf = lockedPfRow.parse(row);
  // Messages, audit and operation targets name a PF without a netdev by its PCI address.
  return { ...pf, name: pfLabel(pf) };
}

async function startSetVfCount(
  tx: SqlClient,
  actor: Actor,
  kind: OperationKind,
  pf: {
    id: string;
    name: string;
    numVfs: number;
    desiredNumVfs: number | null;
    host: { name: string };
  },
  input: { count: number; force: boolean; warnings: string[] },
  /** What the audit event says beyond the host, the PF and its VF count before. */
  auditDetails: Record<string, Prisma.InputJsonValue>,
): Promise<Operation> {
  const audit: AuditRecord = {
    action: kind,
    targetType: "PhysicalNic",
    targetId: pf.id,
    outcome: "Success",
    details: { host: pf.host.name, pf: pf.name, from: pf.numVfs, ...auditDetails },
  };
  // Desired state, the operation and its audit event commit together, in one statement: every
  // split and restore request writes them, 200 at once in a fleet split (issue 9). The
  // reconciler converges to the desired count.
  return createOperation(
    tx,
    actor,
    {
      kind,
      targetType: "PhysicalNic",
      targetId: pf.id,
      targetName: `${pf.host.name}/${pf.name}`,
      input: { ...input, previousDesired: pf.desiredNumVfs },
    },
    Prisma.sql`
    desired AS (
      UPDATE "PhysicalNic" SET "desiredNumVfs" = ${input.count}::int, "updatedAt" = now()
       WHERE id = ${pf.id}::uuid),
    audited AS (${insertAuditSql(actor, audit, Prisma.sql`FROM op`)})`,
  );
}

/** The other slaves of the PF's bond that are split already, by name (R13 warns of them). */
async function splitBondSlaves(
  tx: SqlClient,
  pf: { id: string; hostId: string; bondName: string | null },
): Promise<string[]> {
  const rows = await queryRows(
    tx,
    Prisma.sql`
    SELECT name FROM "PhysicalNic"
     WHERE "hostId" = ${pf.hostId}::uuid AND "bondName" = ${pf.bondName} AND "numVfs" > 0
       AND id <> ${pf.id}::uuid AND name IS NOT NULL
     ORDER BY name`,
  );
  return z
    .array(z.object({ name: z.string() }))
    .parse(rows)
    .map((row) => row.name);
}

/** Splits a PF into `count` VFs (R12, R13). Returns at once with the operation. */
export async function splitPhysicalNic(
  db: Db,
  actor: Actor,
  rawInput: SplitPfInput,
): Promise<PfOperation> {
  requireAdmin(actor, "split physical NICs");
  const input = splitPfInput.parse(rawInput);
  return retryTransaction(
    () => sqlTransaction(db, (tx) => splitInTransaction(tx, actor, input)),
    FLEET_REQUEST_BUDGET,
  );
}

/**
 * The split's checks and writes inside the caller's transaction: a fleet rollout starts its PFs
 * with it. A refusal is a thrown DomainError before any write, so the transaction stays usable.
 */
export async function splitInTransaction(
  tx: SqlClient,
  actor: Actor,
  input: z.output<typeof splitPfInput>,
): Promise<PfOperation> {
  const pf = await lockPf(tx, input.pfId);
  requireSriovCapable(pf);
  requireHostConnected(pf.host);
  requireIommuReady(pf.host);
  // The PF's row lock also orders this against marking it assignable (passthru/commands.ts).
  checkSplitNotAssignable(pf, await pciDeviceAt(tx, pf.hostId, pf.pciAddress));
  checkSplitCount(pf, input.count);
  checkResizeKeepsPools(pf, await poolRangesOf(tx, pf.id), input.count);
  const plan = resizePlan(pf.numVfs, input.count);
  checkResizeAllowed(pf, plan, await vfsInUseOf(tx, pf.id));
  checkIdle(await activeOperationOn(tx, [pf.id, pf.hostId]));
  const warnings = splitWarnings(pf, pf.bondName ? await splitBondSlaves(tx, pf) : []);
  const operation = await startSetVfCount(
    tx,
    actor,
    "pf.split",
    pf,
    { count: input.count, force: input.force, warnings },
    { to: input.count, viaZero: plan.viaZero, warnings },
  );
  return {
    pf: { id: pf.id, name: pf.name, hostId: pf.hostId, hostName: pf.host.name },
    operation,
    warnings,
  };
}

/** Restores a PF to 0 VFs (R11). With VMs on its VFs it needs `force`, which detaches them first. */
export async function restorePhysicalNic(
  db: Db,
  actor: Actor,
  rawInput: RestorePfInput,
): Promise<RestoreOperation> {
  requireAdmin(actor, "restore physical NICs");
  const input = restorePfInput.parse(rawInput);
  return retryTransaction(
    () => sqlTransaction(db, (tx) => restoreInTransaction(tx, actor, input)),
    FLEET_REQUEST_BUDGET,
  );
}

/** The restore's checks and writes inside the caller's transaction (see splitInTransaction). */
export async function restoreInTransaction(
  tx: SqlClient,
  actor: Actor,
  input: z.output<typeof restorePfInput>,
): Promise<RestoreOperation> {
  const pf = await lockPf(tx, input.pfId);
  requireSriovCapable(pf);
  requireHostConnected(pf.host);
  checkRestoreNeeded(pf);
  // Even forced: force detaches VMs, while a pool is the admin's layout, deleted on purpose.
  checkResizeKeepsPools(pf, await poolRangesOf(tx, pf.id), 0);
  const vms = await vmsHoldingVfsOf(tx, pf.id);
  checkRestoreAllowed(pf, vms, input.force);
  checkIdle(await activeOperationOn(tx, [pf.id, pf.hostId]));
  const operation = await startSetVfCount(
    tx,
    actor,
    "pf.restore",
    pf,
    { count: 0, force: input.force, warnings: [] },
    { force: input.force, detaching: vms.map((vm) => ({ ...vm })) },
  );
  return {
    pf: { id: pf.id, name: pf.name, hostId: pf.hostId, hostName: pf.host.name },
    operation,
    warnings: [],
    detaching: vms,
  };
}
