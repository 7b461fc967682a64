import type { Db, Tx } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { requireAdmin, type Actor } from "../shared/actor";
import { retryTransaction } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { lockVm, TX_OPTIONS } from "../vms/access";
import { markContextOf } from "./queries";
import { checkAssign, checkMarkAssignable, checkUnmarkAssignable } from "./rules";
import {
  setAssignableInput,
  vmPciDeviceInput,
  type SetAssignableInput,
  type VmPciDeviceInput,
} from "./schemas";

/**
 * Locks a device row, after the PF at its address when it is a NIC's: split (sriov/commands.ts)
 * locks the PF first too, so marking and splitting one PF happen one after the other.
 */
async function lockDevice(tx: Tx, pciDeviceId: string) {
  const peek = await tx.pciDevice.findUnique({
    where: { id: pciDeviceId },
    select: { hostId: true, pciAddress: true },
  });
  if (!peek) throw notFound("PCI device", pciDeviceId);
  await tx.$queryRaw`SELECT id FROM "PhysicalNic"
    WHERE "hostId" = ${peek.hostId}::uuid AND "pciAddress" = ${peek.pciAddress} FOR UPDATE`;
  await tx.$queryRaw`SELECT id FROM "PciDevice" WHERE id = ${pciDeviceId}::uuid FOR UPDATE`;
  const device = await tx.pciDevice.findUnique({
    where: { id: pciDeviceId },
    include: {
      host: { select: { name: true } },
      wantedBy: { select: { vm: { select: { name: true } } } },
    },
  });
  if (!device) throw notFound("PCI device", pciDeviceId);
  return device;
}

/** An admin marks a device assignable for passthrough, or takes that back (issue 17). */
export async function setPciDeviceAssignable(db: Db, actor: Actor, rawInput: SetAssignableInput) {
  requireAdmin(actor, "mark PCI devices for passthrough");
  const input = setAssignableInput.parse(rawInput);
  return retryTransaction(() =>
    db.$transaction(async (tx) => {
      const device = await lockDevice(tx, input.pciDeviceId);
      if (input.assignable) checkMarkAssignable(device, await markContextOf(tx, device));
      else
        checkUnmarkAssignable(
          device,
          device.wantedBy.map((w) => w.vm.name),
        );
      const updated = await tx.pciDevice.update({
        where: { id: device.id },
        data: { assignable: input.assignable },
      });
      await recordAudit(tx, actor, {
        action: "pciDevice.setAssignable",
        targetType: "PciDevice",
        targetId: device.id,
        outcome: "Success",
        details: {
          host: device.host.name,
          pciAddress: device.pciAddress,
          assignable: input.assignable,
        },
      });
      return updated;
    }, TX_OPTIONS),
  );
}

/** Gives a stopped VM a whole device of its host; it holds it from its next start. Admins only. */
export async function assignPciDevice(db: Db, actor: Actor, rawInput: VmPciDeviceInput) {
  requireAdmin(actor, "give VMs whole PCI devices");
  const input = vmPciDeviceInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const vm = await lockVm(tx, actor, input.vmId);
    const device = await lockDevice(tx, input.pciDeviceId);
    checkAssign(device, vm);
    const { count } = await tx.vmPciDevice.createMany({
      data: [{ vmId: vm.id, pciDeviceId: device.id }],
      skipDuplicates: true,
    });
    if (count === 0)
      throw alreadyExists("VM PCI device", "pciDeviceId", device.pciAddress, "address");
    await recordAudit(tx, actor, {
      action: "pciDevice.assign",
      targetType: "Vm",
      targetId: vm.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: { name: vm.name, pciAddress: device.pciAddress, host: device.host.name },
    });
    return { vmId: vm.id, pciDeviceId: device.id, pciAddress: device.pciAddress };
  }, TX_OPTIONS);
}

/** Takes a device away from a stopped VM (a running one holds it: stop it first). */
export async function unassignPciDevice(db: Db, actor: Actor, rawInput: VmPciDeviceInput) {
  requireAdmin(actor, "take whole PCI devices from VMs");
  const input = vmPciDeviceInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const vm = await lockVm(tx, actor, input.vmId);
    const row = await tx.vmPciDevice.findUnique({
      where: { vmId_pciDeviceId: { vmId: vm.id, pciDeviceId: input.pciDeviceId } },
      include: { device: { select: { pciAddress: true } } },
    });
    if (!row) throw notFound("VM PCI device", input.pciDeviceId);
    if (row.heldId !== null)
      throw new DomainError(
        ErrorCode.VM_NOT_STOPPED,
        "CONFLICT",
        `${vm.name} holds ${row.device.pciAddress} while it runs; stop it first.`,
        { vm: vm.name, pciAddress: row.device.pciAddress },
      );
    await tx.vmPciDevice.delete({ where: { id: row.id } });
    await recordAudit(tx, actor, {
      action: "pciDevice.unassign",
      targetType: "Vm",
      targetId: vm.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: { name: vm.name, pciAddress: row.device.pciAddress },
    });
    return { vmId: vm.id, pciDeviceId: input.pciDeviceId };
  }, TX_OPTIONS);
}
