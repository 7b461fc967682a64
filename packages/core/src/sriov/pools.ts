import { z } from "zod";
import { Prisma, queryRows, type Db, type SqlClient, type Tx } from "@virtfn/db";
import { pfLabel } from "../hosts/rules";
import { recordAudit } from "../operations/audit";
import { requireAdmin, requireInventoryReader, type Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, notFound } from "../shared/errors";
import { poolCounts, type VfPoolCounts } from "./pools-queries";
import {
  checkHoldersFit,
  checkL2sServePf,
  checkPoolRange,
  formatVfRange,
  parseVfRange,
  type PoolHolder,
  type PoolRange,
} from "./pools-rules";
import {
  createVfPoolInput,
  listVfPoolsInput,
  vfPoolIdInput,
  type CreateVfPoolInput,
  type ListVfPoolsInput,
  type VfPoolIdInput,
} from "./pools-schemas";

// VF pools (issue 16): the services. Rules in pools-rules.ts, the reservation filter in the
// database (virtfn_vf_open), counts in pools-queries.ts.

export interface VfPoolView extends VfPoolCounts {
  id: string;
  pfId: string;
  name: string;
  /** "#0-3" */
  range: string;
  firstIndex: number;
  lastIndex: number;
  l2s: Array<{ id: string; name: string }>;
  /** Empty: every project on its L2s. */
  projects: Array<{ id: string; name: string }>;
}

/** The pools of a PF as ranges, for the rules (and split/restore: checkResizeKeepsPools). */
export async function poolRangesOf(db: SqlClient, pfId: string): Promise<PoolRange[]> {
  // A plain statement: every split request asks inside its transaction.
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT name, "firstIndex" AS first, "lastIndex" AS last
      FROM "VfPool" WHERE "pfId" = ${pfId}::uuid ORDER BY "firstIndex"`,
  );
  return z.array(z.object({ name: z.string(), first: z.number(), last: z.number() })).parse(rows);
}

/** A PF's pools with their L2s, projects and VF counts (admins and auditors). */
export async function listVfPools(
  db: Db,
  actor: Actor,
  rawInput: ListVfPoolsInput,
): Promise<VfPoolView[]> {
  requireInventoryReader(actor);
  const { pfId } = listVfPoolsInput.parse(rawInput);
  const pools = await db.vfPool.findMany({ where: { pfId }, orderBy: { firstIndex: "asc" } });
  const [l2s, projects, counts] = await Promise.all([
    db.l2Network.findMany({
      where: { id: { in: pools.flatMap((pool) => pool.l2Ids) } },
      select: { id: true, name: true },
    }),
    db.project.findMany({
      where: { id: { in: pools.flatMap((pool) => pool.projectIds) } },
      select: { id: true, name: true },
    }),
    poolCounts(
      db,
      pools.map((pool) => pool.id),
    ),
  ]);
  const named = <T extends { id: string }>(rows: T[], ids: string[]) =>
    ids.flatMap((id) => rows.find((row) => row.id === id) ?? []);
  return pools.map((pool) => ({
    id: pool.id,
    pfId: pool.pfId,
    name: pool.name,
    range: formatVfRange({ first: pool.firstIndex, last: pool.lastIndex }),
    firstIndex: pool.firstIndex,
    lastIndex: pool.lastIndex,
    l2s: named(l2s, pool.l2Ids),
    projects: named(projects, pool.projectIds),
    ...(counts.get(pool.id) ?? { total: 0, available: 0, inUse: 0 }),
  }));
}

/**
 * The VM NICs holding VFs of this range of the PF. The PF is locked FOR UPDATE by the caller, so
 * no reservation (which locks it FOR SHARE) runs meanwhile: the list is complete.
 */
async function holdersOf(tx: Tx, pfId: string, first: number, last: number): Promise<PoolHolder[]> {
  const nics = await tx.vmNic.findMany({
    where: { vf: { pfId, index: { gte: first, lte: last } } },
    select: {
      vf: { select: { index: true } },
      vm: { select: { name: true, projectId: true } },
      l3: { select: { name: true, l2Id: true } },
    },
  });
  return nics.map((nic) => ({
    vfIndex: nic.vf?.index ?? -1,
    vmName: nic.vm.name,
    projectId: nic.vm.projectId,
    l2Id: nic.l3.l2Id,
    l3Name: nic.l3.name,
  }));
}

/** Admin. Carves a named pool out of a PF's VFs (see pools-rules.ts for what is refused). */
export async function createVfPool(
  db: Db,
  actor: Actor,
  rawInput: CreateVfPoolInput,
): Promise<VfPoolView> {
  requireAdmin(actor, "create VF pools");
  const input = createVfPoolInput.parse(rawInput);
  const range = parseVfRange(input.range);
  const l2Ids = [...new Set(input.l2Ids)];
  const projectIds = [...new Set(input.projectIds)];
  const id = await db
    .$transaction(async (tx) => {
      // FOR UPDATE, as a split does: reservations (FOR SHARE) on this PF finish first, and those
      // that come after see the pool.
      await tx.$queryRaw`SELECT id FROM "PhysicalNic" WHERE id = ${input.pfId}::uuid FOR UPDATE`;
      const found = await tx.physicalNic.findUnique({ where: { id: input.pfId } });
      if (!found) throw notFound("Physical NIC", input.pfId);
      const pf = { ...found, name: pfLabel(found) };
      const others = await poolRangesOf(tx, pf.id);
      if (others.some((pool) => pool.name === input.name))
        throw alreadyExists("VF pool", "name", input.name);
      checkPoolRange(pf, range, others);
      const l2s = await tx.l2Network.findMany({ where: { id: { in: l2Ids } } });
      for (const l2Id of l2Ids)
        if (!l2s.some((l2) => l2.id === l2Id)) throw notFound("L2 network", l2Id);
      checkL2sServePf(found, l2s);
      const projects = await tx.project.findMany({ where: { id: { in: projectIds } } });
      for (const projectId of projectIds)
        if (!projects.some((p) => p.id === projectId)) throw notFound("Project", projectId);
      checkHoldersFit(
        { name: input.name, l2Ids, projectIds },
        await holdersOf(tx, pf.id, range.first, range.last),
      );
      const pool = await tx.vfPool.create({
        data: {
          pfId: pf.id,
          name: input.name,
          firstIndex: range.first,
          lastIndex: range.last,
          l2Ids,
          projectIds,
        },
      });
      await recordAudit(tx, actor, {
        action: "vfPool.create",
        targetType: "VfPool",
        targetId: pool.id,
        outcome: "Success",
        details: {
          pf: pf.name,
          pool: pool.name,
          range: formatVfRange(range),
          l2s: l2s.map((l2) => l2.name),
          projects: projects.map((p) => p.name),
        },
      });
      return pool.id;
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error, "VfPool_pfId_name_key"))
        throw alreadyExists("VF pool", "name", input.name);
      throw error;
    });
  const views = await listVfPools(db, actor, { pfId: input.pfId });
  const view = views.find((pool) => pool.id === id);
  if (!view) throw notFound("VF pool", id);
  return view;
}

/** Admin. Deletes a pool: its VFs are free for all again (VMs keep the ones they hold). */
export async function deleteVfPool(
  db: Db,
  actor: Actor,
  rawInput: VfPoolIdInput,
): Promise<{ id: string }> {
  requireAdmin(actor, "delete VF pools");
  const { poolId } = vfPoolIdInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const pool = await tx.vfPool.findUnique({ where: { id: poolId }, include: { pf: true } });
    if (!pool) throw notFound("VF pool", poolId);
    // The PF lock orders this against a split's pool check and a concurrent create of a pool.
    await tx.$queryRaw`SELECT id FROM "PhysicalNic" WHERE id = ${pool.pfId}::uuid FOR UPDATE`;
    await tx.vfPool.deleteMany({ where: { id: poolId } });
    await recordAudit(tx, actor, {
      action: "vfPool.delete",
      targetType: "VfPool",
      targetId: poolId,
      outcome: "Success",
      details: {
        pf: pfLabel(pool.pf),
        pool: pool.name,
        range: formatVfRange({ first: pool.firstIndex, last: pool.lastIndex }),
      },
    });
    return { id: poolId };
  });
}
