import type { HostPciDevice } from "@virtfn/agent-client";
import type { Db } from "@virtfn/db";

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

/**
 * Brings the recorded devices to the observed ones. A device that is no longer reported is
 * deleted unless a VM was given it: then it stays, `missing`, so the assignment is not lost and
 * nothing hands it out; it comes back as it was when the agent reports it again. Writes only
 * what changed, so an unchanged host costs one read. An agent that does not report devices at all
 * (older than passthrough: null or absent) changes nothing.
 */
export async function syncPciDevices(
  db: Db,
  hostId: string,
  observed: readonly HostPciDevice[] | null | undefined,
): Promise<void> {
  // An agent older than passthrough reports nothing: deleting or marking missing on its word
  // would drop every device and strand the VMs given them.
  if (!observed) return;
  const known = await db.pciDevice.findMany({
    where: { hostId },
    include: { _count: { select: { wantedBy: true } } },
  });
  const byAddress = new Map(known.map((row) => [row.pciAddress, row]));
  const reported = new Set(observed.map((d) => d.pciAddress));
  const gone = known.filter((row) => !reported.has(row.pciAddress));
  const toDelete = gone.filter((row) => row._count.wantedBy === 0).map((row) => row.id);
  const toMiss = gone.filter((row) => row._count.wantedBy > 0 && !row.missing).map((row) => row.id);
  const changed = observed.filter((device) => {
    const row = byAddress.get(device.pciAddress);
    return row === undefined || row.missing || FIELDS.some((key) => row[key] !== device[key]);
  });
  if (toDelete.length + toMiss.length + changed.length === 0) return;
  await db.$transaction(async (tx) => {
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
  await db.pciDevice.updateMany({
    where: {
      hostId,
      pciAddress: pf.pciAddress,
      OR: [{ sriovNumVfs: null }, { sriovNumVfs: { not: pf.numVfs } }],
    },
    data: { sriovNumVfs: pf.numVfs },
  });
}
