import { Prisma, type Tx } from "@virtfn/db";
import { iommuReadiness } from "../hosts/rules";
import { DomainError, ErrorCode } from "../shared/errors";
import { resolveInterface } from "../sriov/availability";
import type { ReservedVf } from "./reserve";
import { OCCUPYING_STATES, type PlacementHost } from "./scheduler";

// Placement for creates that scales out: hosts are judged on a snapshot read outside any lock,
// concurrent creates spread at random over the best few, and the section that holds a host's lock
// is a handful of statements: lock host, lock PFs, re-check, reserve.

/** Why a host cannot take the VM, in the order placement checks them. */
export type HostRefusal =
  "cluster" | "disconnected" | "iommu" | "capacity" | "interface" | "pfBusy" | "noFreeVf";

const STAGE: Record<HostRefusal, number> = {
  cluster: 0,
  disconnected: 1,
  iommu: 2,
  capacity: 3,
  interface: 4,
  pfBusy: 5,
  noFreeVf: 6,
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

/** Null when the host can take the VM by this snapshot, else the first reason it cannot. */
export function judgeHost(host: PlacementHost, demand: CreateDemand): HostReason | null {
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
    const free = usable.reduce((sum, pf) => sum + pf.availableVfs, 0);
    if (free < network.vfs) {
      return refuse(
        host,
        "noFreeVf",
        `SR-IOV enabled, ${free} free VF(s) on ${network.physicalInterface} for L3 ${network.l3Name}, ${network.vfs} needed`,
        network.l3Name,
        served,
      );
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

const uuids = (ids: string[]) => Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`));
const occupying = Prisma.join(OCCUPYING_STATES.map((state) => Prisma.sql`${state}::"VmState"`));

/** VF NICs to serve on a host: the NIC's index and the network it is on. */
export interface VfRequest {
  index: number;
  network: VfNetwork;
}

export type LockedAttempt =
  { ok: true; reserved: Map<number, ReservedVf> } | { ok: false; refusal: HostReason };

/**
 * The locked section of a create, inside the caller's transaction, with the VM row already on
 * this host: lock the host (NO KEY UPDATE, so inserts that only reference it do not conflict), lock
 * the PFs FOR SHARE (host, then PFs: the reconciler's order), re-check CPU, memory and busy PFs in
 * one statement with a fresh snapshot, and reserve the VFs with SKIP LOCKED, one statement per
 * network. A refusal leaves the locks to the caller's ROLLBACK TO SAVEPOINT.
 */
export async function lockAndReserve(
  tx: Tx,
  host: PlacementHost,
  demand: CreateDemand,
  requests: VfRequest[],
): Promise<LockedAttempt> {
  await tx.$queryRaw`SELECT id FROM "Host" WHERE id = ${host.id}::uuid FOR NO KEY UPDATE`;
  const pfsByNetwork = new Map(
    demand.networks
      .filter((network) => network.vfs > 0)
      .map((network) => [
        network.l2Id,
        usablePfs(host, network.physicalInterface).map((pf) => pf.id),
      ]),
  );
  const pfIds = [...new Set([...pfsByNetwork.values()].flat())].sort();
  if (pfIds.length > 0)
    await tx.$queryRaw`SELECT id FROM "PhysicalNic" WHERE id IN (${uuids(pfIds)}) ORDER BY id FOR SHARE`;
  // A new statement, so a new snapshot: it sees what the previous lock holder committed.
  const [fresh] = await tx.$queryRaw<
    Array<{
      cpuCount: number;
      memoryMiB: number;
      usedVcpus: number;
      usedMemoryMiB: number;
      busy: string[];
    }>
  >`
    SELECT h."cpuCount", h."memoryMiB",
           COALESCE(sum(o.vcpus), 0)::int AS "usedVcpus",
           COALESCE(sum(o."memoryMiB"), 0)::int AS "usedMemoryMiB",
           ARRAY(SELECT op."targetId" FROM "Operation" op
                 WHERE op."targetType" = 'PhysicalNic' AND op.status IN ('Pending', 'Running')
                   AND op."targetId" IN (${pfIds.length > 0 ? Prisma.join(pfIds) : Prisma.sql`NULL`})) AS busy
    FROM "Host" h
    LEFT JOIN "Vm" v ON v."hostId" = h.id AND v.state IN (${occupying})
    LEFT JOIN "InstanceOffering" o ON o.id = v."offeringId"
    WHERE h.id = ${host.id}::uuid
    GROUP BY h.id`;
  if (!fresh) return { ok: false, refusal: refuse(host, "disconnected", "it no longer exists") };
  // The VM's own row is on this host already, so the sums include it: no demand to add.
  const capacity = capacityReason(fresh, { vcpus: 0, memoryMiB: 0 });
  if (capacity) return { ok: false, refusal: refuse(host, "capacity", capacity) };
  const busy = new Set(fresh.busy);
  const reserved = new Map<number, ReservedVf>();
  for (const [served, network] of demand.networks.entries()) {
    if (network.vfs === 0) continue;
    const ids = (pfsByNetwork.get(network.l2Id) ?? []).filter((id) => !busy.has(id));
    if (ids.length === 0) {
      return {
        ok: false,
        refusal: refuse(
          host,
          "pfBusy",
          `PFs for L3 ${network.l3Name} busy with a split or restore`,
          network.l3Name,
          served,
        ),
      };
    }
    const vfs = await tx.$queryRaw<ReservedVf[]>`
      UPDATE "VirtualFunction" SET state = 'Reserved', "stateChangedAt" = now()
      WHERE id IN (
        SELECT id FROM "VirtualFunction"
        WHERE state = 'Available' AND "pfId" IN (${uuids(ids)})
        ORDER BY "pfId", "index"
        LIMIT ${network.vfs}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, "pciAddress", "pfId"`;
    if (vfs.length < network.vfs) {
      return {
        ok: false,
        refusal: refuse(
          host,
          "noFreeVf",
          `no free VF on ${network.physicalInterface} for L3 ${network.l3Name}`,
          network.l3Name,
          served,
        ),
      };
    }
    const mine = requests.filter((request) => request.network.l2Id === network.l2Id);
    mine.forEach((request, i) => {
      const vf = vfs[i];
      if (vf) reserved.set(request.index, vf);
    });
  }
  return { ok: true, reserved };
}
