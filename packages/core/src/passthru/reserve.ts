import type { Db, Tx } from "@virtfn/db";
import { requireAdmin, type Actor } from "../shared/actor";
import { DomainError, ErrorCode, notFound } from "../shared/errors";
import { checkDevicesOnOneHost, unavailableReason } from "./rules";

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
  purpose: "start" | "create" = "start",
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
        purpose === "start"
          ? `${vm.name} cannot start on ${host.name}: ${why ?? "the device is gone"}; the VM stays stopped.`
          : `${vm.name} cannot be created on ${host.name} with its devices: ${why ?? "the device is gone"}; nothing was created.`,
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

/**
 * The host a create with whole devices must be placed on (issue 17): admins only, every device
 * known and on one host. Whether each can be held is decided under its lock (givePciDevices).
 */
export async function hostOfPciDevices(
  db: Db,
  actor: Actor,
  pciDeviceIds: readonly string[],
): Promise<{ id: string; name: string }> {
  requireAdmin(actor, "give whole PCI devices to a VM");
  const devices = await db.pciDevice.findMany({
    where: { id: { in: [...pciDeviceIds] } },
    select: { id: true, pciAddress: true, host: { select: { id: true, name: true } } },
  });
  for (const id of pciDeviceIds)
    if (!devices.some((d) => d.id === id)) throw notFound("PCI device", id);
  checkDevicesOnOneHost(devices.map((d) => d.host));
  const host = devices[0]?.host;
  if (!host) throw notFound("PCI device", pciDeviceIds.join(", "));
  return host;
}

/**
 * Gives a VM being created its devices and holds them, in the create's transaction: the VM and
 * its VFs exist only if every device is held too (acquirePciDevices: locked, re-checked, one
 * holder by the unique index).
 */
export async function givePciDevices(
  tx: Tx,
  vm: { id: string; name: string },
  host: { id: string; name: string },
  pciDeviceIds: readonly string[],
): Promise<string[]> {
  await tx.vmPciDevice.createMany({
    data: pciDeviceIds.map((pciDeviceId) => ({ vmId: vm.id, pciDeviceId })),
  });
  return acquirePciDevices(tx, vm, host, "create");
}
