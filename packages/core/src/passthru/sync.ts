import type { HostPciDevice } from "@virtfn/agent-client";
import { executeSql, Prisma, queryRows, type Db, type DbOrTx } from "@virtfn/db";

// Keeps a host's PciDevice rows to what its agent reports (host connect and reconcile).

type Observed = Omit<HostPciDevice, "pciAddress">;
const FIELDS = [
  "classCode",
  "vendorId",
  "deviceId",
  "driver",
  "iommuGroup",
  "numaNode",
  "sriovNumVfs",
] as const satisfies readonly (keyof Observed)[];

const dataOf = (device: HostPciDevice): Observed =>
  Object.fromEntries(FIELDS.map((key) => [key, device[key]])) as Observed;

/** A device as recorded, with whether a VM was given it: what an observation is compared with. */
export interface KnownPciDevice extends Observed {
  id: string;
  pciAddress: string;
  missing: boolean;
  wanted: boolean;
}

/**
 * The host's recorded devices in one plain statement (queryRows: through the pool's pg client
 * outside a transaction), so that host connect can read them while the agent answers. The
 * columns are uuids, text, ints and booleans, which pg reads as Prisma does.
 */
export async function readKnownPciDevices(db: DbOrTx, hostId: string): Promise<KnownPciDevice[]> {
  return (await queryRows(
    db,
    Prisma.sql`
    SELECT d.id, d."pciAddress", d."classCode", d."vendorId", d."deviceId", d.driver,
           d."iommuGroup", d."numaNode", d."sriovNumVfs", d.missing,
           EXISTS (SELECT 1 FROM "VmPciDevice" w WHERE w."pciDeviceId" = d.id) AS wanted
      FROM "PciDevice" d
     WHERE d."hostId" = ${hostId}::uuid`,
  )) as KnownPciDevice[];
}

/** The writes that bring the recorded devices to the observed ones; all empty when in sync. */
function planPciSync(known: KnownPciDevice[], observed: readonly HostPciDevice[]) {
  const byAddress = new Map(known.map((row) => [row.pciAddress, row]));
  const reported = new Set(observed.map((d) => d.pciAddress));
  const gone = known.filter((row) => !reported.has(row.pciAddress));
  return {
    toDelete: gone.filter((row) => !row.wanted).map((row) => row.id),
    toMiss: gone.filter((row) => row.wanted && !row.missing).map((row) => row.id),
    changed: observed.filter((device) => {
      const row = byAddress.get(device.pciAddress);
      return row === undefined || row.missing || FIELDS.some((key) => row[key] !== device[key]);
    }),
  };
}

/**
 * Brings the recorded devices to the observed ones. A device that is no longer reported is
 * deleted unless a VM was given it: then it stays, `missing`, so the assignment is not lost and
 * nothing hands it out; it comes back as it was when the agent reports it again. Writes only
 * what changed, so an unchanged host costs one read; a change is written in one transaction that
 * reads and compares again, so that `known` (read while the agent answered) only ever decides
 * that nothing is to be written. An agent that does not report devices at all (older than
 * passthrough: null or absent) changes nothing.
 */
export async function syncPciDevices(
  db: Db,
  hostId: string,
  observed: readonly HostPciDevice[] | null | undefined,
  known?: Promise<KnownPciDevice[]>,
): Promise<void> {
  // An agent older than passthrough reports nothing: deleting or marking missing on its word
  // would drop every device and strand the VMs given them.
  if (!observed) return;
  const first = planPciSync(await (known ?? readKnownPciDevices(db, hostId)), observed);
  if (first.toDelete.length + first.toMiss.length + first.changed.length === 0) return;
  await db.$transaction(async (tx) => {
    const { toDelete, toMiss, changed } = planPciSync(
      await readKnownPciDevices(tx, hostId),
      observed,
    );
    if (toDelete.length > 0) await tx.pciDevice.deleteMany({ where: { id: { in: toDelete } } });
    if (toMiss.length > 0)
      await tx.pciDevice.updateMany({ where: { id: { in: toMiss } }, data: { missing: true } });
    for (const device of changed) {
      const data = { ...dataOf(device), missing: false };
      await tx.pciDevice.upsert({
        where: { hostId_pciAddress: { hostId, pciAddress: device.pciAddress } },
        create: { hostId, pciAddress: device.pciAddress, ...data },
        update: data,
      });
    }
  });
}

/**
 * A split or restore changes one thing among a host's PCI devices: the PF's sriov_numvfs (VFs
 * are not devices here). Written from the PF the agent reported, instead of a scan of every PCI
 * function of the host after each split. A PF with no device row (an agent older than
 * passthrough) has nothing to update.
 */
export async function recordPfVfCount(
  db: Db,
  hostId: string,
  pf: { pciAddress: string; numVfs: number },
): Promise<void> {
  // A plain statement through the pool: every split's read-back makes it (Prisma's updateMany,
  // and even its $executeRaw, cost more CPU than the statement).
  await executeSql(
    db,
    Prisma.sql`
    UPDATE "PciDevice" SET "sriovNumVfs" = ${pf.numVfs}::int, "updatedAt" = now()
     WHERE "hostId" = ${hostId}::uuid AND "pciAddress" = ${pf.pciAddress}
       AND "sriovNumVfs" IS DISTINCT FROM ${pf.numVfs}::int`,
  );
}
