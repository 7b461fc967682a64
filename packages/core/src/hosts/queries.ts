import { z } from "zod";
import {
  HostConnectionState,
  Prisma,
  queryRows,
  type Db,
  type VfState,
  type VirtualizationState,
} from "@virtfn/db";
import { requireInventoryReader, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
import {
  keysetTotal,
  keysetPage,
  keysetTake,
  keysetPosition,
  keysetValuesAfter,
  TOTAL_CAP,
  type Keyset,
  type Page,
} from "../shared/pagination";
import { hostAllocation, type HostAllocation } from "./allocation";
import { readHosts, vfCountsOf, type HostPfRow, type HostRow } from "./host-read";
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

function nicRow(pf: HostPfRow): NicRow {
  const vf = vfCountsOf(pf.vfStates);
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

function summary(host: HostRow): HostSummary {
  const nics = host.physicalNics.map(nicRow);
  return {
    id: host.id,
    name: host.name,
    clusterId: host.clusterId,
    clusterName: host.clusterName,
    zoneName: host.zoneName,
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
    pciAssignable: host.pciAssignable,
    pciHeld: host.pciHeld,
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
  const filters = hostFilters(input);
  const search = input.search ? await searchPage(db, input, keyset) : null;
  const direction = Prisma.raw(keyset.order === "asc" ? "ASC" : "DESC");
  const [rows, total] = await Promise.all([
    readHosts(
      db,
      search
        ? Prisma.sql`h.id = ANY(${search.ids}::uuid[])`
        : Prisma.sql`${filters} AND ${keysetCondition(input, keyset)}`,
      Prisma.sql`h.${Prisma.raw(`"${keyset.field}"`)} ${direction}, h.id ${direction}`,
      keysetTake(input),
    ),
    keysetTotal(input, keyset, async (take) => search?.matches ?? countHosts(db, filters, take)),
  ]);
  return keysetPage(rows, input, total, summary, (row) => row[input.sort]);
}

/** The list's filters as a condition on `h`, a "Host" row. */
function hostFilters(input: ReturnType<typeof listHostsInput.parse>): Prisma.Sql {
  const conditions = [
    input.search ? Prisma.sql`h.name ILIKE ${`%${likeLiteral(input.search)}%`}` : null,
    input.clusterId ? Prisma.sql`h."clusterId" = ${input.clusterId}::uuid` : null,
    input.connectionState
      ? Prisma.sql`h."connectionState" = ${input.connectionState}::"HostConnectionState"`
      : null,
  ].filter((condition) => condition !== null);
  return conditions.length > 0 ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
}

/** The hosts the filters select, at most `take` of them. */
async function countHosts(db: Db, filters: Prisma.Sql, take: number): Promise<number> {
  const rows = await queryRows(
    db,
    Prisma.sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM "Host" h WHERE ${filters} LIMIT ${take}) c`,
  );
  return (
    z
      .array(z.object({ n: z.number().int() }))
      .length(1)
      .parse(rows)[0]?.n ?? 0
  );
}

/** A sort value of the keyset as SQL: a timestamp as UTC, a connection state as its enum. */
function keyValue(
  keyset: Keyset,
  value: NonNullable<ReturnType<typeof keysetPosition>>["value"],
): Prisma.Sql {
  // Prisma keeps timestamps as UTC in columns without a zone.
  if (value instanceof Date)
    return Prisma.sql`(${value.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  // A state the enum lacks would fail the cast in Postgres: refused as a forged cursor first.
  if (keyset.values) keysetValuesAfter(keyset, value);
  if (keyset.field === "connectionState") return Prisma.sql`${value}::"HostConnectionState"`;
  return Prisma.sql`${value}`;
}

/**
 * The rows after the cursor, as keysetWhere has them (shared/pagination.ts), over `h`: the sort
 * value past the cursor's, or equal with the id past its id.
 */
function keysetCondition(
  input: ReturnType<typeof listHostsInput.parse>,
  keyset: Keyset,
): Prisma.Sql {
  const position = keysetPosition(input, keyset);
  if (!position) return Prisma.sql`TRUE`;
  const column = Prisma.raw(`h."${keyset.field}"`);
  const strict = Prisma.raw(keyset.order === "asc" ? ">" : "<");
  const loose = Prisma.raw(keyset.order === "asc" ? ">=" : "<=");
  const value = keyValue(keyset, position.value);
  const id = Prisma.sql`${position.id}::uuid`;
  if (keyset.values) {
    // keysetWhere: the states after this one in the enum's order, or this one past the id.
    const after = keysetValuesAfter(keyset, position.value);
    return Prisma.sql`(${column} = ANY(${after}::"HostConnectionState"[]) OR (${column} = ${value} AND h.id ${strict} ${id}))`;
  }
  return Prisma.sql`(${column} ${loose} ${value} AND (${column} ${strict} ${value} OR h.id ${strict} ${id}))`;
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
  const after = position
    ? Prisma.sql`(m.${column}, m.id) ${Prisma.raw(keyset.order === "asc" ? ">" : "<")} (${keyValue(keyset, position.value)}, ${position.id}::uuid)`
    : Prisma.sql`true`;
  const found = await queryRows(
    db,
    Prisma.sql`
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
    LIMIT ${keysetTake(input)}`,
  );
  const rows = z.array(z.object({ id: z.string(), matches: z.number().int() })).parse(found);
  const matches = rows[0]?.matches ?? 0;
  if (matches > TOTAL_CAP) return null;
  return { ids: rows.map((row) => row.id), matches };
}

export async function getHost(db: Db, actor: Actor, hostId: string): Promise<HostDetail> {
  requireInventoryReader(actor);
  const [host] = await readHosts(db, Prisma.sql`h.id = ${hostId}::uuid`, Prisma.sql`h.id`, 1);
  if (!host) throw notFound("Host", hostId);
  const pfIds = host.physicalNics.map((pf) => pf.id);
  const [active, inUse, allocation] = await Promise.all([
    activeOperationsByTarget(db, [host.id, ...pfIds]),
    vfsInUseByPf(db, pfIds),
    hostAllocation(db, hostId),
  ]);
  // What hostVfsInUse (hosts/commands.ts) sums, from the states already read.
  const vfsInUse = host.physicalNics.reduce(
    (sum, pf) => sum + pf.vfStates.Reserved + pf.vfStates.Attached,
    0,
  );
  const hostOperation = active.get(host.id) ?? null;
  const anyOperation = hostOperation ?? pfIds.flatMap((id) => active.get(id) ?? [])[0] ?? null;
  return {
    ...summary(host),
    actions: hostActions({
      host,
      hostOperation,
      activeOperation: anyOperation,
      vms: host.vmCount,
      vfsInUse,
    }),
    vmCount: host.vmCount,
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
      ...nicRow(pf),
      actions: pfActions({
        pf: { ...pf, name: pfLabel(pf) },
        host,
        activeOperation: active.get(pf.id) ?? hostOperation,
        vfsInUse: inUse.get(pf.id) ?? 0,
      }),
      vfStates: pf.vfStates,
    })),
  };
}
