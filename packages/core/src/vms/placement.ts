import { Prisma, queryRows, type DbOrTx, type VfNumaPolicy } from "@virtfn/db";
import { z } from "zod";
import { iommuReadiness, MAINTENANCE_REASON } from "../hosts/rules";
import { DomainError, ErrorCode } from "../shared/errors";
import { resolveInterface } from "../sriov/availability";
import { openVfs, poolNote } from "../sriov/pools-placement";
import { numaVerdict, wantsNumaNode } from "./numa";
import type { ReservedVf } from "./reserve";
import type { PlacementHost } from "./scheduler";

// Placement for creates that scales out: hosts are judged on a snapshot read outside any lock,
// concurrent creates spread at random (power of two choices, or a shuffle of the best few), and
// the section that holds a host's lock is one statement: lock host and PFs, re-check, reserve.

/** Why a host cannot take the VM, in the order placement checks them. */
export type HostRefusal =
  | "cluster"
  | "maintenance"
  | "disconnected"
  | "iommu"
  | "capacity"
  | "interface"
  | "pfBusy"
  | "noFreeVf"
  | "numa";

const STAGE: Record<HostRefusal, number> = {
  cluster: 0,
  disconnected: 1,
  iommu: 2,
  capacity: 3,
  interface: 4,
  pfBusy: 5,
  noFreeVf: 6,
  // The host has every VF, CPU and memory, only not on one NUMA node.
  numa: 7,
  // The host could take the VM but an admin put it in maintenance: the furthest a host gets, so
  // the error says maintenance when that is what stands in the way, and not when it is not.
  maintenance: 8,
};

export interface HostReason {
  name: string;
  reason: string;
  kind: HostRefusal;
  /** For interface, pfBusy and noFreeVf: the L3 whose VF NIC could not be served. */
  l3?: string;
  /** How many of the VM's networks the host could serve before this one: ties go to the higher. */
  served?: number;
}

/** A network the VM needs, with the VF NICs it wants there. */
export interface VfNetwork {
  l2Id: string;
  l3Name: string;
  physicalInterface: string;
  clusterIds: ReadonlySet<string>;
  vfs: number;
}

export interface CreateDemand {
  vcpus: number;
  memoryMiB: number;
  networks: VfNetwork[];
  /** The offering's NUMA policy for VF NICs (vms/numa.ts); absent means none. */
  numaPolicy?: VfNumaPolicy;
  /** The VM's project: VF pools that name projects serve only theirs (sriov/pools.ts). */
  projectId?: string;
}

function refuse(
  host: PlacementHost,
  kind: HostRefusal,
  reason: string,
  l3?: string,
  served = 0,
): HostReason {
  return { name: host.name, kind, reason, served, ...(l3 ? { l3 } : {}) };
}

export function capacityReason(
  host: Pick<PlacementHost, "cpuCount" | "memoryMiB" | "usedVcpus" | "usedMemoryMiB">,
  demand: { vcpus: number; memoryMiB: number },
): string | null {
  if (host.usedVcpus + demand.vcpus > host.cpuCount) {
    return `not enough CPU (${Math.max(0, host.cpuCount - host.usedVcpus)} of ${host.cpuCount} vCPUs free, ${demand.vcpus} needed)`;
  }
  if (host.usedMemoryMiB + demand.memoryMiB > host.memoryMiB) {
    return `not enough memory (${Math.max(0, host.memoryMiB - host.usedMemoryMiB)} MiB free, ${demand.memoryMiB} needed)`;
  }
  return null;
}

/** The PFs an L2's interface resolves to on this host that no split or restore is busy with. */
export function usablePfs(host: PlacementHost, physicalInterface: string) {
  return resolveInterface(host.physicalNics, physicalInterface).filter((pf) => pf.busy !== true);
}

/**
 * Null when the host can take the VM by this snapshot, else the first reason it cannot. A host in
 * maintenance takes no new placement; it is judged on the rest first, so that its refusal says
 * maintenance only when nothing else stands in the way.
 */
export function judgeHost(host: PlacementHost, demand: CreateDemand): HostReason | null {
  const refusal = judgeFacts(host, demand);
  if (refusal === null && host.maintenance === true)
    return refuse(host, "maintenance", MAINTENANCE_REASON, undefined, demand.networks.length);
  return refusal;
}

function judgeFacts(host: PlacementHost, demand: CreateDemand): HostReason | null {
  if (demand.networks.some((network) => !network.clusterIds.has(host.clusterId)))
    return refuse(host, "cluster", "its cluster is not attached to every L2 of the VM");
  if (host.connectionState !== "Connected")
    return refuse(host, "disconnected", `it is ${host.connectionState.toLowerCase()}`);
  const wantsVfs = demand.networks.some((network) => network.vfs > 0);
  if (wantsVfs) {
    const iommu = iommuReadiness(host);
    if (iommu.state !== "ready") return refuse(host, "iommu", `IOMMU not ready: ${iommu.message}`);
  }
  const capacity = capacityReason(host, demand);
  if (capacity) return refuse(host, "capacity", capacity);
  for (const [served, network] of demand.networks.entries()) {
    if (network.vfs === 0) continue;
    const pfs = resolveInterface(host.physicalNics, network.physicalInterface);
    if (pfs.length === 0) {
      return refuse(
        host,
        "interface",
        `no interface ${network.physicalInterface} for L3 ${network.l3Name}`,
        network.l3Name,
        served,
      );
    }
    const usable = pfs.filter((pf) => pf.busy !== true);
    if (usable.length === 0) {
      return refuse(
        host,
        "pfBusy",
        `${pfs.map((pf) => pf.name).join(", ")} busy with a split or restore`,
        network.l3Name,
        served,
      );
    }
    const free = openVfs(usable, network.l2Id, demand.projectId);
    if (free < network.vfs) {
      return refuse(
        host,
        "noFreeVf",
        `SR-IOV enabled, ${free} free VF(s) on ${network.physicalInterface} for L3 ${network.l3Name}, ${network.vfs} needed${poolNote(usable, network.l2Id, demand.projectId)}`,
        network.l3Name,
        served,
      );
    }
  }
  // Last, so that a host is refused for NUMA only when it has everything else.
  if (demand.numaPolicy === "required" && wantsNumaNode(demand)) {
    const verdict = numaVerdict(host, demand);
    if (verdict.node === null) {
      const l3 = demand.networks.find((network) => network.vfs > 0)?.l3Name;
      return refuse(host, "numa", verdict.reason, l3, demand.networks.length);
    }
  }
  return null;
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Share of the host left after placing the VM: the emptier, the better. */
function headroom(host: PlacementHost, demand: CreateDemand): number {
  const cpu =
    host.cpuCount > 0 ? (host.cpuCount - host.usedVcpus - demand.vcpus) / host.cpuCount : 0;
  const memory =
    host.memoryMiB > 0
      ? (host.memoryMiB - host.usedMemoryMiB - demand.memoryMiB) / host.memoryMiB
      : 0;
  return Math.min(cpu, memory);
}

/**
 * The order to try qualifying hosts in: a random shuffle of the best few (by headroom), then
 * the rest by headroom. Concurrent creates read the same snapshot; if they all took "the best"
 * host, they would queue on its lock one after the other. Spread over the best few, they run side
 * by side, and still fill emptier hosts first.
 */
export function tryOrder(hosts: PlacementHost[], demand: CreateDemand): PlacementHost[] {
  const ranked = shuffle(hosts)
    .map((host) => ({ host, score: headroom(host, demand) }))
    .sort((a, b) => b.score - a.score)
    .map((entry) => entry.host);
  const few = Math.min(ranked.length, Math.max(4, Math.ceil(ranked.length / 4)));
  return [...shuffle(ranked.slice(0, few)), ...ranked.slice(few)];
}

/**
 * The error when no host took the VM. The code follows the host that got furthest through the
 * checks (a host with no free VF got further than one without IOMMU), and details list every host
 * with its reason, so "no VF" is said only when VFs are what is missing.
 */
export function placementError(reasons: HostReason[], demandL3: string | null): DomainError {
  const hosts = reasons.map(({ name, reason }) => ({ name, reason }));
  const details = { hosts, hostsTried: reasons.map((r) => r.name) };
  const furthest = reasons.reduce<HostReason | null>(
    (best, r) =>
      best === null ||
      STAGE[r.kind] > STAGE[best.kind] ||
      (STAGE[r.kind] === STAGE[best.kind] && (r.served ?? 0) > (best.served ?? 0))
        ? r
        : best,
    null,
  );
  const list = hosts.map((h) => `${h.name}: ${h.reason}`).join("; ");
  const l3 = furthest?.l3 ?? demandL3 ?? "?";
  switch (furthest?.kind) {
    case "numa":
      return new DomainError(
        ErrorCode.NO_NUMA_NODE_AVAILABLE,
        "CONFLICT",
        `No host has one NUMA node with the VFs, vCPUs and memory this VM needs (${list}).`,
        { l3, policy: "required", ...details },
      );
    case "noFreeVf":
      return new DomainError(ErrorCode.NO_VF_AVAILABLE, "CONFLICT", `no available VF on L3 ${l3}`, {
        l3,
        ...details,
      });
    case "pfBusy":
      return new DomainError(
        ErrorCode.PF_BUSY,
        "CONFLICT",
        `The PFs that serve L3 ${l3} are busy with a split or restore; try again when it finishes (${list}).`,
        { l3, ...details },
      );
    case "interface":
      return new DomainError(
        ErrorCode.NO_SUCH_INTERFACE,
        "CONFLICT",
        `No host has the interface of L3 ${l3} (${list}).`,
        { l3, ...details },
      );
    case "maintenance":
      return new DomainError(
        ErrorCode.HOST_IN_MAINTENANCE,
        "CONFLICT",
        `The hosts that could run this VM are in maintenance (${list}).`,
        details,
      );
    case "iommu":
      return new DomainError(
        ErrorCode.IOMMU_NOT_READY,
        "CONFLICT",
        `No host with IOMMU ready can take VF NICs (${list}).`,
        details,
      );
    default:
      return new DomainError(
        ErrorCode.NO_HOST_AVAILABLE,
        "CONFLICT",
        `No host can run this VM: ${list || "there are no hosts"}.`,
        { ...details, rejected: reasons.map(({ name, reason }) => ({ host: name, reason })) },
      );
  }
}

/**
 * Power of two choices: of two qualifying hosts drawn at random, the one with more headroom.
 * Concurrent creates then land all over the fleet (no queue on "the best" host) while emptier
 * hosts still fill first on average.
 */
export function pickHost(hosts: PlacementHost[], demand: CreateDemand): PlacementHost | null {
  if (hosts.length === 0) return null;
  const draw = () => hosts[Math.floor(Math.random() * hosts.length)] as PlacementHost;
  const [a, b] = [draw(), draw()];
  return headroom(b, demand) > headroom(a, demand) ? b : a;
}

/** Random draws pickQualifyingHost makes before it judges every host instead. */
const QUALIFYING_DRAWS = 8;

/**
 * pickHost over the hosts that qualify (judgeHost null), judging only the hosts it draws: each
 * draw that qualifies is a uniform draw among the qualifying hosts, so two of them are what
 * pickHost(qualifying) draws, at two or three judgments per create instead of one per host (the
 * fast path of createVm, bench placement: 64 hosts judged per create). When draws keep landing
 * on hosts that do not qualify (a nearly full fleet), it judges every host, as before.
 */
export function pickQualifyingHost(
  hosts: PlacementHost[],
  demand: CreateDemand,
): PlacementHost | null {
  const drawn: PlacementHost[] = [];
  for (let draw = 0; draw < QUALIFYING_DRAWS && drawn.length < 2 && hosts.length > 0; draw += 1) {
    const host = hosts[Math.floor(Math.random() * hosts.length)] as PlacementHost;
    if (judgeHost(host, demand) === null) drawn.push(host);
  }
  const [a, b] = drawn;
  if (a === undefined || b === undefined)
    return pickHost(
      hosts.filter((host) => judgeHost(host, demand) === null),
      demand,
    );
  return headroom(b, demand) > headroom(a, demand) ? b : a;
}

/** VF NICs to serve on a host: the NIC's index and the network it is on. */
export interface VfRequest {
  index: number;
  network: VfNetwork;
}

export type LockedAttempt =
  { ok: true; reserved: Map<number, ReservedVf> } | { ok: false; refusal: HostReason };

const reservation = z.object({
  refusal: z
    .enum(["gone", "disconnected", "iommu", "capacity", "pfBusy", "noFreeVf", "numa"])
    .nullable(),
  connectionState: z.string().nullable(),
  cpuCount: z.number().nullable(),
  memoryMiB: z.number().nullable(),
  usedVcpus: z.number().nullable(),
  usedMemoryMiB: z.number().nullable(),
  vfs: z.array(z.object({ id: z.string(), pciAddress: z.string(), pfId: z.string() })),
  /** From virtfn_reserve_numa: the node reserved on, and its figures when it refused. */
  node: z.number().nullish(),
  nodeCpuCount: z.number().nullish(),
  nodeMemoryMiB: z.number().nullish(),
  nodeUsedVcpus: z.number().nullish(),
  nodeUsedMemoryMiB: z.number().nullish(),
});
export type Reservation = z.infer<typeof reservation>;
export const reservationResult = reservation;

/** One reservation per VF network (or one with none, for CPU and memory), in NIC order. */
export interface ReservationCall {
  network: VfNetwork | null;
  pfIds: string[];
  want: number;
  /** Reserve on this NUMA node only (virtfn_reserve_numa); null or absent: anywhere. */
  numaNode?: number | null;
}

export function reservationCalls(
  host: PlacementHost,
  demand: CreateDemand,
  numaNode: number | null = null,
): ReservationCall[] {
  const calls = demand.networks
    .filter((network) => network.vfs > 0)
    .map((network) => ({
      network,
      // Every PF the interface resolves to (on the node, if any): the function leaves out the busy
      // ones with a fresh view.
      pfIds: resolveInterface(host.physicalNics, network.physicalInterface)
        .filter((pf) => numaNode === null || pf.numaNode === numaNode)
        .map((pf) => pf.id),
      want: network.vfs,
      numaNode,
    }));
  return calls.length > 0 ? calls : [{ network: null, pfIds: [], want: 0 }];
}

/**
 * The SQL of a locked reservation: CTEs `lock_host` (FOR NO KEY UPDATE, so inserts that only
 * reference the host do not conflict) and `lock_pfs` (FOR SHARE, in id order: host, then PFs, the
 * reconciler's order), then one `reserved_<i>` per call to virtfn_reserve_locked, which re-checks
 * with a fresh snapshot and reserves (see its migration). Each call after the first runs only if
 * the ones before reserved, and sees their VFs as Reserved. The caller appends what uses them.
 */
export function reservationCtes(
  host: PlacementHost,
  demand: Pick<CreateDemand, "vcpus" | "memoryMiB" | "projectId">,
  calls: ReservationCall[],
  guard: Prisma.Sql = Prisma.sql`true`,
): Prisma.Sql {
  const allPfs = [...new Set(calls.flatMap((call) => call.pfIds))];
  const reserved = calls.map((call, i) => {
    const args = Prisma.sql`(SELECT id FROM lock_host),
        ARRAY(SELECT id FROM lock_pfs WHERE id = ANY (${call.pfIds}::uuid[]) ORDER BY id),
        ${demand.vcpus}::int, ${demand.memoryMiB}::int, ${call.want}::int`;
    // The L2 and project the VFs are for: the function hands out only VFs their pools let through.
    const pool = Prisma.sql`${call.network?.l2Id ?? null}::uuid, ${demand.projectId ?? null}::uuid`;
    const name = Prisma.raw(`reserved_${i}`);
    const reserve =
      call.numaNode === undefined || call.numaNode === null
        ? Prisma.sql`virtfn_reserve_locked(${args}, ${pool})`
        : Prisma.sql`virtfn_reserve_numa(${args}, ${call.numaNode}::int, ${pool})`;
    // `guard` false: nothing is reserved and r is null (the caller found a reason first).
    if (i === 0)
      return Prisma.sql`${name} AS MATERIALIZED (
        SELECT CASE WHEN ${guard} THEN ${reserve} END AS r)`;
    const previous = Prisma.raw(`reserved_${i - 1}`);
    return Prisma.sql`${name} AS MATERIALIZED (
      SELECT CASE WHEN (SELECT r IS NOT NULL AND r->>'refusal' IS NULL FROM ${previous})
                  THEN ${reserve}
                  ELSE (SELECT r FROM ${previous}) END AS r)`;
  });
  // NOT maintenance is re-evaluated on the row as locked (READ COMMITTED re-checks a locked row's
  // WHERE on its newest version): a host that entered maintenance after the snapshot yields no
  // row, and the reservation refuses it as gone, changing nothing.
  return Prisma.sql`lock_host AS MATERIALIZED (
      SELECT id FROM "Host" WHERE id = ${host.id}::uuid AND NOT maintenance FOR NO KEY UPDATE),
    lock_pfs AS MATERIALIZED (
      SELECT id FROM "PhysicalNic"
      WHERE id = ANY (${allPfs}::uuid[]) AND "hostId" = (SELECT id FROM lock_host)
      ORDER BY id FOR SHARE),
    ${Prisma.join(reserved, ",\n    ")}`;
}

/** The verdict of the calls: the first refusal as a HostReason, else each VF NIC's VF. */
export function reservationOutcome(
  host: PlacementHost,
  demand: CreateDemand,
  requests: VfRequest[],
  calls: ReservationCall[],
  results: Reservation[],
): LockedAttempt {
  const reserved = new Map<number, ReservedVf>();
  for (const [i, result] of results.entries()) {
    const call = calls[i];
    if (!call) break;
    if (result.refusal) return { ok: false, refusal: refusal(host, demand, call, result) };
    const mine = requests.filter((request) => request.network.l2Id === call.network?.l2Id);
    mine.forEach((request, k) => {
      const vf = result.vfs[k];
      if (vf) reserved.set(request.index, vf);
    });
  }
  return { ok: true, reserved };
}

function refusal(
  host: PlacementHost,
  demand: CreateDemand,
  call: ReservationCall,
  result: Reservation,
): HostReason {
  const network = call.network;
  const served = network ? demand.networks.indexOf(network) : 0;
  switch (result.refusal) {
    case "gone":
      return refuse(host, "disconnected", `it no longer exists or ${MAINTENANCE_REASON}`);
    case "disconnected":
      return refuse(host, "disconnected", `it is ${(result.connectionState ?? "?").toLowerCase()}`);
    case "iommu":
      return refuse(host, "iommu", "IOMMU not ready: it is no longer active");
    case "capacity":
      return refuse(
        host,
        "capacity",
        capacityReason(
          {
            cpuCount: result.cpuCount ?? 0,
            memoryMiB: result.memoryMiB ?? 0,
            usedVcpus: result.usedVcpus ?? 0,
            usedMemoryMiB: result.usedMemoryMiB ?? 0,
          },
          demand,
        ) ?? "not enough CPU or memory",
      );
    case "numa": {
      const cpus = (result.nodeCpuCount ?? 0) - (result.nodeUsedVcpus ?? 0);
      const memory = (result.nodeMemoryMiB ?? 0) - (result.nodeUsedMemoryMiB ?? 0);
      return refuse(
        host,
        "numa",
        result.nodeCpuCount === null || result.nodeCpuCount === undefined
          ? `NUMA node ${result.node ?? "?"} is no longer reported`
          : `node${result.node ?? "?"} no longer has ${demand.vcpus} vCPUs and ${demand.memoryMiB} MiB free (${Math.max(0, cpus)} vCPUs, ${Math.max(0, memory)} MiB)`,
        network?.l3Name,
        served,
      );
    }
    case "pfBusy":
      return refuse(
        host,
        "pfBusy",
        `PFs for L3 ${network?.l3Name ?? "?"} busy with a split or restore`,
        network?.l3Name,
        served,
      );
    default:
      return refuse(
        host,
        "noFreeVf",
        `no free VF on ${network?.physicalInterface ?? "?"} for L3 ${network?.l3Name ?? "?"}`,
        network?.l3Name,
        served,
      );
  }
}

/**
 * The statement of reserveOnHost, as Prisma.Sql: WITH reservationCtes SELECT one jsonb per call.
 * Exported for the test that holds it equal to the cached one (reserveStatement).
 */
export function reserveSql(
  host: PlacementHost,
  demand: Pick<CreateDemand, "vcpus" | "memoryMiB" | "projectId">,
  calls: ReservationCall[],
): Prisma.Sql {
  const selects = calls.map((_, i) => Prisma.raw(`(SELECT r FROM reserved_${i}) AS r${i}`));
  return Prisma.sql`WITH ${reservationCtes(host, demand, calls)} SELECT ${Prisma.join(selects)}`;
}

/** A call's shape: whether it reserves on a NUMA node (virtfn_reserve_numa) or anywhere. */
const onNode = (call: ReservationCall) => call.numaNode !== undefined && call.numaNode !== null;

/**
 * reserveSql's text depends only on the shape of its calls (how many, which on a node), not on
 * their values: its parts are built once per shape and kept, and each call only lists its
 * values, in the order reserveSql puts them. Composing the nested Prisma.sql fragments on every
 * reservation was a good part of Node's CPU per reservation under 64 callers (bench placement).
 */
const statementParts = new Map<string, readonly string[]>();

export function reserveStatement(
  host: PlacementHost,
  demand: Pick<CreateDemand, "vcpus" | "memoryMiB" | "projectId">,
  calls: ReservationCall[],
): Prisma.Sql {
  const shape = calls.map((call) => (onNode(call) ? "n" : "a")).join("");
  let parts = statementParts.get(shape);
  if (parts === undefined) {
    parts = reserveSql(host, demand, calls).strings;
    statementParts.set(shape, parts);
  }
  // reservationCtes' values in its order: lock_host, lock_pfs, then per call its arguments.
  const values: unknown[] = [host.id, [...new Set(calls.flatMap((call) => call.pfIds))]];
  for (const call of calls) {
    values.push(call.pfIds, demand.vcpus, demand.memoryMiB, call.want);
    if (onNode(call)) values.push(call.numaNode);
    values.push(call.network?.l2Id ?? null, demand.projectId ?? null);
  }
  return new Prisma.Sql(parts, values);
}

const reservationRow = z.record(z.string(), z.unknown());

/**
 * Core's reservation on one host, as one statement: lock the host and its PFs, re-check
 * connection, IOMMU, CPU, memory and busy PFs with a fresh snapshot, reserve the VFs with SKIP
 * LOCKED. A refusal changes nothing when there is at most one VF network; with more, run it in a
 * transaction and roll back to a savepoint on refusal (an earlier network may have reserved).
 */
export async function reserveOnHost(
  db: DbOrTx,
  host: PlacementHost,
  demand: CreateDemand,
  requests: VfRequest[],
  numaNode: number | null = null,
): Promise<LockedAttempt> {
  const calls = reservationCalls(host, demand, numaNode);
  const rows = await queryRows(db, reserveStatement(host, demand, calls));
  const row = reservationRow.parse(rows[0]);
  const results = calls.map((_, i) => reservation.parse(row[`r${i}`]));
  return reservationOutcome(host, demand, requests, calls, results);
}
