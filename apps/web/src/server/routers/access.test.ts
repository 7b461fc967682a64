// Who may call the SR-IOV and network procedures (R15): the role checks run before any core
// call, so a fake database that throws on touch proves nothing was read or written.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCaller } from "../root";
import type { Context } from "../trpc";

const untouchable = new Proxy(
  {},
  {
    get() {
      throw new Error("the database must not be touched");
    },
  },
) as Context["db"];

function caller(role: "Admin" | "Tenant" | "Auditor" | null) {
  const actor = role
    ? {
        userId: "00000000-0000-4000-8000-000000000001",
        username: role.toLowerCase(),
        role,
        projectIds: [],
      }
    : null;
  return createCaller({
    actor,
    requestId: "req-access",
    sessionToken: undefined,
    headers: new Headers(),
    resHeaders: new Headers(),
    url: undefined,
    db: untouchable,
  });
}

const id = "00000000-0000-4000-8000-0000000000aa";
type Api = ReturnType<typeof caller>;
const mutations: Array<[string, (api: Api) => Promise<unknown>]> = [
  ["sriov.split", (api) => api.sriov.split({ pfId: id, count: 4 })],
  ["sriov.restore", (api) => api.sriov.restore({ pfId: id, force: true })],
  [
    "sriov.createPool",
    (api) => api.sriov.createPool({ pfId: id, name: "gold", range: "#0-3", l2Ids: [id] }),
  ],
  ["sriov.deletePool", (api) => api.sriov.deletePool({ poolId: id })],
  [
    "fleet.start",
    (api) =>
      api.fleet.start({
        action: "restore",
        selection: { clusterIds: [id], interfaceName: "p1p1" },
      }),
  ],
  [
    "fleet.preview",
    (api) =>
      api.fleet.preview({ action: "split", count: 4, selection: { clusterIds: [id], model: "x" } }),
  ],
  [
    "networks.l2.create",
    (api) =>
      api.networks.l2.create({
        zoneId: id,
        name: "n",
        type: "Vlan",
        vlanId: 10,
        physicalInterface: "em1",
      }),
  ],
  ["networks.l2.update", (api) => api.networks.l2.update({ l2Id: id, sriovEnabled: true })],
  ["networks.l2.delete", (api) => api.networks.l2.delete({ l2Id: id })],
  [
    "networks.l2.attachCluster",
    (api) => api.networks.l2.attachCluster({ l2Id: id, clusterId: id }),
  ],
  [
    "networks.l2.detachCluster",
    (api) => api.networks.l2.detachCluster({ l2Id: id, clusterId: id }),
  ],
  [
    "networks.l3.create",
    (api) => api.networks.l3.create({ l2Id: id, name: "n", category: "Flat" }),
  ],
  ["networks.l3.update", (api) => api.networks.l3.update({ l3Id: id, sriovEnabled: true })],
  ["networks.l3.delete", (api) => api.networks.l3.delete({ l3Id: id })],
  [
    "networks.l3.addIpRange",
    (api) => api.networks.l3.addIpRange({ l3Id: id, range: { cidr: "10.0.0.0/24" } }),
  ],
  ["networks.l3.deleteIpRange", (api) => api.networks.l3.deleteIpRange({ ipRangeId: id })],
  [
    "networks.l3.setMigratable",
    (api) => api.networks.l3.setMigratable({ l3Id: id, migratable: true }),
  ],
  [
    "networks.vxlanPools.create",
    (api) => api.networks.vxlanPools.create({ zoneId: id, name: "p", vniStart: 1, vniEnd: 2 }),
  ],
  ["networks.vxlanPools.delete", (api) => api.networks.vxlanPools.delete({ poolId: id })],
  ["hosts.update", (api) => api.hosts.update({ hostId: id, name: "kvm-renamed" })],
  ["hosts.enterMaintenance", (api) => api.hosts.enterMaintenance({ hostId: id })],
  ["hosts.leaveMaintenance", (api) => api.hosts.leaveMaintenance({ hostId: id })],
];
const inventoryReads: Array<[string, (api: Api) => Promise<unknown>]> = [
  ["networks.l2.list", (api) => api.networks.l2.list({})],
  ["networks.l2.get", (api) => api.networks.l2.get({ l2Id: id })],
  ["networks.vxlanPools.list", (api) => api.networks.vxlanPools.list({})],
  ["sriov.availability", (api) => api.sriov.availability({ l3Id: id })],
  ["sriov.l2Availability", (api) => api.sriov.l2Availability({ l2Id: id })],
  ["sriov.overview", (api) => api.sriov.overview({})],
  ["sriov.pools", (api) => api.sriov.pools({ pfId: id })],
  ["sriov.pfCounters", (api) => api.sriov.pfCounters({ pfId: id })],
  ["fleet.get", (api) => api.fleet.get({ rolloutId: id })],
  ["fleet.list", (api) => api.fleet.list({})],
];

const catalogMutations: Array<[string, (api: Api) => Promise<unknown>]> = [
  [
    "catalog.createOffering",
    (api) => api.catalog.createOffering({ name: "o", vcpus: 1, memoryMiB: 512 }),
  ],
  ["catalog.deleteOffering", (api) => api.catalog.deleteOffering({ offeringId: id })],
  ["catalog.createImage", (api) => api.catalog.createImage({ name: "i", sizeGiB: 1 })],
  ["catalog.deleteImage", (api) => api.catalog.deleteImage({ imageId: id })],
];
const memberProcedures: Array<[string, (api: Api) => Promise<unknown>]> = [
  ["vms.list", (api) => api.vms.list({})],
  ["vms.get", (api) => api.vms.get({ vmId: id })],
  ["vms.createOptions", (api) => api.vms.createOptions({ projectId: id })],
  [
    "vms.create",
    (api) =>
      api.vms.create({
        projectId: id,
        name: "vm",
        offeringId: id,
        imageId: id,
        nics: [{ l3Id: id }],
      }),
  ],
  ["vms.start", (api) => api.vms.start({ vmId: id })],
  ["vms.stop", (api) => api.vms.stop({ vmId: id })],
  ["vms.reboot", (api) => api.vms.reboot({ vmId: id })],
  ["vms.delete", (api) => api.vms.delete({ vmId: id })],
  ["vms.migrate", (api) => api.vms.migrate({ vmId: id })],
  ["vms.checkStorageMigration", (api) => api.vms.checkStorageMigration({ vmId: id })],
  ["vms.attachNic", (api) => api.vms.attachNic({ vmId: id, l3Id: id, sriov: true })],
  ["vms.detachNic", (api) => api.vms.detachNic({ nicId: id })],
  ["vms.setNicType", (api) => api.vms.setNicType({ nicId: id, type: "VF" })],
  ["vms.setNicMigratable", (api) => api.vms.setNicMigratable({ nicId: id, migratable: true })],
  ["vms.migrationProgress", (api) => api.vms.migrationProgress({ vmId: id })],
  ["vms.nicCounters", (api) => api.vms.nicCounters({ nicId: id })],
  ["vms.setNicVfPort", (api) => api.vms.setNicVfPort({ nicId: id, linkState: "disable" })],
  ["catalog.offerings", (api) => api.catalog.offerings()],
  ["catalog.images", (api) => api.catalog.images()],
  ["netservices.qos.set", (api) => api.netservices.qos.set({ nicId: id, inboundKbps: 1000 })],
  ["netservices.qos.remove", (api) => api.netservices.qos.remove({ nicId: id })],
  [
    "netservices.securityGroups.list",
    (api) => api.netservices.securityGroups.list({ projectId: id }),
  ],
  [
    "netservices.securityGroups.create",
    (api) => api.netservices.securityGroups.create({ projectId: id, name: "sg" }),
  ],
  [
    "netservices.securityGroups.delete",
    (api) => api.netservices.securityGroups.delete({ securityGroupId: id }),
  ],
  [
    "netservices.securityGroups.addRule",
    (api) =>
      api.netservices.securityGroups.addRule({
        securityGroupId: id,
        direction: "ingress",
        protocol: "tcp",
      }),
  ],
  [
    "netservices.securityGroups.removeRule",
    (api) => api.netservices.securityGroups.removeRule({ ruleId: id }),
  ],
  [
    "netservices.securityGroups.addMember",
    (api) => api.netservices.securityGroups.addMember({ securityGroupId: id, nicId: id }),
  ],
  [
    "netservices.securityGroups.removeMember",
    (api) => api.netservices.securityGroups.removeMember({ securityGroupId: id, nicId: id }),
  ],
  ["netservices.eips.list", (api) => api.netservices.eips.list({ projectId: id })],
  [
    "netservices.eips.create",
    (api) => api.netservices.eips.create({ projectId: id, name: "e", vipL3Id: id }),
  ],
  ["netservices.eips.delete", (api) => api.netservices.eips.delete({ eipId: id })],
  ["netservices.eips.attach", (api) => api.netservices.eips.attach({ eipId: id, nicId: id })],
  ["netservices.eips.detach", (api) => api.netservices.eips.detach({ eipId: id })],
];

// Reaching the fake database is logged as an unexpected failure; keep the output quiet.
beforeEach(() => void vi.spyOn(console, "error").mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

describe("SR-IOV, network, VM, catalog and network-service procedures: who may call them", () => {
  it.each(mutations)("%s is for admins only (R15)", async (_name, call) => {
    for (const role of ["Tenant", "Auditor"] as const) {
      await expect(call(caller(role))).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(call(caller(null))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it.each(inventoryReads)("%s is for admins and auditors", async (_name, call) => {
    await expect(call(caller("Tenant"))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(call(caller(null))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    // An auditor gets past the check and reaches the (untouchable) database.
    await expect(call(caller("Auditor"))).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
  });

  it("L3 list and get are open to any signed-in user, not to anonymous callers", async () => {
    await expect(caller(null).networks.l3.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller("Tenant").networks.l3.list({})).rejects.toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
    });
    await expect(caller("Tenant").networks.l3.get({ l3Id: id })).rejects.toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
    });
  });

  it.each(catalogMutations)("%s is for admins only", async (_name, call) => {
    for (const role of ["Tenant", "Auditor"] as const) {
      await expect(call(caller(role))).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(call(caller(null))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(call(caller("Admin"))).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
  });

  it.each(memberProcedures)(
    "%s is for any signed-in user (core scopes it to the project), not anonymous callers",
    async (_name, call) => {
      await expect(call(caller(null))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      // Past the role check, the call reaches core: the (untouchable) database, core's own project
      // check (an unseen project is NOT_FOUND; a project it sees but may not write to, FORBIDDEN),
      // or what core answers.
      for (const role of ["Tenant", "Auditor"] as const) {
        const outcome = await call(caller(role)).then(
          () => "resolved",
          (error: { code?: string }) => error.code,
        );
        expect(["INTERNAL_SERVER_ERROR", "FORBIDDEN", "NOT_FOUND", "resolved"]).toContain(outcome);
      }
      await expect(call(caller("Admin"))).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    },
  );

  it("a tenant cannot create a VM or read create options in a project it is not a member of", async () => {
    const create = (role: "Tenant" | "Auditor") =>
      caller(role).vms.create({
        projectId: id,
        name: "vm",
        offeringId: id,
        imageId: id,
        nics: [{ l3Id: id, sriov: true }],
      });
    // One visibility answer: the tenant's write names a project it cannot see, so NOT_FOUND as
    // for its reads; the auditor sees every project and is refused the write.
    await expect(create("Tenant")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(create("Auditor")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller("Tenant").vms.createOptions({ projectId: id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("split warnings (R13) need no database and are for admins and auditors", async () => {
    const input = { name: "p2p1", bondName: "bond0", bondSlaves: ["p2p1", "p2p2"] };
    await expect(caller("Admin").sriov.splitWarnings(input)).resolves.toEqual([
      "p2p1 is a slave of bond0; with a multi-slave bond split only one slave",
    ]);
    await expect(caller("Tenant").sriov.splitWarnings(input)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});
