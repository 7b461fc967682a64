import {
  HostConnectionState,
  Prisma,
  type Db,
  type VfState,
  type VirtualizationState,
} from "@virtfn/db";
import { requireInventoryReader, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
import {
  keysetTotal,
  keysetOrder,
  keysetPage,
  keysetTake,
  keysetWhere,
  keysetPosition,
  TOTAL_CAP,
  type Keyset,
  type Page,
} from "../shared/pagination";
import { vfCountsByPf, vfStateCounts, type VfCounts } from "../sriov/capacity";
import { emptyStates } from "../sriov/queries";
import { hostAllocation, vfStatesByPf, type HostAllocation } from "./allocation";
import {
  iommuReadiness,
  pfL2Carriage,
  pfLabel,
  type IommuReadiness,
  type PfL2Carriage,
} from "./rules";
import { listHostsInput, type ListHostsInput } from "./schemas";
import { pfActions, type PfActions } from "../sriov/actions";
import { vfsInUseByPf } from "../sriov/holders";
import { hostActions, type HostActions } from "./actions";
import { activeOperationsByTarget } from "./busy";
import { hostVfsInUse } from "./commands";
import { likeLiteral } from "../shared/visibility";

export interface HostSummary {
  id: string;
  name: string;
  clusterId: string;
  clusterName: string;
  zoneName: string;
  agentUrl: string;
  connectionState: HostConnectionState;
  connectionReason: string | null;
  lastSeenAt: Date | null;
  cpuCount: number;
  memoryMiB: number;
  iommu: IommuReadiness;
  /** In maintenance: no new placements (creates, starts, moves); VMs there keep running. */
  maintenance: boolean;
  maintenanceSince: Date | null;
  pfCount: number;
  vfTotal: number;
  vfAvailable: number;
  /** Whole PCI devices marked assignable (issue 17), and how many of them a running VM holds. */
  pciAssignable: number;
  pciHeld: number;
  createdAt: Date;
}

export interface NicRow {
  id: string;
  /** Null for a PF without a netdev (an NVMe controller); `l2` says what that means. */
  name: string | null;
  /** The name, or the PCI address when there is none: what the UI and messages call the PF. */
  label: string;
  pciAddress: string;
  model: string;
  driver: string;
  mac: string | null;
  linkUp: boolean;
  speedMbps: number | null;
  virtualizationState: VirtualizationState;
  totalVfs: number;
  numVfs: number;
  desiredNumVfs: number | null;
  vfAvailable: number;
  vfTotal: number;
  bondName: string | null;
  bondSlaves: string[];
  l2: PfL2Carriage;
  /** The NUMA node of the PF's slot; null when the kernel reports none. */
  numaNode: number | null;
}

/** A NIC row of the host page, with its split / resize / restore verdicts. */
export interface NicDetail extends NicRow {
  actions: PfActions;
  /** Its VF rows by state (Missing: held by NICs, not reported by the host). */
  vfStates: Record<VfState, number>;
}

export interface HostDetail extends HostSummary {
  agentVersion: string | null;
  agentBackend: string | null;
  cpuModel: string | null;
  cpuVirtualization: string | null;
  iommuEnabled: boolean;
  iommuKernelArgSet: boolean;
  iommuActive: boolean;
  interruptRemapping: boolean;
  allowUnsafeInterrupts: boolean;
  rebootRequired: boolean;
  nics: NicDetail[];
  /** Reconnect, IOMMU, reboot and delete, decided by the host commands' own checks. */
  actions: HostActions;
  /** VMs placed on the host. */
  vmCount: number;
  /** CPU, memory and NUMA use by the VMs on the host, and the first of those VMs. */
  allocation: HostAllocation;
}

const hostInclude = {
  cluster: { select: { name: true, zone: { select: { name: true } } } },
  physicalNics: { orderBy: { name: "asc" } },
  // Only the assignable ones, a handful per host: for the passthrough counts.
  pciDevices: { where: { assignable: true }, select: { heldBy: { select: { id: true } } } },
} satisfies Prisma.HostInclude;

type HostRow = Prisma.HostGetPayload<{ include: typeof hostInclude }>;
type PfRow = HostRow["physicalNics"][number];

function nicRow(pf: PfRow, counts: Map<string, VfCounts>): NicRow {
  const vf = counts.get(pf.id) ?? { total: 0, available: 0 };
  return {
    id: pf.id,
    name: pf.name,
    label: pfLabel(pf),
    pciAddress: pf.pciAddress,
    model: pf.model,
    driver: pf.driver,
    mac: pf.mac,
    linkUp: pf.linkUp,
    speedMbps: pf.speedMbps,
    virtualizationState: pf.virtualizationState,
    totalVfs: pf.totalVfs,
    numVfs: pf.numVfs,
    desiredNumVfs: pf.desiredNumVfs,
    vfAvailable: vf.available,
    vfTotal: vf.total,
    bondName: pf.bondName,
    bondSlaves: pf.bondSlaves,
    l2: pfL2Carriage(pf),
    numaNode: pf.numaNode,
  };
}

function summary(host: HostRow, counts: Map<string, VfCounts>): HostSummary {
  const nics = host.physicalNics.map((pf) => nicRow(pf, counts));
  return {
    id: host.id,
    name: host.name,
    clusterId: host.clusterId,
    clusterName: host.cluster.name,
    zoneName: host.cluster.zone.name,
    agentUrl: host.agentUrl,
    connectionState: host.connectionState,
    connectionReason: host.connectionReason,
    lastSeenAt: host.lastSeenAt,
    cpuCount: host.cpuCount,
    memoryMiB: host.memoryMiB,
    iommu: iommuReadiness(host),
    maintenance: host.maintenance,
    maintenanceSince: host.maintenanceSince,
    pfCount: nics.length,
    vfTotal: nics.reduce((sum, nic) => sum + nic.vfTotal, 0),
    vfAvailable: nics.reduce((sum, nic) => sum + nic.vfAvailable, 0),
    pciAssignable: host.pciDevices.length,
    pciHeld: host.pciDevices.filter((device) => device.heldBy !== null).length,
    createdAt: host.createdAt,
  };
}

/** Hosts by name, creation or connection state, a keyset page at a time (name search: trigram index). */
export async function listHosts(
  db: Db,
  actor: Actor,
  rawInput: ListHostsInput,
): Promise<Page<HostSummary>> {
  requireInventoryReader(actor);
  const input = listHostsInput.parse(rawInput);
  const keyset: Keyset = {
    field: input.sort,
    order: input.order,
    date: input.sort === "createdAt",
    ...(input.sort === "connectionState" ? { values: Object.values(HostConnectionState) } : {}),
  };
  const where: Prisma.HostWhereInput = {
    ...(input.search ? { name: { contains: likeLiteral(input.search), mode: "insensitive" } } : {}),
    ...(input.clusterId ? { clusterId: input.clusterId } : {}),
    ...(input.connectionState ? { connectionState: input.connectionState } : {}),
  };
  const search = input.search ? await searchPage(db, input, keyset) : null;
  const [rows, total] = await Promise.all([
    db.host.findMany({
      where: search
        ? { id: { in: search.ids } }
        : { AND: [where, keysetWhere<Prisma.HostWhereInput>(input, keyset)] },
      include: hostInclude,
      orderBy: keysetOrder<Prisma.HostOrderByWithRelationInput>(keyset),
      take: keysetTake(input),
    }),
    keysetTotal(input, keyset, async (take) => search?.matches ?? db.host.count({ where, take })),
  ]);
  const counts = await vfCountsByPf(
    db,
    rows.slice(0, input.limit).flatMap((row) => row.physicalNics.map((pf) => pf.id)),
  );
  return keysetPage(
    rows,
    input,
    total,
    (row) => summary(row, counts),
    (row) => row[input.sort],
  );
}

/**
 * A name search's page: the ids of its rows and how many hosts match, or null when more than
 * TOTAL_CAP do. Asked for a page by name, Postgres walks the name index and filters each host until
 * the page is full, which is the whole fleet for a selective search (the planner guesses that 1% of
 * the rows match a substring, and cannot know where in the order they are). Here the trigram index
 * finds the matches on their own, at most TOTAL_CAP + 1 of them, and only those are sorted. A
 * search matching more is not selective, and the walk fills a page of it quickly.
 */
async function searchPage(
  db: Db,
  input: ReturnType<typeof listHostsInput.parse>,
  keyset: Keyset,
): Promise<{ ids: string[]; matches: number } | null> {
  const column = Prisma.raw(`"${keyset.field}"`);
  const direction = Prisma.raw(keyset.order === "asc" ? "ASC" : "DESC");
  const position = keysetPosition(input, keyset);
  const at = position?.value;
  // Prisma keeps timestamps as UTC in columns without a zone.
  const value =
    at instanceof Date
      ? Prisma.sql`(${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')`
      : keyset.field === "connectionState"
        ? Prisma.sql`${at}::"HostConnectionState"`
        : Prisma.sql`${at}`;
  const after = position
    ? Prisma.sql`(m.${column}, m.id) ${Prisma.raw(keyset.order === "asc" ? ">" : "<")} (${value}, ${position.id}::uuid)`
    : Prisma.sql`true`;
  const rows = await db.$queryRaw<Array<{ id: string; matches: number }>>`
    WITH m AS MATERIALIZED (
      SELECT id, name, "createdAt", "connectionState" FROM "Host"
      WHERE name ILIKE ${`%${likeLiteral(input.search ?? "")}%`}
        ${input.clusterId ? Prisma.sql`AND "clusterId" = ${input.clusterId}::uuid` : Prisma.empty}
        ${input.connectionState ? Prisma.sql`AND "connectionState" = ${input.connectionState}::"HostConnectionState"` : Prisma.empty}
      LIMIT ${TOTAL_CAP + 1}
    )
    SELECT m.id::text AS id, (SELECT count(*) FROM m)::int AS matches FROM m
    WHERE ${after}
    ORDER BY m.${column} ${direction}, m.id ${direction}
    LIMIT ${keysetTake(input)}`;
  const matches = rows[0]?.matches ?? 0;
  if (matches > TOTAL_CAP) return null;
  return { ids: rows.map((row) => row.id), matches };
}

export async function getHost(db: Db, actor: Actor, hostId: string): Promise<HostDetail> {
  requireInventoryReader(actor);
  const host = await db.host.findUnique({ where: { id: hostId }, include: hostInclude });
  if (!host) throw notFound("Host", hostId);
  const pfIds = host.physicalNics.map((pf) => pf.id);
  const [stateRows, active, inUse, vmCount, vfsInUse, allocation] = await Promise.all([
    vfStateCounts(db, pfIds),
    activeOperationsByTarget(db, [host.id, ...pfIds]),
    vfsInUseByPf(db, pfIds),
    db.vm.count({ where: { hostId } }),
    hostVfsInUse(db, hostId),
    hostAllocation(db, hostId),
  ]);
  const states = vfStatesByPf(stateRows);
  const counts = new Map<string, VfCounts>(
    [...states].map(([pfId, byState]) => [
      pfId,
      {
        total: byState.Available + byState.Reserved + byState.Attached + byState.Releasing,
        available: byState.Available,
      },
    ]),
  );
  const hostOperation = active.get(host.id) ?? null;
  const anyOperation = hostOperation ?? pfIds.flatMap((id) => active.get(id) ?? [])[0] ?? null;
  return {
    ...summary(host, counts),
    actions: hostActions({
      host,
      hostOperation,
      activeOperation: anyOperation,
      vms: vmCount,
      vfsInUse,
    }),
    vmCount,
    allocation,
    agentVersion: host.agentVersion,
    agentBackend: host.agentBackend,
    cpuModel: host.cpuModel,
    cpuVirtualization: host.cpuVirtualization,
    iommuEnabled: host.iommuEnabled,
    iommuKernelArgSet: host.iommuKernelArgSet,
    iommuActive: host.iommuActive,
    interruptRemapping: host.interruptRemapping,
    allowUnsafeInterrupts: host.allowUnsafeInterrupts,
    rebootRequired: host.rebootRequired,
    nics: host.physicalNics.map((pf) => ({
      ...nicRow(pf, counts),
      actions: pfActions({
        pf: { ...pf, name: pfLabel(pf) },
        host,
        activeOperation: active.get(pf.id) ?? hostOperation,
        vfsInUse: inUse.get(pf.id) ?? 0,
      }),
      vfStates: states.get(pf.id) ?? emptyStates(),
    })),
  };
}
