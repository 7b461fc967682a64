import type { DbOrTx } from "@virtfn/db";
import type { CreateDemand, HostReason } from "./placement";
import type { ReservedVf } from "./reserve";
import { placementHosts, type PlacementHost } from "./scheduler";

// The host snapshot that concurrent creates share for a moment. It is only a hint for picking a
// host: the locked re-check in the database decides, and a create whose host refuses reads a
// fresh snapshot (slow path). So a stale or lost hint costs time, never correctness, and it may
// live in process memory. Reading it once per HINT_MS instead of once per create is what keeps
// the cost of a create flat in the number of hosts and VFs.

const HINT_MS = 1000;

interface Entry {
  at: number;
  hosts: Promise<PlacementHost[]>;
}

/** Per client (a test database, a replica's pool), per set of clusters. */
const hints = new WeakMap<object, Map<string, Entry>>();

function entries(db: DbOrTx): Map<string, Entry> {
  const found = hints.get(db);
  if (found) return found;
  const created = new Map<string, Entry>();
  hints.set(db, created);
  return created;
}

const keyOf = (clusterIds: string[]) => [...clusterIds].sort().join(",");

/** The shared snapshot of these clusters' hosts, read again once it is HINT_MS old. */
export function hostHint(db: DbOrTx, clusterIds: string[]): Promise<PlacementHost[]> {
  const map = entries(db);
  const key = keyOf(clusterIds);
  const entry = map.get(key);
  if (entry && Date.now() - entry.at < HINT_MS) return entry.hosts;
  const hosts = placementHosts(db, { clusterIds });
  map.set(key, { at: Date.now(), hosts });
  // A failed read is not kept: the next create reads again.
  hosts.catch(() => map.delete(key));
  return hosts;
}

/** A fresh snapshot read by a slow path replaces the hint. */
export function refreshHint(db: DbOrTx, clusterIds: string[], hosts: PlacementHost[]): void {
  entries(db).set(keyOf(clusterIds), { at: Date.now(), hosts: Promise.resolve(hosts) });
}

async function hinted(
  db: DbOrTx,
  clusterIds: string[],
  hostId: string,
): Promise<PlacementHost | undefined> {
  const entry = entries(db).get(keyOf(clusterIds));
  const hosts = await entry?.hosts.catch(() => []);
  return hosts?.find((host) => host.id === hostId);
}

/** Counts the placement in the hint, so that the next picks see the host a little fuller. */
export function notePlacement(
  db: DbOrTx,
  clusterIds: string[],
  host: PlacementHost,
  demand: CreateDemand,
  reserved: ReadonlyMap<number, ReservedVf>,
  numaNode: number | null = null,
): void {
  void hinted(db, clusterIds, host.id).then((cached) => {
    if (!cached) return;
    cached.usedVcpus += demand.vcpus;
    cached.usedMemoryMiB += demand.memoryMiB;
    const node = cached.numaNodes?.find((n) => n.id === numaNode);
    if (node) {
      node.usedVcpus += demand.vcpus;
      node.usedMemoryMiB += demand.memoryMiB;
    }
    for (const vf of reserved.values()) {
      const pf = cached.physicalNics.find((nic) => nic.id === vf.pfId);
      if (pf) pf.availableVfs = Math.max(0, pf.availableVfs - 1);
    }
  });
}

/** A host that refused is marked in the hint for what it lacked, so it is not picked again. */
export function noteRefusal(
  db: DbOrTx,
  clusterIds: string[],
  host: PlacementHost,
  refusal: HostReason,
): void {
  void hinted(db, clusterIds, host.id).then((cached) => {
    if (!cached) return;
    if (refusal.kind === "noFreeVf" || refusal.kind === "pfBusy")
      for (const pf of cached.physicalNics) pf.availableVfs = 0;
    else if (refusal.kind === "capacity") cached.usedVcpus = cached.cpuCount + 1;
    else if (refusal.kind === "numa")
      for (const node of cached.numaNodes ?? []) node.usedVcpus = node.cpuCount + 1;
    else cached.connectionState = "Disconnected";
  });
}
