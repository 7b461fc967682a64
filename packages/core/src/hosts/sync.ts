import type { Db, Tx } from "@virtfn/db";
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
}

/**
 * Records what the agent observed: facts, PFs and VFs. VFs that vanished while a NIC holds them
 * become Missing rather than disappearing, so nothing that a VM owns is forgotten.
 */
export async function applyObservedHost(
  db: Db,
  hostId: string,
  observed: ObservedHost,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const { facts, health } = observed;
    await tx.host.update({
      where: { id: hostId },
      data: {
        connectionState: "Connected",
        connectionReason: null,
        lastSeenAt: new Date(),
        bootId: health.bootId,
        agentVersion: health.version,
        agentBackend: health.backend,
        cpuModel: facts.cpuModel,
        cpuCount: facts.cpuCount,
        memoryMiB: facts.memoryMiB,
        cpuVirtualization: facts.cpuVirtualization,
        iommuKernelArgSet: facts.iommu.kernelArgSet,
        iommuActive: facts.iommu.active,
        interruptRemapping: facts.iommu.interruptRemapping,
        allowUnsafeInterrupts: facts.iommu.allowUnsafeInterrupts,
        rebootRequired: facts.iommu.rebootRequired,
      },
    });
    await syncPhysicalNics(tx, hostId, observed.nics);
  });
}

async function syncPhysicalNics(tx: Tx, hostId: string, nics: ObservedNic[]): Promise<void> {
  const reported = new Set(nics.map((nic) => nic.pciAddress));
  const stale = await tx.physicalNic.findMany({
    where: { hostId, pciAddress: { notIn: [...reported] } },
    select: {
      id: true,
      virtualFunctions: { select: { id: true, heldBy: { select: { id: true } } } },
    },
  });
  for (const pf of stale) {
    const held = pf.virtualFunctions.filter((vf) => vf.heldBy !== null).map((vf) => vf.id);
    if (held.length === 0) await tx.physicalNic.delete({ where: { id: pf.id } });
    else
      await tx.virtualFunction.updateMany({
        where: { id: { in: held } },
        data: { state: "Missing" },
      });
  }
  for (const nic of nics) {
    const data = {
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
    };
    const pf = await tx.physicalNic.upsert({
      where: { hostId_pciAddress: { hostId, pciAddress: nic.pciAddress } },
      create: { hostId, pciAddress: nic.pciAddress, ...data },
      update: data,
    });
    await syncVirtualFunctions(tx, hostId, pf.id, nic.vfs);
  }
}

async function syncVirtualFunctions(
  tx: Tx,
  hostId: string,
  pfId: string,
  vfs: ObservedNic["vfs"],
): Promise<void> {
  const known = await tx.virtualFunction.findMany({
    where: { pfId },
    select: {
      id: true,
      index: true,
      pciAddress: true,
      state: true,
      heldBy: { select: { id: true } },
    },
  });
  const reportedByIndex = new Map(vfs.map((vf) => [vf.index, vf]));
  const gone = known.filter((vf) => {
    const now = reportedByIndex.get(vf.index);
    return !now || now.pciAddress !== vf.pciAddress;
  });
  const goneFree = gone.filter((vf) => vf.heldBy === null).map((vf) => vf.id);
  const goneHeld = gone.filter((vf) => vf.heldBy !== null).map((vf) => vf.id);
  if (goneFree.length > 0) await tx.virtualFunction.deleteMany({ where: { id: { in: goneFree } } });
  if (goneHeld.length > 0) {
    await tx.virtualFunction.updateMany({
      where: { id: { in: goneHeld } },
      data: { state: "Missing", stateChangedAt: new Date() },
    });
  }
  const knownByIndex = new Map(
    known.filter((vf) => !gone.includes(vf)).map((vf) => [vf.index, vf]),
  );
  const fresh = vfs.filter((vf) => !knownByIndex.has(vf.index));
  if (fresh.length > 0) {
    await tx.virtualFunction.createMany({
      data: fresh.map((vf) => ({
        pfId,
        hostId,
        index: vf.index,
        pciAddress: vf.pciAddress,
        driver: vf.driver,
        mac: vf.mac,
        state: "Available" as const,
      })),
    });
  }
  const returned = [...knownByIndex.values()].filter((vf) => vf.state === "Missing");
  for (const vf of returned) {
    await tx.virtualFunction.update({
      where: { id: vf.id },
      data: { state: vf.heldBy ? "Attached" : "Available", stateChangedAt: new Date() },
    });
  }
}

export async function markHostDisconnected(db: Db, hostId: string, reason: string): Promise<void> {
  await db.host.update({
    where: { id: hostId },
    data: { connectionState: "Disconnected", connectionReason: reason },
  });
}
