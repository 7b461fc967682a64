import { z } from "zod";
import {
  Prisma,
  queryRows,
  type DbOrTx,
  type PciDevice,
  type SqlClient,
  type Tx,
} from "@virtfn/db";
import { requireInventoryReader, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
import { verdictOf, type Verdict } from "../shared/verdict";
import { visibleVm } from "../vms/access";
import {
  checkAssign,
  checkCreatableChoice,
  checkMarkAssignable,
  checkUnmarkAssignable,
  unavailableReason,
  type CreatableDeviceFacts,
  type MarkContext,
} from "./rules";
import {
  creatablePciDevicesInput,
  hostPciDevicesInput,
  vmPciDevicesInput,
  type CreatablePciDevicesInput,
} from "./schemas";

/** The addresses of the devices a VM is given (held or not). */
export async function assignedPciAddresses(db: DbOrTx, vmId: string): Promise<string[]> {
  const rows = await db.vmPciDevice.findMany({
    where: { vmId },
    select: { device: { select: { pciAddress: true } } },
  });
  return rows.map((row) => row.device.pciAddress);
}

/** The PciDevice at a PF's address, when the agent reports one. */
export async function pciDeviceAt(
  db: SqlClient,
  hostId: string,
  pciAddress: string,
): Promise<{ assignable: boolean } | null> {
  // A plain statement: every split request asks inside its transaction.
  const [row] = await queryRows(
    db,
    Prisma.sql`
    SELECT assignable FROM "PciDevice"
     WHERE "hostId" = ${hostId}::uuid AND "pciAddress" = ${pciAddress}`,
  );
  return row === undefined ? null : z.object({ assignable: z.boolean() }).parse(row);
}

/** What checkMarkAssignable needs to know about a device's surroundings. */
export async function markContextOf(db: DbOrTx | Tx, device: PciDevice): Promise<MarkContext> {
  const host = await db.host.findUniqueOrThrow({
    where: { id: device.hostId },
    select: { name: true, iommuActive: true, clusterId: true },
  });
  const [peers, pf] = await Promise.all([
    device.iommuGroup === null
      ? Promise.resolve([])
      : db.pciDevice.findMany({
          where: { hostId: device.hostId, iommuGroup: device.iommuGroup, id: { not: device.id } },
          select: { pciAddress: true },
          orderBy: { pciAddress: "asc" },
        }),
    db.physicalNic.findUnique({
      where: { hostId_pciAddress: { hostId: device.hostId, pciAddress: device.pciAddress } },
      select: { name: true, bondName: true, numVfs: true, desiredNumVfs: true },
    }),
  ]);
  const interfaces = [pf?.name, pf?.bondName].filter((n): n is string => typeof n === "string");
  const l2s =
    interfaces.length === 0
      ? []
      : await db.l2Network.findMany({
          where: {
            physicalInterface: { in: interfaces },
            clusters: { some: { clusterId: host.clusterId } },
          },
          select: { name: true },
          orderBy: { name: "asc" },
        });
  return {
    host,
    groupPeers: peers.map((p) => p.pciAddress),
    pf,
    l2Names: l2s.map((l2) => l2.name),
  };
}

export interface HostPciDeviceRow {
  id: string;
  pciAddress: string;
  classCode: string;
  vendorId: string;
  deviceId: string;
  driver: string | null;
  iommuGroup: number | null;
  numaNode: number | null;
  sriovNumVfs: number | null;
  assignable: boolean;
  missing: boolean;
  /** The VM holding it now (running), if any. */
  heldBy: { id: string; name: string } | null;
  /** The VMs given it (stopped ones let go of it). */
  assignedTo: Array<{ id: string; name: string }>;
  /** "available" only when assignable, present and unheld: a VM given it can start. */
  availability: "available" | "held" | "notAssignable" | "missing";
  verdicts: { mark: Verdict; unmark: Verdict };
}

function availabilityOf(
  device: PciDevice,
  heldBy: { name: string } | null,
): HostPciDeviceRow["availability"] {
  if (device.missing) return "missing";
  if (!device.assignable) return "notAssignable";
  return heldBy === null ? "available" : "held";
}

/** A host's PCI devices with who holds or is given each, and the admin's verdicts (issue 17). */
export async function listHostPciDevices(
  db: DbOrTx,
  actor: Actor,
  rawInput: { hostId: string },
): Promise<HostPciDeviceRow[]> {
  requireInventoryReader(actor);
  const { hostId } = hostPciDevicesInput.parse(rawInput);
  const host = await db.host.findUnique({ where: { id: hostId }, select: { id: true } });
  if (!host) throw notFound("Host", hostId);
  const devices = await db.pciDevice.findMany({
    where: { hostId },
    include: {
      heldBy: { select: { vm: { select: { id: true, name: true } } } },
      wantedBy: { select: { vm: { select: { id: true, name: true } } } },
    },
    orderBy: { pciAddress: "asc" },
  });
  return Promise.all(
    devices.map(async (device) => {
      const heldBy = device.heldBy?.vm ?? null;
      const assignedTo = device.wantedBy.map((w) => w.vm);
      const context = await markContextOf(db, device);
      const { heldBy: _held, wantedBy: _wanted, hostId: _host, updatedAt: _at, ...fields } = device;
      return {
        ...fields,
        heldBy,
        assignedTo,
        availability: availabilityOf(device, heldBy),
        verdicts: {
          mark: device.assignable
            ? { allowed: false, reason: "It is already assignable.", code: null }
            : verdictOf(() => checkMarkAssignable(device, context)),
          unmark: device.assignable
            ? verdictOf(() =>
                checkUnmarkAssignable(
                  device,
                  assignedTo.map((vm) => vm.name),
                ),
              )
            : { allowed: false, reason: "It is not assignable.", code: null },
        },
      };
    }),
  );
}

export interface VmPciDevices {
  /** The devices the VM is given, and whether it holds each now. */
  assigned: Array<{
    pciDeviceId: string;
    pciAddress: string;
    vendorId: string;
    deviceId: string;
    classCode: string;
    held: boolean;
    /** Why a start would not get it now; null when it would. */
    unavailable: string | null;
  }>;
  /** Assignable devices of the VM's host not given to it yet, each with the assign verdict. */
  candidates: Array<{
    pciDeviceId: string;
    pciAddress: string;
    vendorId: string;
    deviceId: string;
    classCode: string;
    heldBy: string | null;
    verdict: Verdict;
  }>;
}

/** A VM's whole devices and what could be given to it (its host's assignable ones). */
export async function listVmPciDevices(
  db: DbOrTx,
  actor: Actor,
  rawInput: { vmId: string },
): Promise<VmPciDevices> {
  const { vmId } = vmPciDevicesInput.parse(rawInput);
  const vm = await visibleVm(db, actor, vmId, false);
  const rows = await db.vmPciDevice.findMany({
    where: { vmId },
    include: { device: { include: { heldBy: { select: { vm: { select: { name: true } } } } } } },
    orderBy: { createdAt: "asc" },
  });
  const givenIds = new Set(rows.map((row) => row.pciDeviceId));
  const pool =
    vm.hostId === null
      ? []
      : await db.pciDevice.findMany({
          where: { hostId: vm.hostId, assignable: true, id: { notIn: [...givenIds] } },
          include: { heldBy: { select: { vm: { select: { name: true } } } } },
          orderBy: { pciAddress: "asc" },
        });
  const summary = (d: PciDevice) => ({
    pciDeviceId: d.id,
    pciAddress: d.pciAddress,
    vendorId: d.vendorId,
    deviceId: d.deviceId,
    classCode: d.classCode,
  });
  return {
    assigned: rows.map((row) => ({
      ...summary(row.device),
      held: row.heldId !== null,
      unavailable:
        row.heldId !== null
          ? null
          : unavailableReason({ ...row.device, holderVm: row.device.heldBy?.vm.name ?? null }),
    })),
    candidates: pool.map((device) => ({
      ...summary(device),
      heldBy: device.heldBy?.vm.name ?? null,
      verdict: verdictOf(() => checkAssign(device, vm)),
    })),
  };
}

export interface CreatablePciDevices {
  /** Whether the actor may give devices at create; when not, `reason` says why. */
  canChoose: boolean;
  reason: string | null;
  /**
   * Every assignable device: why a create could not hold it now (null: it can), and whether it
   * may join the devices chosen so far (checkCreatableChoice), so the picker greys it out with
   * core's reason instead of judging hosts itself.
   */
  devices: Array<{
    pciDeviceId: string;
    pciAddress: string;
    vendorId: string;
    deviceId: string;
    classCode: string;
    hostId: string;
    hostName: string;
    unavailable: string | null;
    choice: Verdict;
  }>;
}

/**
 * The create form's device picker (issue 17): assignable devices of every host with their
 * availability and, given the devices ticked so far, whether each may be ticked too. Whole
 * devices are admins' to give (a device is a host's hardware, not a project's quota); a tenant
 * gets the reason instead of a list.
 */
export async function listCreatablePciDevices(
  db: DbOrTx,
  actor: Actor,
  rawInput: CreatablePciDevicesInput = {},
): Promise<CreatablePciDevices> {
  const { chosen } = creatablePciDevicesInput.parse(rawInput);
  if (actor.role !== "Admin")
    return {
      canChoose: false,
      reason: "Only admins give whole PCI devices to VMs; ask one to create it or give it later.",
      devices: [],
    };
  const rows = await db.pciDevice.findMany({
    where: { assignable: true },
    include: {
      host: { select: { id: true, name: true, connectionState: true, maintenance: true } },
      heldBy: { select: { vm: { select: { name: true } } } },
    },
    orderBy: [{ host: { name: "asc" } }, { pciAddress: "asc" }],
  });
  const devices = rows.map((device) => ({
    row: device,
    facts: {
      pciDeviceId: device.id,
      pciAddress: device.pciAddress,
      host: { id: device.host.id, name: device.host.name },
      unavailable:
        unavailableReason({ ...device, holderVm: device.heldBy?.vm.name ?? null }) ??
        (device.host.connectionState !== "Connected"
          ? `${device.host.name} is not connected`
          : device.host.maintenance
            ? `${device.host.name} is in maintenance`
            : null),
    } satisfies CreatableDeviceFacts,
  }));
  const chosenFacts = (except: string) =>
    devices.flatMap(({ facts }) =>
      facts.pciDeviceId !== except && chosen.includes(facts.pciDeviceId) ? [facts] : [],
    );
  return {
    canChoose: true,
    reason: null,
    devices: devices.map(({ row, facts }) => ({
      pciDeviceId: row.id,
      pciAddress: row.pciAddress,
      vendorId: row.vendorId,
      deviceId: row.deviceId,
      classCode: row.classCode,
      hostId: row.host.id,
      hostName: row.host.name,
      unavailable: facts.unavailable,
      choice: verdictOf(() => checkCreatableChoice(facts, chosenFacts(facts.pciDeviceId))),
    })),
  };
}
