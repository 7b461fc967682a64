import type { Db } from "@virtfn/db";
import { createVfPool } from "../sriov/pools";
import type { Actor } from "../shared/actor";
import { ErrorCode, isDomainError } from "../shared/errors";
import { createVm } from "../vms/commands";
import { setNicVfPort } from "../vms/vf-ports";
import { DEMO_SRIOV, seedDemoSriovNetwork, splitDemoPf } from "./networks";

// Issue 16 in the demo (`npm start` only: the e2e stack counts the demo PFs' VFs from empty):
// an offering with a NUMA policy, a VF pool on the demo PF, and the demo tenant's running VM
// with a VF NIC whose port settings differ from the driver's defaults, so the VM page shows port
// settings and the VF's and the VM's NUMA node. That PF is an 82599, whose driver (ixgbe) keeps
// no VF counters, so its chart honestly shows none; a second running VM, on kvm-02's E810 (ice
// keeps them), shows VF traffic in its chart, the host's per-PF view and /metrics.

export const DEMO_SHOWCASE = {
  offering: { name: "numa-pinned", vcpus: 2, memoryMiB: 2048, vfNumaPolicy: "required" },
  pool: { name: "prod-reserved", range: "#0-3" },
  vm: "demo-web",
} as const;

/** The VM whose VF counters move, and its network on an E810 port (ice keeps VF counters). */
export const DEMO_COUNTERS = {
  pf: { host: "kvm-02", interface: "ens1f0", vfs: 8 },
  network: {
    l2: "stream-vlan200",
    l3: "stream-sriov",
    description: "Demo: VLAN 200 on the E810 port ens1f0, SR-IOV enabled",
    vlanId: 200,
    interface: "ens1f0",
    subnet: "10.200.0",
  },
  offering: "medium",
  vm: "demo-stream",
} as const;

async function actors(db: Db): Promise<{ admin: Actor; tenant: Actor; projectId: string }> {
  const [admin, tenant, project] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { username: "admin" } }),
    db.user.findUniqueOrThrow({ where: { username: "tenant" } }),
    db.project.findUniqueOrThrow({ where: { name: "demo-project" } }),
  ]);
  return {
    admin: { userId: admin.id, username: admin.username, role: "Admin", projectIds: [] },
    tenant: {
      userId: tenant.id,
      username: tenant.username,
      role: "Tenant",
      projectIds: [project.id],
    },
    projectId: project.id,
  };
}

/**
 * Idempotent. False while a demo PF is not split yet (the caller tries again); true once the
 * showcase is in place (created now or found).
 */
export async function seedDemoShowcase(db: Db): Promise<boolean> {
  const [web, stream] = await Promise.all([seedDemoWeb(db), seedDemoStream(db)]);
  return web && stream;
}

/** demo-web on the demo PF, with port settings, a NUMA policy and a VF pool. */
async function seedDemoWeb(db: Db): Promise<boolean> {
  const pf = await db.physicalNic.findFirst({
    where: { name: DEMO_SRIOV.interface, host: { name: DEMO_SRIOV.host } },
    select: { id: true, desiredNumVfs: true, _count: { select: { virtualFunctions: true } } },
  });
  if (!pf || pf._count.virtualFunctions < (pf.desiredNumVfs ?? DEMO_SRIOV.vfs)) return false;
  const { admin, tenant, projectId } = await actors(db);
  const { name, ...offering } = DEMO_SHOWCASE.offering;
  const pinned = await db.instanceOffering.upsert({
    where: { name },
    create: { name, ...offering },
    update: {},
  });
  const l3 = await db.l3Network.findFirstOrThrow({ where: { name: DEMO_SRIOV.l3 } });
  const mgmt = await db.l3Network.findFirstOrThrow({ where: { name: DEMO_SRIOV.mgmtL3 } });
  if (!(await db.vfPool.findFirst({ where: { pfId: pf.id, name: DEMO_SHOWCASE.pool.name } }))) {
    await createVfPool(db, admin, {
      pfId: pf.id,
      name: DEMO_SHOWCASE.pool.name,
      range: DEMO_SHOWCASE.pool.range,
      l2Ids: [l3.l2Id],
      projectIds: [projectId],
    }).catch((error: unknown) => {
      // An older data folder whose VMs hold those VFs elsewhere: the demo goes on without it.
      if (!isDomainError(error) || error.code !== ErrorCode.VF_POOL_HELD_OUTSIDE) throw error;
    });
  }
  if (await db.vm.findFirst({ where: { name: DEMO_SHOWCASE.vm, projectId } })) return true;
  const image = await db.image.findUniqueOrThrow({ where: { name: "debian-12" } });
  const { vm } = await createVm(db, tenant, {
    projectId,
    name: DEMO_SHOWCASE.vm,
    offeringId: pinned.id,
    imageId: image.id,
    nics: [{ l3Id: l3.id, sriov: true }, { l3Id: mgmt.id }],
  });
  const vfNic = await db.vmNic.findFirstOrThrow({ where: { vmId: vm.id, type: "VF" } });
  await setNicVfPort(db, tenant, { nicId: vfNic.id, linkState: "enable", trust: true });
  return true;
}

/** demo-stream, the tenant's VM with one VF NIC on kvm-02's E810 port, whose counters move. */
async function seedDemoStream(db: Db): Promise<boolean> {
  await seedDemoSriovNetwork(db, DEMO_COUNTERS.network);
  if (!(await splitDemoPf(db, DEMO_COUNTERS.pf))) return false;
  const pf = await db.physicalNic.findFirst({
    where: { name: DEMO_COUNTERS.pf.interface, host: { name: DEMO_COUNTERS.pf.host } },
    select: { desiredNumVfs: true, _count: { select: { virtualFunctions: true } } },
  });
  if (!pf || pf._count.virtualFunctions < (pf.desiredNumVfs ?? DEMO_COUNTERS.pf.vfs)) return false;
  const { tenant, projectId } = await actors(db);
  if (await db.vm.findFirst({ where: { name: DEMO_COUNTERS.vm, projectId } })) return true;
  const [offering, image, l3] = await Promise.all([
    db.instanceOffering.findUniqueOrThrow({ where: { name: DEMO_COUNTERS.offering } }),
    db.image.findUniqueOrThrow({ where: { name: "debian-12" } }),
    db.l3Network.findFirstOrThrow({ where: { name: DEMO_COUNTERS.network.l3 } }),
  ]);
  // The VF NIC alone: mgmt-net is on em1, which kvm-02 does not have.
  await createVm(db, tenant, {
    projectId,
    name: DEMO_COUNTERS.vm,
    offeringId: offering.id,
    imageId: image.id,
    nics: [{ l3Id: l3.id, sriov: true }],
  });
  return true;
}
