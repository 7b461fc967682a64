import type { Tx } from "@virtfn/db";
import { DomainError, ErrorCode } from "../shared/errors";
import { unavailableReason } from "./rules";

// Holding and letting go of whole devices, inside the caller's transaction, like VFs
// (vms/reserve.ts): row locks keep concurrent starts apart and the unique index on
// VmPciDevice.heldId refuses a second holder whatever slips by.

/**
 * Takes every device the VM was given and does not hold yet; returns their addresses. All or
 * nothing: one that cannot be held (missing, unmarked, held by another VM) throws
 * PCI_DEVICE_UNAVAILABLE, which rolls back the caller's transaction with the VFs it reserved.
 */
export async function acquirePciDevices(
  tx: Tx,
  vm: { id: string; name: string },
  host: { id: string; name: string },
): Promise<string[]> {
  const wanted = await tx.vmPciDevice.findMany({
    where: { vmId: vm.id, heldId: null },
    select: { id: true, pciDeviceId: true },
    orderBy: { createdAt: "asc" },
  });
  if (wanted.length === 0) return [];
  const ids = wanted.map((w) => w.pciDeviceId);
  // Locked in id order, the one order every path uses, so two starts never wait on each other in a cycle.
  await tx.$queryRaw`SELECT id FROM "PciDevice" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  const devices = await tx.pciDevice.findMany({
    where: { id: { in: ids } },
    include: { heldBy: { select: { vm: { select: { name: true } } } } },
  });
  const taken: string[] = [];
  for (const want of wanted) {
    const device = devices.find((d) => d.id === want.pciDeviceId);
    const why =
      device === undefined
        ? "the device is gone"
        : device.hostId !== host.id
          ? `${device.pciAddress} is not on ${host.name}`
          : unavailableReason({ ...device, holderVm: device.heldBy?.vm.name ?? null });
    if (why !== null || device === undefined)
      throw new DomainError(
        ErrorCode.PCI_DEVICE_UNAVAILABLE,
        "CONFLICT",
        `${vm.name} cannot start on ${host.name}: ${why ?? "the device is gone"}; the VM stays stopped.`,
        { vm: vm.name, host: host.name, pciDeviceId: want.pciDeviceId },
      );
    await tx.vmPciDevice.update({ where: { id: want.id }, data: { heldId: device.id } });
    taken.push(device.pciAddress);
  }
  return taken;
}

/** Lets go of every device the VM holds (stop, failed start, delete); the assignment stays. */
export async function releasePciDevices(tx: Tx, vmId: string): Promise<number> {
  const { count } = await tx.vmPciDevice.updateMany({
    where: { vmId, heldId: { not: null } },
    data: { heldId: null },
  });
  return count;
}
