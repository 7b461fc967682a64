import type { AgentClient } from "@virtfn/agent-client";
import { Prisma, queryRows, type Db, type DbOrTx, type Tx } from "@virtfn/db";
import { hostToOperate } from "../hosts/operations";
import { requestHostSync } from "../operations/host-sync";
import type { OperationHandler, OperationResult } from "../runtime/context";
import { resolveInterface } from "../sriov/availability";
import type { VmWork } from "./load";

// domain.md: a VF reaches a vNIC on the same L2 and host only if the PF's embedded switch knows
// the vNIC's MAC. FdbEntry rows are the desired entries; the agent calls make them so.

/** Replaces a VM's desired FDB rows with those its NICs need on its current host. */
export async function rebuildFdbRows(tx: Tx, vmId: string): Promise<void> {
  const vm = await tx.vm.findUnique({
    where: { id: vmId },
    select: {
      hostId: true,
      nics: { select: { id: true, mac: true, type: true, l3: { select: { l2: true } } } },
    },
  });
  if (!vm) return;
  await tx.fdbEntry.deleteMany({ where: { nicId: { in: vm.nics.map((nic) => nic.id) } } });
  if (!vm.hostId) return;
  const pfs = await tx.physicalNic.findMany({
    where: { hostId: vm.hostId },
    select: { name: true, bondName: true },
  });
  const rows = vm.nics
    .filter((nic) => nic.type === "VNIC" && nic.l3.l2.sriovEnabled)
    .flatMap((nic) =>
      resolveInterface(pfs, nic.l3.l2.physicalInterface).map((pf) => ({
        hostId: vm.hostId ?? "",
        pfName: pf.name,
        mac: nic.mac,
        nicId: nic.id,
      })),
    );
  if (rows.length > 0) await tx.fdbEntry.createMany({ data: rows, skipDuplicates: true });
}

/**
 * Makes the host match the VM's desired FDB rows: adds its vNICs' entries and removes entries
 * of its VF NICs' MACs (left over from before a type change). Idempotent on the agent side.
 */
export async function applyVmFdb(db: DbOrTx, agent: AgentClient, vm: VmWork): Promise<number> {
  if (!vm.hostId) return 0;
  const rows = await db.fdbEntry.findMany({
    where: { hostId: vm.hostId, nicId: { in: vm.nics.map((nic) => nic.id) } },
  });
  for (const row of rows) await agent.addFdb(row.pfName, row.mac);
  const pfs = await db.physicalNic.findMany({
    where: { hostId: vm.hostId },
    select: { name: true, bondName: true },
  });
  for (const nic of vm.nics.filter((n) => n.type === "VF" && n.l3.l2.sriovEnabled)) {
    for (const pf of resolveInterface(pfs, nic.l3.l2.physicalInterface))
      await agent.removeFdb(pf.name, nic.mac);
  }
  return rows.length;
}

/** Removes the host's entries for these rows (the NIC goes, or the VM leaves the host). */
export async function removeFdbRows(
  agent: AgentClient,
  rows: Array<{ pfName: string; mac: string }>,
): Promise<void> {
  for (const row of rows) await agent.removeFdb(row.pfName, row.mac);
}

/** Every (PF, MAC) pair where a NIC's MAC could sit on its host, whatever its type or L2 flag. */
export async function fdbFootprint(
  db: DbOrTx,
  hostId: string,
  nics: Array<{ mac: string; l3: { l2: { physicalInterface: string } } }>,
): Promise<Array<{ pfName: string; mac: string }>> {
  const pfs = await db.physicalNic.findMany({
    where: { hostId },
    select: { name: true, bondName: true },
  });
  return nics.flatMap((nic) =>
    resolveInterface(pfs, nic.l3.l2.physicalInterface).map((pf) => ({
      pfName: pf.name,
      mac: nic.mac,
    })),
  );
}

/**
 * After an L2's SR-IOV flag changes: the desired rows of every VM with a NIC on it, in the same
 * transaction. Returns the hosts those VMs are on, whose FDB must follow.
 */
export async function rebuildFdbRowsOnL2(tx: Tx, l2Id: string): Promise<string[]> {
  const vms = await tx.vm.findMany({
    where: { nics: { some: { l3: { l2Id } } } },
    select: { id: true, hostId: true },
  });
  for (const vm of vms) await rebuildFdbRows(tx, vm.id);
  return vms.flatMap((vm) => (vm.hostId ? [vm.hostId] : []));
}

// QEMU's prefix, which every MAC virtfn hands out carries (reserve.ts). Entries with any other
// MAC were put there by someone else and are not ours to remove.
const OWN_MAC = /^52:54:00:/i;

export interface FdbRepair {
  added: Array<{ pf: string; mac: string }>;
  removed: Array<{ pf: string; mac: string }>;
}

/** A NIC of a VM on the host, with its L2's FDB settings and whether an operation holds its VM. */
interface HostFdbNic {
  nicId: string;
  mac: string;
  type: "VF" | "VNIC";
  sriovEnabled: boolean;
  physicalInterface: string;
  busy: boolean;
}

/** What the host's FDB repair compares: its VMs' NICs, its PFs and its desired rows. */
interface HostFdbState {
  nics: HostFdbNic[];
  pfs: Array<{ name: string | null; bondName: string | null }>;
  entries: Array<{ id: string; pfName: string; mac: string }>;
}

/**
 * Everything reconcileHostFdb reads, in one statement through the pool's pg client: Prisma loaded
 * the VMs' NICs, L3s and L2s one relation after the other and the busy VMs after those, five
 * round trips in a row on every host.syncFdb and every reconcile. The columns are uuids, text,
 * booleans and an enum, which json_build_object gives as Prisma reads them.
 */
async function readHostFdbState(db: Db, hostId: string): Promise<HostFdbState> {
  const [state] = await queryRows(
    db,
    Prisma.sql`
    SELECT
      COALESCE((SELECT json_agg(json_build_object(
                  'nicId', n.id, 'mac', n.mac, 'type', n.type,
                  'sriovEnabled', l2."sriovEnabled", 'physicalInterface', l2."physicalInterface",
                  'busy', EXISTS (SELECT 1 FROM "Operation" o
                                   WHERE o."targetType" = 'Vm' AND o."targetId" = v.id::text
                                     AND o.status IN ('Pending', 'Running'))))
                  FROM "Vm" v
                  JOIN "VmNic" n ON n."vmId" = v.id
                  JOIN "L3Network" l3 ON l3.id = n."l3Id"
                  JOIN "L2Network" l2 ON l2.id = l3."l2Id"
                 WHERE v."hostId" = ${hostId}::uuid), '[]'::json) AS nics,
      COALESCE((SELECT json_agg(json_build_object('name', pf.name, 'bondName', pf."bondName"))
                  FROM "PhysicalNic" pf WHERE pf."hostId" = ${hostId}::uuid), '[]'::json) AS pfs,
      COALESCE((SELECT json_agg(json_build_object('id', f.id, 'pfName', f."pfName", 'mac', f.mac))
                  FROM "FdbEntry" f WHERE f."hostId" = ${hostId}::uuid), '[]'::json) AS entries`,
  );
  return state as HostFdbState;
}

/**
 * Level-triggered FDB repair for one host: the desired entries are recomputed from the NICs of
 * the VMs placed there (so an L2 flag change or a missed path cannot leave the rows wrong), the
 * FdbEntry rows are brought in line, then the host gets the missing entries added and stale
 * ones (virtfn MACs nobody wants there) removed. VMs with an operation in flight belong to that
 * operation and are left alone in both directions; `observed` must be read before this runs.
 */
export async function reconcileHostFdb(
  db: Db,
  hostId: string,
  agent: AgentClient,
  observed: Array<{ pf: string; mac: string }>,
): Promise<FdbRepair> {
  const { nics, pfs, entries } = await readHostFdbState(db, hostId);
  const key = (pf: string, mac: string) => `${pf}|${mac.toLowerCase()}`;
  const desired = new Map<string, { pfName: string; mac: string; nicId: string }>();
  const untouchable = new Set<string>();
  for (const nic of nics) {
    if (nic.busy) {
      untouchable.add(nic.mac.toLowerCase());
      continue;
    }
    if (nic.type !== "VNIC" || !nic.sriovEnabled) continue;
    for (const pf of resolveInterface(pfs, nic.physicalInterface))
      desired.set(key(pf.name, nic.mac), { pfName: pf.name, mac: nic.mac, nicId: nic.nicId });
  }
  await syncFdbRows(db, hostId, entries, desired, untouchable);

  const present = new Set(observed.map((e) => key(e.pf, e.mac)));
  const repair: FdbRepair = { added: [], removed: [] };
  for (const [k, entry] of desired) {
    if (present.has(k)) continue;
    await agent.addFdb(entry.pfName, entry.mac);
    repair.added.push({ pf: entry.pfName, mac: entry.mac });
  }
  for (const entry of observed) {
    const mac = entry.mac.toLowerCase();
    if (!OWN_MAC.test(mac) || untouchable.has(mac) || desired.has(key(entry.pf, mac))) continue;
    await agent.removeFdb(entry.pf, entry.mac);
    repair.removed.push({ pf: entry.pf, mac: entry.mac });
  }
  return repair;
}

async function syncFdbRows(
  db: Db,
  hostId: string,
  rows: HostFdbState["entries"],
  desired: Map<string, { pfName: string; mac: string; nicId: string }>,
  untouchable: Set<string>,
): Promise<void> {
  const have = new Set(rows.map((row) => `${row.pfName}|${row.mac.toLowerCase()}`));
  const extra = rows.filter(
    (row) =>
      !untouchable.has(row.mac.toLowerCase()) &&
      !desired.has(`${row.pfName}|${row.mac.toLowerCase()}`),
  );
  const missing = [...desired.entries()].filter(([k]) => !have.has(k)).map(([, row]) => row);
  if (extra.length > 0)
    await db.fdbEntry.deleteMany({ where: { id: { in: extra.map((r) => r.id) } } });
  if (missing.length > 0)
    await db.fdbEntry.createMany({
      data: missing.map((row) => ({ hostId, ...row })),
      skipDuplicates: true,
    });
}

/** The operation target of a host's FDB sync: apart from "Host", so it never blocks host operations. */
export const FDB_SYNC_TARGET = "HostFdb";

/**
 * Asks for the hosts' FDB to be brought in line with their desired rows now, not at the next
 * reconcile (issue 10): called in the transaction that changed a NIC's type or an L2's SR-IOV flag.
 */
export async function requestFdbSync(tx: Tx, hostIds: Iterable<string>): Promise<void> {
  await requestHostSync(tx, "host.syncFdb", FDB_SYNC_TARGET, hostIds);
}

/** The `host.syncFdb` operation: the reconciler's FDB repair for one host, run at once. */
export const syncHostFdb: OperationHandler = async (ctx, operation): Promise<OperationResult> => {
  const host = await hostToOperate(ctx.db, operation.targetId);
  if (!host) return { skipped: "the host is gone" } satisfies OperationResult;
  const agent = ctx.agentFor(host, { waitOutOutages: true });
  const snapshot = await agent.snapshot();
  const repair = await reconcileHostFdb(ctx.db, host.id, agent, snapshot.fdb);
  return { added: repair.added.length, removed: repair.removed.length } satisfies OperationResult;
};
