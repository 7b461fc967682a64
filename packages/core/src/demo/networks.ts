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

  if (!(await existing(DEMO_SRIOV.l2))) {
    const l2 = await createL2Network(db, actor, {
      zoneId: zone.id,
      name: DEMO_SRIOV.l2,
      description: "Demo: VLAN 100 on the 82599 port p1p1, SR-IOV enabled",
      type: "Vlan",
      vlanId: 100,
      physicalInterface: DEMO_SRIOV.interface,
      sriovEnabled: true,
      clusterIds: [clusterA.id],
    });
    const l3 = await createL3Network(db, actor, {
      l2Id: l2.id,
      name: DEMO_SRIOV.l3,
      category: "Flat",
      sriovEnabled: true,
      gateway: "10.100.0.1",
      prefixLength: 24,
      dns: ["10.100.0.1"],
      ipRanges: [{ startIp: "10.100.0.10", endIp: "10.100.0.250" }],
    });
    // Issue 16: the L2 keeps trusted VFs off; this L3 allows them, so the demo tenant can ask.
    await updateL3Network(db, actor, { l3Id: l3.id, vfAllowTrust: true });
  }
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

/**
 * Splits the demo PF once its host has reported its NICs. Returns false while the host is not
 * there yet or still busy with its connect (the reconciler may have started one); a PF that
 * already has a desired count is left alone.
 */
export async function splitDemoPf(db: Db): Promise<boolean> {
  const pf = await db.physicalNic.findFirst({
    where: {
      name: DEMO_SRIOV.interface,
      host: { name: DEMO_SRIOV.host, connectionState: "Connected" },
    },
  });
  if (!pf) return false;
  if (pf.desiredNumVfs !== null) return true;
  try {
    await splitPhysicalNic(db, await demoAdmin(db), { pfId: pf.id, count: DEMO_SRIOV.vfs });
  } catch (error) {
    if (isDomainError(error) && error.code === ErrorCode.OPERATION_IN_PROGRESS) return false;
    throw error;
  }
  return true;
}
