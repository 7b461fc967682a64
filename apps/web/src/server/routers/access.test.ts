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
    "networks.vxlanPools.create",
    (api) => api.networks.vxlanPools.create({ zoneId: id, name: "p", vniStart: 1, vniEnd: 2 }),
  ],
  ["networks.vxlanPools.delete", (api) => api.networks.vxlanPools.delete({ poolId: id })],
];
const inventoryReads: Array<[string, (api: Api) => Promise<unknown>]> = [
  ["networks.l2.list", (api) => api.networks.l2.list({})],
  ["networks.l2.get", (api) => api.networks.l2.get({ l2Id: id })],
  ["networks.vxlanPools.list", (api) => api.networks.vxlanPools.list({})],
  ["sriov.availability", (api) => api.sriov.availability({ l3Id: id })],
  ["sriov.overview", (api) => api.sriov.overview({})],
];

// Reaching the fake database is logged as an unexpected failure; keep the output quiet.
beforeEach(() => void vi.spyOn(console, "error").mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

describe("SR-IOV and network procedures: who may call them", () => {
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
