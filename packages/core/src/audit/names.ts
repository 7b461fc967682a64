import type { Db } from "@virtfn/db";

// An audit page's target names, resolved for the page's rows only: one primary-key lookup per
// target type on the page (at most the page size of ids each), never a join over the log.

export interface ResolvedTarget {
  name: string;
  /** A PF's host, so that the link can go where the PF is shown. */
  hostId?: string;
}

type Lookup = (db: Db, ids: string[]) => Promise<Array<{ id: string } & ResolvedTarget>>;

const byName = <T extends { id: string; name: string | null }>(rows: T[]) =>
  rows.map((row) => ({ id: row.id, name: row.name ?? row.id }));

const lookups: Record<string, Lookup> = {
  Vm: async (db, ids) =>
    byName(await db.vm.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  Host: async (db, ids) =>
    byName(
      await db.host.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    ),
  PhysicalNic: async (db, ids) =>
    (
      await db.physicalNic.findMany({
        where: { id: { in: ids } },
        select: {
          id: true,
          name: true,
          pciAddress: true,
          hostId: true,
          host: { select: { name: true } },
        },
      })
    ).map((pf) => ({
      id: pf.id,
      name: `${pf.name ?? pf.pciAddress} on ${pf.host.name}`,
      hostId: pf.hostId,
    })),
  VmNic: async (db, ids) =>
    (
      await db.vmNic.findMany({
        where: { id: { in: ids } },
        select: { id: true, deviceIndex: true, vm: { select: { name: true } } },
      })
    ).map((nic) => ({ id: nic.id, name: `nic${nic.deviceIndex} of ${nic.vm.name}` })),
  L2Network: async (db, ids) =>
    byName(
      await db.l2Network.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    ),
  L3Network: async (db, ids) =>
    byName(
      await db.l3Network.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    ),
  Project: async (db, ids) =>
    byName(
      await db.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    ),
  User: async (db, ids) =>
    (
      await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true } })
    ).map((user) => ({ id: user.id, name: user.username })),
  Zone: async (db, ids) =>
    byName(
      await db.zone.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    ),
  Cluster: async (db, ids) =>
    byName(
      await db.cluster.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    ),
  SecurityGroup: async (db, ids) =>
    byName(
      await db.securityGroup.findMany({
        where: { id: { in: ids } },
        select: { id: true, name: true },
      }),
    ),
  InstanceOffering: async (db, ids) =>
    byName(
      await db.instanceOffering.findMany({
        where: { id: { in: ids } },
        select: { id: true, name: true },
      }),
    ),
  Image: async (db, ids) =>
    byName(
      await db.image.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    ),
  Operation: async (db, ids) =>
    (
      await db.operation.findMany({
        where: { id: { in: ids } },
        select: { id: true, kind: true, targetName: true },
      })
    ).map((op) => ({ id: op.id, name: `${op.kind} ${op.targetName}`.trim() })),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "type:id" → its name (and a PF's host), for the targets that still exist. */
export async function resolveTargets(
  db: Db,
  targets: Array<{ targetType: string; targetId: string | null }>,
): Promise<Map<string, ResolvedTarget>> {
  const idsByType = new Map<string, Set<string>>();
  for (const { targetType, targetId } of targets) {
    if (!targetId || !UUID.test(targetId) || !lookups[targetType]) continue;
    const ids = idsByType.get(targetType) ?? new Set<string>();
    ids.add(targetId);
    idsByType.set(targetType, ids);
  }
  const found = await Promise.all(
    [...idsByType].map(async ([type, ids]) => {
      const lookup = lookups[type];
      const rows = lookup ? await lookup(db, [...ids]) : [];
      return rows.map((row) => [`${type}:${row.id}`, row] as const);
    }),
  );
  return new Map(
    found
      .flat()
      .map(([key, row]) => [
        key,
        { name: row.name, ...(row.hostId ? { hostId: row.hostId } : {}) },
      ]),
  );
}
