import { seedDemo, type Actor } from "@virtfn/core";
import type { Db, NicType } from "@virtfn/db";
import { createTestDatabase, type TestDatabase } from "@virtfn/db/testing";

export interface CoreFixture {
  database: TestDatabase;
  db: Db;
  admin: Actor;
  tenant: Actor;
  zoneId: string;
  clusterA: string;
  clusterB: string;
  cleanup(): Promise<void>;
}

/** A fresh database with the demo zone, clusters, users and project; no hosts, no agents. */
export async function createCoreFixture(label: string): Promise<CoreFixture> {
  const database = await createTestDatabase(label);
  const { db } = database;
  await seedDemo(db, []);
  const admin = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
  const tenant = await db.user.findUniqueOrThrow({
    where: { username: "tenant" },
    include: { memberships: true },
  });
  const zone = await db.zone.findUniqueOrThrow({ where: { name: "zone-1" } });
  const clusterA = await db.cluster.findFirstOrThrow({ where: { name: "cluster-a" } });
  const clusterB = await db.cluster.findFirstOrThrow({ where: { name: "cluster-b" } });
  return {
    database,
    db,
    admin: { userId: admin.id, username: admin.username, role: "Admin", projectIds: [] },
    tenant: {
      userId: tenant.id,
      username: tenant.username,
      role: "Tenant",
      projectIds: tenant.memberships.map((m) => m.projectId),
    },
    zoneId: zone.id,
    clusterA: clusterA.id,
    clusterB: clusterB.id,
    cleanup: () => database.drop(),
  };
}

/** Rows that a rejected network request must leave alone. */
export async function networkFootprint(db: Db) {
  const [l2s, l3s, ranges, attachments, pools, audits] = await Promise.all([
    db.l2Network.findMany({ orderBy: { id: "asc" } }),
    db.l3Network.findMany({ orderBy: { id: "asc" } }),
    db.ipRange.count(),
    db.l2ClusterAttachment.count(),
    db.vxlanPool.count(),
    db.auditEvent.count(),
  ]);
  return { l2s, l3s, ranges, attachments, pools, audits };
}

let seq = 0;

/** A stopped VM with one NIC on an L3, written directly: the VM service comes with a later issue. */
export async function insertVmNic(
  db: Db,
  args: { l3Id: string; ip: string; type: NicType; clusterId?: string },
) {
  seq += 1;
  const project = await db.project.findFirstOrThrow({ where: { name: "demo-project" } });
  const offering = await db.instanceOffering.findFirstOrThrow();
  const image = await db.image.findFirstOrThrow();
  const vm = await db.vm.create({
    data: {
      projectId: project.id,
      name: `vm-${seq}`,
      offeringId: offering.id,
      imageId: image.id,
      state: "Stopped",
      clusterId: args.clusterId ?? null,
    },
  });
  const nic = await db.vmNic.create({
    data: {
      vmId: vm.id,
      l3Id: args.l3Id,
      deviceIndex: 0,
      ip: args.ip,
      mac: `52:54:00:bb:00:${seq.toString(16).padStart(2, "0")}`,
      type: args.type,
    },
  });
  return { vm, nic };
}

/** A host row with PFs and VFs as a sim agent would have reported them. */
export async function insertHost(
  db: Db,
  args: {
    name: string;
    clusterId: string;
    connected?: boolean;
    iommuActive?: boolean;
    pfs: Array<{
      name: string;
      totalVfs: number;
      vfs?: number;
      inUse?: number;
      bondName?: string;
      bondSlaves?: string[];
    }>;
  },
) {
  seq += 1;
  const host = await db.host.create({
    data: {
      name: args.name,
      clusterId: args.clusterId,
      agentUrl: `http://127.0.0.1:${20000 + seq}`,
      agentToken: "test-token-123456",
      connectionState: args.connected === false ? "Disconnected" : "Connected",
      connectionReason: args.connected === false ? "agent unreachable" : null,
      iommuEnabled: true,
      iommuKernelArgSet: true,
      iommuActive: args.iommuActive ?? true,
    },
  });
  for (const [i, spec] of args.pfs.entries()) {
    const vfs = spec.vfs ?? 0;
    const pf = await db.physicalNic.create({
      data: {
        hostId: host.id,
        name: spec.name,
        pciAddress: `0000:0${i + 1}:00.0`,
        vendorId: "8086",
        deviceId: "1521",
        model: "I350",
        driver: "igb",
        totalVfs: spec.totalVfs,
        numVfs: vfs,
        bondName: spec.bondName ?? null,
        bondSlaves: spec.bondSlaves ?? [],
        virtualizationState:
          spec.totalVfs === 0 ? "NotVirtualizable" : vfs > 0 ? "Virtualized" : "Virtualizable",
      },
    });
    if (vfs > 0) {
      await db.virtualFunction.createMany({
        data: Array.from({ length: vfs }, (_, index) => ({
          pfId: pf.id,
          hostId: host.id,
          index,
          pciAddress: `0000:0${i + 1}:10.${index}`,
          state: index < (spec.inUse ?? 0) ? ("Attached" as const) : ("Available" as const),
        })),
      });
    }
  }
  return host;
}
