import { Prisma, type DbOrTx, type HostConnectionState, type Tx } from "@virtfn/db";
import { iommuReadiness, MAINTENANCE_REASON } from "../hosts/rules";
import { resolveInterface } from "../sriov/availability";
import { poolFacts } from "../sriov/pools-queries";
import type { PlacementPool } from "../sriov/pools-placement";

// Placement: a pure ranking over facts, and one query that gathers them.

export interface PlacementPf {
  id: string;
  name: string;
  bondName: string | null;
  availableVfs: number;
  /** A pf.* operation (split, restore) is pending or running on it: its VFs are not handed out. */
  busy?: boolean;
  /** The NUMA node of the PF; null or absent when unknown (vms/numa.ts). */
  numaNode?: number | null;
  /** Its VF pools with their free VFs; null or absent when it has none (sriov/pools.ts). */
  pools?: PlacementPool[] | null;
}

/** A NUMA node of a host with what the VMs placed on that node use of it (vms/numa.ts). */
export interface PlacementNumaNode {
  id: number;
  cpuCount: number;
  memoryMiB: number;
  usedVcpus: number;
  usedMemoryMiB: number;
}

export interface PlacementHost {
  id: string;
  name: string;
  clusterId: string;
  connectionState: HostConnectionState;
  iommuEnabled: boolean;
  iommuKernelArgSet: boolean;
  iommuActive: boolean;
  rebootRequired: boolean;
  cpuCount: number;
  memoryMiB: number;
  usedVcpus: number;
  usedMemoryMiB: number;
  physicalNics: PlacementPf[];
  /** In maintenance: no new placements (hosts/rules.ts checkAcceptsPlacements). Absent: false. */
  maintenance?: boolean;
  /** Absent or null when the host reports no NUMA nodes. */
  numaNodes?: PlacementNumaNode[] | null;
}

export interface PlacementNetwork {
  l2Id: string;
  physicalInterface: string;
  clusterIds: ReadonlySet<string>;
}

export interface PlacementDemand {
  vcpus: number;
  memoryMiB: number;
  networks: PlacementNetwork[];
  /** VF NICs wanted per L2 id. */
  vfsByL2: ReadonlyMap<string, number>;
}

export interface Placement {
  /** Hosts that can run the VM, best first; VFs are only certain once reserved. */
  eligible: PlacementHost[];
  /** Why every other host was left out, for the NO_HOST_AVAILABLE message. */
  rejected: Array<{ host: string; reason: string }>;
}

export function freeVfsFor(host: PlacementHost, physicalInterface: string): number {
  return resolveInterface(host.physicalNics, physicalInterface).reduce(
    (sum, pf) => sum + pf.availableVfs,
    0,
  );
}

function rejection(host: PlacementHost, demand: PlacementDemand): string | null {
  const missing = demand.networks.find((network) => !network.clusterIds.has(host.clusterId));
  if (missing) return "its cluster is not attached to every L2 of the VM";
  if (host.maintenance === true) return MAINTENANCE_REASON;
  if (host.connectionState !== "Connected") return `it is ${host.connectionState.toLowerCase()}`;
  if (demand.vfsByL2.size > 0 && iommuReadiness(host).state !== "ready")
    return "its IOMMU is not ready for VF NICs";
  if (host.usedVcpus + demand.vcpus > host.cpuCount) {
    return `not enough CPU (${host.cpuCount - host.usedVcpus} of ${host.cpuCount} vCPUs free, ${demand.vcpus} needed)`;
  }
  if (host.usedMemoryMiB + demand.memoryMiB > host.memoryMiB) {
    return `not enough memory (${host.memoryMiB - host.usedMemoryMiB} MiB free, ${demand.memoryMiB} needed)`;
  }
  return null;
}

/**
 * Hosts that fit CPU, memory, networks and IOMMU. Hosts whose counted free VFs cover the demand
 * come first, then the emptiest; the rest stay in the list, because counts are only a hint and
 * the reservation decides.
 */
export function rankHosts(hosts: PlacementHost[], demand: PlacementDemand): Placement {
  const eligible: PlacementHost[] = [];
  const rejected: Placement["rejected"] = [];
  for (const host of hosts) {
    const reason = rejection(host, demand);
    if (reason) rejected.push({ host: host.name, reason });
    else eligible.push(host);
  }
  const vfsCovered = (host: PlacementHost) =>
    demand.networks.every(
      (network) =>
        freeVfsFor(host, network.physicalInterface) >= (demand.vfsByL2.get(network.l2Id) ?? 0),
    );
  const freeMemory = (host: PlacementHost) => host.memoryMiB - host.usedMemoryMiB;
  eligible.sort(
    (a, b) =>
      Number(vfsCovered(b)) - Number(vfsCovered(a)) ||
      freeMemory(b) - freeMemory(a) ||
      a.name.localeCompare(b.name),
  );
  return { eligible, rejected };
}

/** States whose VMs occupy CPU and memory on their host. */
export const OCCUPYING_STATES = [
  "Creating",
  "Starting",
  "Running",
  "Stopping",
  "Rebooting",
  "Migrating",
  "Deleting",
] as const;

interface HostFactRow {
  id: string;
  name: string;
  clusterId: string;
  connectionState: HostConnectionState;
  iommuEnabled: boolean;
  iommuKernelArgSet: boolean;
  iommuActive: boolean;
  rebootRequired: boolean;
  maintenance: boolean;
  cpuCount: number;
  memoryMiB: number;
  usedVcpus: number;
  usedMemoryMiB: number;
  numaNodes: PlacementNumaNode[] | null;
}

interface PfFactRow extends PlacementPf {
  hostId: string;
}

const uuids = (ids: string[]) => Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`));
const occupying = Prisma.join(OCCUPYING_STATES.map((state) => Prisma.sql`${state}::"VmState"`));

/**
 * Inbound claims (a live migration's claim on its destination: vCPUs and memory, and a node for
 * a node-bound run) are one SQL definition, virtfn_inbound_claims (migration
 * 20261207010000_inbound_claims_one_definition), which the locked re-check (virtfn_reserve_locked,
 * virtfn_reserve_numa) uses too: the snapshot and the re-check cannot count differently.
 */
/**
 * The facts rankHosts needs, for hosts in the given clusters (or these hosts). Two queries that
 * count and sum in SQL: the cost grows with hosts and PFs, not with the VMs and VFs they hold.
 */
export async function placementHosts(
  db: DbOrTx,
  where: { clusterIds?: string[]; hostIds?: string[] },
): Promise<PlacementHost[]> {
  if (where.clusterIds?.length === 0 || where.hostIds?.length === 0) return [];
  const conditions = [
    ...(where.clusterIds ? [Prisma.sql`h."clusterId" IN (${uuids(where.clusterIds)})`] : []),
    ...(where.hostIds ? [Prisma.sql`h.id IN (${uuids(where.hostIds)})`] : []),
  ];
  const filter = conditions.length > 0 ? Prisma.join(conditions, " AND ") : Prisma.sql`true`;
  const hostQuery = () =>
    db.$queryRaw<HostFactRow[]>`
      SELECT h.id, h.name, h."clusterId", h."connectionState"::text AS "connectionState",
             h."iommuEnabled", h."iommuKernelArgSet", h."iommuActive", h."rebootRequired",
             h.maintenance, h."cpuCount", h."memoryMiB",
             COALESCE(u.vcpus, 0)::int AS "usedVcpus", COALESCE(u.memory, 0)::int AS "usedMemoryMiB",
             -- Per node, what the VMs placed on it use; only for hosts that report NUMA nodes.
             CASE WHEN h."numaTopology" IS NOT NULL THEN (
               SELECT jsonb_agg(jsonb_build_object(
                        'id', (n->>'id')::int, 'cpuCount', (n->>'cpuCount')::int,
                        'memoryMiB', (n->>'memoryMiB')::int,
                        'usedVcpus', COALESCE(nu.vcpus, 0), 'usedMemoryMiB', COALESCE(nu.memory, 0))
                        ORDER BY (n->>'id')::int)
               FROM jsonb_array_elements(h."numaTopology") AS n
               LEFT JOIN LATERAL (
                 SELECT sum(o.vcpus)::int AS vcpus, sum(o."memoryMiB")::int AS memory
                 FROM "Vm" v JOIN "InstanceOffering" o ON o.id = v."offeringId"
                 -- A union, not an OR, for the reason given for u below.
                 WHERE v.id IN (
                   SELECT p.id FROM "Vm" p
                   WHERE p."hostId" = h.id AND p."numaNode" = (n->>'id')::int
                     AND p.state IN (${occupying})
                   UNION
                   -- A live migration's destination node, claimed with its VFs (migrate.ts).
                   SELECT c."vmId" FROM virtfn_inbound_claims(h.id) c
                   WHERE c."numaNode" = (n->>'id')::int)
               ) nu ON true) END AS "numaNodes"
      FROM "Host" h
      LEFT JOIN LATERAL (
        SELECT sum(o.vcpus) AS vcpus, sum(o."memoryMiB") AS memory
        FROM "Vm" v JOIN "InstanceOffering" o ON o.id = v."offeringId"
        -- A union of ids rather than an OR of the conditions: with the OR, Postgres reads
        -- every VM of the fleet for each host; each side of the union reads one host's rows.
        WHERE v.id IN (
          SELECT p.id FROM "Vm" p WHERE p."hostId" = h.id AND p.state IN (${occupying})
          UNION
          -- Live migrations heading here, with or without VF NICs, until the VM is there.
          SELECT c."vmId" FROM virtfn_inbound_claims(h.id) c)
      ) u ON true
      WHERE ${filter}
      ORDER BY h.name`;
  const pfQuery = () =>
    db.$queryRaw<PfFactRow[]>`
      SELECT pf.id, pf."hostId", pf.name, pf."bondName", pf."numaNode",
             -- From the running counts (sriov/capacity.ts), not one row per VF.
             COALESCE((SELECT sum(c.n) FROM "VfStateCount" c
                       WHERE c."pfId" = pf.id AND c.state = 'Available'), 0)::int AS "availableVfs",
             EXISTS (SELECT 1 FROM "Operation" op
                     WHERE op."targetType" = 'PhysicalNic' AND op."targetId" = pf.id::text
                       AND op.status IN ('Pending', 'Running')) AS busy,
             ${poolFacts}
      FROM "PhysicalNic" pf JOIN "Host" h ON h.id = pf."hostId"
      WHERE ${filter}
      ORDER BY pf.name`;
  // A transaction has one connection: its queries go one after the other.
  const inTransaction = !("$transaction" in db);
  const [hosts, pfs] = inTransaction
    ? [await hostQuery(), await pfQuery()]
    : await Promise.all([hostQuery(), pfQuery()]);
  const byHost = new Map<string, PlacementPf[]>();
  for (const { hostId, ...pf } of pfs) {
    const list = byHost.get(hostId) ?? [];
    list.push(pf);
    byHost.set(hostId, list);
  }
  return hosts.map((host) => ({ ...host, physicalNics: byHost.get(host.id) ?? [] }));
}

/**
 * Locks a host's row and re-checks its CPU and memory with what is committed now. Placements
 * on one host then run one after another, so concurrent creates cannot overcommit it; the
 * lock lasts until the caller's transaction (or savepoint) ends.
 */
export async function recheckHostUnderLock(
  tx: Tx,
  hostId: string,
  demand: Pick<PlacementDemand, "vcpus" | "memoryMiB">,
): Promise<string | null> {
  // NO KEY UPDATE: it still serializes placements, but not against inserts that merely
  // reference the host (a VM row's foreign key takes KEY SHARE).
  await tx.$queryRaw`SELECT id FROM "Host" WHERE id = ${hostId}::uuid FOR NO KEY UPDATE`;
  const [fresh] = await placementHosts(tx, { hostIds: [hostId] });
  if (!fresh) return "it no longer exists";
  // Under the lock, so a host that entered maintenance since the caller's check takes nothing.
  if (fresh.maintenance === true) return MAINTENANCE_REASON;
  if (fresh.usedVcpus + demand.vcpus > fresh.cpuCount) {
    return `not enough CPU (${fresh.cpuCount - fresh.usedVcpus} of ${fresh.cpuCount} vCPUs free, ${demand.vcpus} needed)`;
  }
  if (fresh.usedMemoryMiB + demand.memoryMiB > fresh.memoryMiB) {
    return `not enough memory (${fresh.memoryMiB - fresh.usedMemoryMiB} MiB free, ${demand.memoryMiB} needed)`;
  }
  return null;
}
