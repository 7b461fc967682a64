import type { Db } from "@virtfn/db";
import { createL2Network } from "../networks/l2";
import { createL3Network, updateL3Network } from "../networks/l3";
import type { Actor } from "../shared/actor";
import { ErrorCode, isDomainError } from "../shared/errors";
import { splitPhysicalNic } from "../sriov/commands";

/** The demo's SR-IOV network: VLAN 100 on kvm-01's 82599 port p1p1, split into 16 VFs. */
export const DEMO_SRIOV = {
  host: "kvm-01",
  interface: "p1p1",
  vfs: 16,
  l2: "prod-vlan100",
  l3: "prod-sriov",
  mgmtL2: "mgmt",
  mgmtL3: "mgmt-net",
} as const;

/** A demo host's port the demo splits into VFs. */
export interface DemoPf {
  host: string;
  interface: string;
  vfs: number;
}

/** A VLAN L2 on one port of cluster-a's hosts and its one L3, both with SR-IOV enabled. */
export interface DemoSriovNetwork {
  l2: string;
  l3: string;
  description: string;
  vlanId: number;
  interface: string;
  /** A /24: the gateway is .1, addresses are handed out from .10 to .250. */
  subnet: `${number}.${number}.${number}`;
  /** The L3 lets tenants ask for trusted VFs (the L2 keeps them off). */
  allowTrust?: boolean;
}

async function demoAdmin(db: Db): Promise<Actor> {
  const admin = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
  return { userId: admin.id, username: admin.username, role: "Admin", projectIds: [] };
}

/**
 * Networks a tenant can use at once: an SR-IOV VLAN network and a plain management network.
 * Idempotent, and needs no host: networks are records until a VM lands on them.
 */
export async function seedDemoNetworks(db: Db): Promise<void> {
  const actor = await demoAdmin(db);
  const zone = await db.zone.findUniqueOrThrow({ where: { name: "zone-1" } });
  const clusters = await db.cluster.findMany({
    where: { zoneId: zone.id },
    orderBy: { name: "asc" },
  });
  const clusterA = clusters.find((cluster) => cluster.name === "cluster-a");
  if (!clusterA) return;
  const existing = async (name: string) =>
    db.l2Network.findFirst({ where: { zoneId: zone.id, name } });

  await seedDemoSriovNetwork(db, {
    l2: DEMO_SRIOV.l2,
    l3: DEMO_SRIOV.l3,
    description: "Demo: VLAN 100 on the 82599 port p1p1, SR-IOV enabled",
    vlanId: 100,
    interface: DEMO_SRIOV.interface,
    subnet: "10.100.0",
    // Issue 16: the L2 keeps trusted VFs off; this L3 allows them, so the demo tenant can ask.
    allowTrust: true,
  });
  if (!(await existing(DEMO_SRIOV.mgmtL2))) {
    const l2 = await createL2Network(db, actor, {
      zoneId: zone.id,
      name: DEMO_SRIOV.mgmtL2,
      description: "Demo: untagged management network on em1 (vNICs only)",
      type: "NoVlan",
      physicalInterface: "em1",
      clusterIds: [clusterA.id],
    });
    await createL3Network(db, actor, {
      l2Id: l2.id,
      name: DEMO_SRIOV.mgmtL3,
      category: "Flat",
      gateway: "192.168.50.1",
      ipRanges: [{ cidr: "192.168.50.0/24" }],
    });
  }
}

/** Idempotent: an L2 of that name already there is left as it is. */
export async function seedDemoSriovNetwork(db: Db, network: DemoSriovNetwork): Promise<void> {
  const actor = await demoAdmin(db);
  const zone = await db.zone.findUniqueOrThrow({ where: { name: "zone-1" } });
  if (await db.l2Network.findFirst({ where: { zoneId: zone.id, name: network.l2 } })) return;
  const clusterA = await db.cluster.findFirst({ where: { zoneId: zone.id, name: "cluster-a" } });
  if (!clusterA) return;
  const l2 = await createL2Network(db, actor, {
    zoneId: zone.id,
    name: network.l2,
    description: network.description,
    type: "Vlan",
    vlanId: network.vlanId,
    physicalInterface: network.interface,
    sriovEnabled: true,
    clusterIds: [clusterA.id],
  });
  const l3 = await createL3Network(db, actor, {
    l2Id: l2.id,
    name: network.l3,
    category: "Flat",
    sriovEnabled: true,
    gateway: `${network.subnet}.1`,
    prefixLength: 24,
    dns: [`${network.subnet}.1`],
    ipRanges: [{ startIp: `${network.subnet}.10`, endIp: `${network.subnet}.250` }],
  });
  if (network.allowTrust === true)
    await updateL3Network(db, actor, { l3Id: l3.id, vfAllowTrust: true });
}

/**
 * Splits a demo PF (by default the demo's SR-IOV PF) once its host has reported its NICs.
 * Returns false while the host is not there yet or still busy with its connect (the reconciler
 * may have started one); a PF that already has a desired count is left alone.
 */
export async function splitDemoPf(db: Db, demoPf: DemoPf = DEMO_SRIOV): Promise<boolean> {
  const pf = await db.physicalNic.findFirst({
    where: {
      name: demoPf.interface,
      host: { name: demoPf.host, connectionState: "Connected" },
    },
  });
  if (!pf) return false;
  if (pf.desiredNumVfs !== null) return true;
  try {
    await splitPhysicalNic(db, await demoAdmin(db), { pfId: pf.id, count: demoPf.vfs });
  } catch (error) {
    if (isDomainError(error) && error.code === ErrorCode.OPERATION_IN_PROGRESS) return false;
    throw error;
  }
  return true;
}
