import type { Db } from "@virtfn/db";
import { requireInventoryReader, type Actor } from "../shared/actor";
import { rowCounts } from "../shared/row-counts";

export interface ClusterView {
  id: string;
  name: string;
  zoneId: string;
  zoneName: string;
  hypervisor: string;
  hostCount: number;
}

export async function listClusters(db: Db, actor: Actor): Promise<ClusterView[]> {
  requireInventoryReader(actor);
  const rows = await db.cluster.findMany({
    orderBy: [{ zone: { name: "asc" } }, { name: "asc" }],
    include: { zone: { select: { name: true } } },
  });
  const hosts = await rowCounts(
    db,
    "Host.clusterId",
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    zoneId: row.zoneId,
    zoneName: row.zone.name,
    hypervisor: row.hypervisor,
    hostCount: hosts.get(row.id) ?? 0,
  }));
}

export async function listZones(db: Db, actor: Actor) {
  requireInventoryReader(actor);
  return db.zone.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      description: true,
      _count: { select: { clusters: true, l2Networks: true, vxlanPools: true } },
    },
  });
}
