import type { Db, Prisma } from "@virtfn/db";
import { requireInventoryReader, type Actor } from "../shared/actor";
import { pageWindow, toPage, type Page } from "../shared/pagination";
import { rowCounts } from "../shared/row-counts";
import { likeLiteral } from "../shared/visibility";
import { listClustersInput, type ListClustersInput } from "./schemas";

export interface ClusterView {
  id: string;
  name: string;
  zoneId: string;
  zoneName: string;
  hypervisor: string;
  hostCount: number;
}

export async function listClusters(
  db: Db,
  actor: Actor,
  rawInput: ListClustersInput = {},
): Promise<Page<ClusterView>> {
  requireInventoryReader(actor);
  const input = listClustersInput.parse(rawInput);
  const where: Prisma.ClusterWhereInput = {
    ...(input.zoneId ? { zoneId: input.zoneId } : {}),
    ...(input.search ? { name: { contains: likeLiteral(input.search), mode: "insensitive" } } : {}),
    ...(input.notAttachedToL2Id
      ? { l2Attachments: { none: { l2Id: input.notAttachedToL2Id } } }
      : {}),
  };
  const [rows, total] = await Promise.all([
    db.cluster.findMany({
      where,
      orderBy: [{ zone: { name: "asc" } }, { name: "asc" }, { id: "asc" }],
      include: { zone: { select: { name: true } } },
      ...pageWindow(input),
    }),
    db.cluster.count({ where }),
  ]);
  const hosts = await rowCounts(
    db,
    "Host.clusterId",
    rows.map((row) => row.id),
  );
  const items = rows.map((row) => ({
    id: row.id,
    name: row.name,
    zoneId: row.zoneId,
    zoneName: row.zone.name,
    hypervisor: row.hypervisor,
    hostCount: hosts.get(row.id) ?? 0,
  }));
  return toPage(items, total, input);
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
