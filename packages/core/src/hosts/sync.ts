import { z } from "zod";
import { executeSql, Prisma, queryRows, sqlTransaction } from "@virtfn/db";
import type { Db, SqlClient, VfState, VirtualizationState } from "@virtfn/db";
import { notFound } from "../shared/errors";
import { operationOnHostSince } from "./busy-host";
import { virtualizationStateOf } from "./rules";

/** What an agent reports about its host; the agent-client responses satisfy it structurally. */
export interface ObservedHost {
  health: { version: string; backend: string; bootId: string };
  facts: {
    cpuModel: string;
    cpuCount: number;
    memoryMiB: number;
    cpuVirtualization: string | null;
    iommu: {
      kernelArgSet: boolean;
      active: boolean;
      interruptRemapping: boolean;
      allowUnsafeInterrupts: boolean;
      rebootRequired: boolean;
    };
    /** The host's NUMA nodes; absent or empty when the agent reports none. */
    numa?: Array<{ id: number; cpuList: string; cpuCount: number; memoryMiB: number }>;
  };
  nics: ObservedNic[];
}

export interface ObservedNic {
  /** Null for an SR-IOV PF without a netdev; mac and linkState are null then too. */
  name: string | null;
  pciAddress: string;
  vendorId: string;
  deviceId: string;
  model: string;
  driver: string | null;
  mac: string | null;
  linkState: "up" | "down" | null;
  speedMbps: number | null;
  totalVfs: number;
  numVfs: number;
  sriovCapable: boolean;
  bond: { name: string; slaves: string[] } | null;
  vfs: Array<{ index: number; pciAddress: string; driver: string | null; mac: string | null }>;
  /** The PF's NUMA node; null or absent when the kernel gives no locality. */
  numaNode?: number | null;
}

/** A PF as recorded, with its VFs: what an observation is compared against. */
export interface KnownPf {
  id: string;
  name: string | null;
  pciAddress: string;
  vendorId: string;
  deviceId: string;
  model: string;
  driver: string;
  mac: string | null;
  linkUp: boolean;
  speedMbps: number | null;
  totalVfs: number;
  numVfs: number;
  bondName: string | null;
  bondSlaves: string[];
  virtualizationState: VirtualizationState;
  vfs: KnownVf[];
  numaNode: number | null;
}

interface KnownVf {
  id: string;
  index: number;
  pciAddress: string;
  state: VfState;
  held: boolean;
}

/**
 * The host's PFs and VFs, with whether a NIC holds each VF, in one round trip. Outside a
 * transaction it goes through the pool's pg client (queryRows): every host.connect and reconcile
 * reads it. The columns are plain ints, text, booleans, text[] and json, which pg reads as
 * Prisma does.
 */
export async function readKnownPfs(
  db: SqlClient,
  hostId: string,
  /** Only the PF at this PCI address (a split's read-back). */
  pciAddress?: string,
): Promise<KnownPf[]> {
  const onePf =
    pciAddress === undefined ? Prisma.empty : Prisma.sql` AND pf."pciAddress" = ${pciAddress}`;
  return (await queryRows(
    db,
    Prisma.sql`
    SELECT pf.id, pf.name, pf."pciAddress", pf."vendorId", pf."deviceId", pf.model, pf.driver,
           pf.mac, pf."linkUp", pf."speedMbps", pf."totalVfs", pf."numVfs", pf."bondName",
           pf."bondSlaves", pf."virtualizationState"::text AS "virtualizationState", pf."numaNode",
           COALESCE((SELECT json_agg(json_build_object(
                       'id', vf.id, 'index', vf.index, 'pciAddress', vf."pciAddress",
                       'state', vf.state, 'held', n.id IS NOT NULL))
                       FROM "VirtualFunction" vf LEFT JOIN "VmNic" n ON n."vfId" = vf.id
                      WHERE vf."pfId" = pf.id), '[]'::json) AS vfs
      FROM "PhysicalNic" pf
     WHERE pf."hostId" = ${hostId}::uuid${onePf}`,
  )) as KnownPf[];
}

type PfData = Omit<KnownPf, "id" | "pciAddress" | "vfs">;

function pfDataOf(nic: ObservedNic): PfData {
  return {
    name: nic.name,
    vendorId: nic.vendorId,
    deviceId: nic.deviceId,
    model: nic.model,
    driver: nic.driver ?? "",
    mac: nic.mac,
    linkUp: nic.linkState === "up",
    speedMbps: nic.speedMbps,
    totalVfs: nic.totalVfs,
    numVfs: nic.numVfs,
    bondName: nic.bond?.name ?? null,
    bondSlaves: nic.bond?.slaves ?? [],
    virtualizationState: virtualizationStateOf(nic),
    numaNode: nic.numaNode ?? null,
  };
}

/** The observed columns of a PF, in the order pfColumnsSql names them. */
function pfValuesSql(data: PfData): Prisma.Sql {
  return Prisma.sql`${data.name}, ${data.vendorId}, ${data.deviceId}, ${data.model},
    ${data.driver}, ${data.mac}, ${data.linkUp}, ${data.speedMbps}::int, ${data.totalVfs}::int,
    ${data.numVfs}::int, ${data.bondName}, ${data.bondSlaves}::text[],
    ${data.virtualizationState}::"VirtualizationState", ${data.numaNode}::int, now()`;
}
const pfColumnsSql = Prisma.sql`name, "vendorId", "deviceId", model, driver, mac, "linkUp",
  "speedMbps", "totalVfs", "numVfs", "bondName", "bondSlaves", "virtualizationState", "numaNode",
  "updatedAt"`;

/**
 * One PF's observed columns, as one plain statement: every split's read-back writes one, and
 * Prisma's update costs the worker several times the statement's own CPU (issue 9).
 */
async function updatePf(tx: SqlClient, id: string, data: PfData): Promise<void> {
  await executeSql(
    tx,
    Prisma.sql`
    UPDATE "PhysicalNic" SET (${pfColumnsSql}) = ROW(${pfValuesSql(data)})
     WHERE id = ${id}::uuid`,
  );
}

/** A PF the agent reports and nothing records (or recorded meanwhile): its row's id. */
async function upsertPf(tx: SqlClient, hostId: string, nic: ObservedNic): Promise<string> {
  const [row] = await queryRows(
    tx,
    Prisma.sql`
    INSERT INTO "PhysicalNic" ("hostId", "pciAddress", ${pfColumnsSql})
    VALUES (${hostId}::uuid, ${nic.pciAddress}, ${pfValuesSql(pfDataOf(nic))})
    ON CONFLICT ("hostId", "pciAddress") DO UPDATE SET (${pfColumnsSql}) = ROW(
      EXCLUDED.name, EXCLUDED."vendorId", EXCLUDED."deviceId", EXCLUDED.model, EXCLUDED.driver,
      EXCLUDED.mac, EXCLUDED."linkUp", EXCLUDED."speedMbps", EXCLUDED."totalVfs",
      EXCLUDED."numVfs", EXCLUDED."bondName", EXCLUDED."bondSlaves",
      EXCLUDED."virtualizationState", EXCLUDED."numaNode", EXCLUDED."updatedAt")
    RETURNING id::text AS id`,
  );
  return z.object({ id: z.string() }).parse(row).id;
}

function pfChanged(known: KnownPf, data: PfData): boolean {
  return (Object.keys(data) as (keyof PfData)[]).some((key) =>
    key === "bondSlaves"
      ? known.bondSlaves.join(" ") !== data.bondSlaves.join(" ")
      : known[key] !== data[key],
  );
}

/** The writes that bring the recorded PFs and VFs to what the agent observed; empty when in sync. */
interface SyncPlan {
  deletePfs: string[];
  updatePfs: { id: string; data: PfData }[];
  createPfs: ObservedNic[];
  deleteVfs: string[];
  missingVfs: string[];
  createVfs: { pfId: string; vfs: ObservedNic["vfs"] }[];
  returnedVfs: { id: string; state: "Attached" | "Available" }[];
}

const isEmpty = (plan: SyncPlan): boolean => Object.values(plan).every((list) => list.length === 0);

/**
 * Compares, in memory, what is recorded with what the agent observed. VFs that vanished while a
 * NIC holds them become Missing rather than disappearing, so nothing that a VM owns is forgotten;
 * a Missing VF that is back becomes Attached or Available again.
 */
function planSync(known: KnownPf[], nics: ObservedNic[]): SyncPlan {
  const plan: SyncPlan = {
    deletePfs: [],
    updatePfs: [],
    createPfs: [],
    deleteVfs: [],
    missingVfs: [],
    createVfs: [],
    returnedVfs: [],
  };
  const markMissing = (vfs: KnownVf[]) =>
    plan.missingVfs.push(...vfs.filter((vf) => vf.state !== "Missing").map((vf) => vf.id));
  const reported = new Set(nics.map((nic) => nic.pciAddress));
  for (const pf of known) {
    if (reported.has(pf.pciAddress)) continue;
    const held = pf.vfs.filter((vf) => vf.held);
    if (held.length === 0) plan.deletePfs.push(pf.id);
    else markMissing(held);
  }
  const knownByPci = new Map(known.map((pf) => [pf.pciAddress, pf]));
  for (const nic of nics) {
    const pf = knownByPci.get(nic.pciAddress);
    if (!pf) {
      plan.createPfs.push(nic);
      continue;
    }
    const data = pfDataOf(nic);
    if (pfChanged(pf, data)) plan.updatePfs.push({ id: pf.id, data });
    const reportedByIndex = new Map(nic.vfs.map((vf) => [vf.index, vf]));
    const stays = new Map<number, KnownVf>();
    const gone: KnownVf[] = [];
    for (const vf of pf.vfs) {
      const now = reportedByIndex.get(vf.index);
      if (now && now.pciAddress === vf.pciAddress) stays.set(vf.index, vf);
      else gone.push(vf);
    }
    plan.deleteVfs.push(...gone.filter((vf) => !vf.held).map((vf) => vf.id));
    markMissing(gone.filter((vf) => vf.held));
    const fresh = nic.vfs.filter((vf) => !stays.has(vf.index));
    if (fresh.length > 0) plan.createVfs.push({ pfId: pf.id, vfs: fresh });
    for (const vf of stays.values()) {
      if (vf.state === "Missing")
        plan.returnedVfs.push({ id: vf.id, state: vf.held ? "Attached" : "Available" });
    }
  }
  return plan;
}

/**
 * New VFs, Available, in one statement over column arrays: a split writes 63 at once, and
 * Prisma's createMany built (in its WASM query compiler) a 63-row VALUES list costing the worker
 * more than Postgres spent on it.
 */
async function insertVfs(
  tx: SqlClient,
  hostId: string,
  created: SyncPlan["createVfs"],
): Promise<void> {
  const rows = created.flatMap(({ pfId, vfs }) => vfs.map((vf) => ({ pfId, ...vf })));
  await executeSql(
    tx,
    Prisma.sql`
    INSERT INTO "VirtualFunction" ("pfId", "hostId", index, "pciAddress", driver, mac)
    SELECT v."pfId", ${hostId}::uuid, v.index, v."pciAddress", v.driver, v.mac
      FROM unnest(${rows.map((row) => row.pfId)}::uuid[], ${rows.map((row) => row.index)}::int[],
                  ${rows.map((row) => row.pciAddress)}::text[], ${rows.map((row) => row.driver)}::text[],
                  ${rows.map((row) => row.mac)}::text[])
        AS v("pfId", index, "pciAddress", driver, mac)`,
  );
}

/** VFs moved to `state`, stamped with when. */
async function setVfStates(tx: SqlClient, ids: string[], state: VfState): Promise<void> {
  if (ids.length === 0) return;
  await executeSql(
    tx,
    Prisma.sql`
    UPDATE "VirtualFunction" SET state = ${state}::"VfState", "stateChangedAt" = now()
     WHERE id = ANY(${ids}::uuid[])`,
  );
}

/**
 * The plan's writes, each one plain statement (the transaction is sqlTransaction's: a split's
 * read-back writes here, issue 9).
 */
async function applyPlan(tx: SqlClient, hostId: string, plan: SyncPlan): Promise<void> {
  if (plan.deletePfs.length > 0)
    await executeSql(
      tx,
      Prisma.sql`DELETE FROM "PhysicalNic" WHERE id = ANY(${plan.deletePfs}::uuid[])`,
    );
  if (plan.deleteVfs.length > 0)
    await executeSql(
      tx,
      Prisma.sql`DELETE FROM "VirtualFunction" WHERE id = ANY(${plan.deleteVfs}::uuid[])`,
    );
  await setVfStates(tx, plan.missingVfs, "Missing");
  for (const { id, data } of plan.updatePfs) await updatePf(tx, id, data);
  const createVfs = [...plan.createVfs];
  for (const nic of plan.createPfs) {
    const pfId = await upsertPf(tx, hostId, nic);
    if (nic.vfs.length > 0) createVfs.push({ pfId, vfs: nic.vfs });
  }
  if (createVfs.length > 0) await insertVfs(tx, hostId, createVfs);
  for (const state of ["Attached", "Available"] as const)
    await setVfStates(
      tx,
      plan.returnedVfs.filter((vf) => vf.state === state).map((vf) => vf.id),
      state,
    );
}

/**
 * Records the agent's health and facts on the host. Through the pool's pg client outside a
 * transaction (queryRows), Prisma's $queryRaw in one; nothing is read back: what was written is
 * what the agent reported.
 */
async function recordHostFacts(
  db: SqlClient,
  hostId: string,
  observed: ObservedHost,
): Promise<void> {
  const { facts, health } = observed;
  const { iommu } = facts;
  // Stored as null when there is none, so that placement skips the per-node sums for such hosts.
  const numa = facts.numa && facts.numa.length > 0 ? JSON.stringify(facts.numa) : null;
  const updated = await queryRows(
    db,
    Prisma.sql`
    UPDATE "Host"
       SET "connectionState" = 'Connected', "connectionReason" = NULL, "lastSeenAt" = now(),
           "bootId" = ${health.bootId}, "agentVersion" = ${health.version},
           "agentBackend" = ${health.backend}, "cpuModel" = ${facts.cpuModel},
           "cpuCount" = ${facts.cpuCount}, "memoryMiB" = ${facts.memoryMiB},
           "cpuVirtualization" = ${facts.cpuVirtualization},
           "iommuKernelArgSet" = ${iommu.kernelArgSet}, "iommuActive" = ${iommu.active},
           "interruptRemapping" = ${iommu.interruptRemapping},
           "allowUnsafeInterrupts" = ${iommu.allowUnsafeInterrupts},
           "rebootRequired" = ${iommu.rebootRequired}, "numaTopology" = ${numa}::jsonb,
           "updatedAt" = now()
     WHERE id = ${hostId}::uuid
    RETURNING id`,
  );
  if (updated.length === 0) throw notFound("Host", hostId);
}

/**
 * Records what the agent observed: facts, PFs and VFs. The common case, a host whose NICs did
 * not change, costs one read and one write and no transaction; only a change is written, in one
 * transaction that compares again under it.
 */
export async function applyObservedHost(
  db: Db,
  hostId: string,
  observed: ObservedHost,
  {
    known,
    idleSince,
  }: {
    /** What readKnownPfs returned, when the caller read it while the agent answered. */
    known?: Promise<KnownPf[]>;
    /**
     * When the host was last seen with no operation on it (a reconcile's check): if one has run
     * since, its own read-back is newer than this observation, whose PF and VF changes are then
     * not written (false). Checked under the host row lock that the read-back takes too.
     */
    idleSince?: Date;
  } = {},
): Promise<boolean> {
  const plan = planSync(await (known ?? readKnownPfs(db, hostId)), observed.nics);
  if (isEmpty(plan)) {
    await recordHostFacts(db, hostId, observed);
    return true;
  }
  return sqlTransaction(db, async (tx) => {
    await recordHostFacts(tx, hostId, observed);
    // The host row lock taken above serializes two observations of one host; compare again
    // under it, so that the writes are planned from what is recorded now.
    if (idleSince !== undefined && (await operationRanSince(tx, hostId, idleSince))) {
      // Nothing of it stays, the facts neither: the transaction is rolled back.
      throw new ObservationSuperseded();
    }
    await applyPlan(tx, hostId, planSync(await readKnownPfs(tx, hostId), observed.nics));
    return true;
  }).catch((error: unknown) => {
    if (error instanceof ObservationSuperseded) return false;
    throw error;
  });
}

/** Rolls an observation's transaction back: an operation recorded newer state meanwhile. */
class ObservationSuperseded extends Error {}

async function operationRanSince(tx: SqlClient, hostId: string, since: Date): Promise<boolean> {
  const [row] = await queryRows(
    tx,
    Prisma.sql`SELECT ${operationOnHostSince(Prisma.sql`${hostId}::uuid`, since)} AS ran`,
  );
  return z.object({ ran: z.boolean() }).parse(row).ran;
}

/**
 * Records the PFs and VFs the agent reports, and nothing else about the host: what a split or
 * restore reads back. Like applyObservedHost, an unchanged host costs one read; a change is
 * written in one transaction that locks the host row (the lock applyObservedHost's UPDATE takes,
 * so two observations of one host still serialize) and compares again under it.
 */
export async function applyObservedNics(
  db: Db,
  hostId: string,
  nics: ObservedNic[],
): Promise<void> {
  await applyObservedPfs(db, hostId, nics);
}

/**
 * Records one PF and its VFs as the agent reports it (getPhysicalNic): a split's read-back,
 * which reads that PF alone. The host's other PFs are neither compared nor touched. It follows
 * a change of the PF's VFs, so it goes straight to the transaction: the read that spares an
 * unchanged host one would here only come before it (a fleet split makes 200 at once).
 */
export async function applyObservedPf(db: Db, hostId: string, nic: ObservedNic): Promise<void> {
  await applyObservedPfs(db, hostId, [nic], { pciAddress: nic.pciAddress, expectChange: true });
}

/** `nics` against the host's recorded PFs, or against the one at `pciAddress` alone. */
async function applyObservedPfs(
  db: Db,
  hostId: string,
  nics: ObservedNic[],
  { pciAddress, expectChange = false }: { pciAddress?: string; expectChange?: boolean } = {},
): Promise<void> {
  if (!expectChange && isEmpty(planSync(await readKnownPfs(db, hostId, pciAddress), nics))) return;
  await sqlTransaction(db, async (tx) => {
    const locked = await queryRows(
      tx,
      Prisma.sql`SELECT id FROM "Host" WHERE id = ${hostId}::uuid FOR NO KEY UPDATE`,
    );
    if (locked.length === 0) throw notFound("Host", hostId);
    await applyPlan(tx, hostId, planSync(await readKnownPfs(tx, hostId, pciAddress), nics));
  });
}

/** The snapshot digest a full reconcile found in sync with the database (null: none). */
export async function recordObservedDigest(
  db: Db,
  hostId: string,
  digest: string | null,
): Promise<void> {
  await db.$executeRaw`
    UPDATE "Host" SET "observedDigest" = ${digest}, "observedDigestAt" = now()
     WHERE id = ${hostId}::uuid`;
}

export async function markHostDisconnected(db: Db, hostId: string, reason: string): Promise<void> {
  await db.host.update({
    where: { id: hostId },
    // A host that comes back is compared in full, whatever its agent's digest.
    data: { connectionState: "Disconnected", connectionReason: reason, observedDigest: null },
  });
}
