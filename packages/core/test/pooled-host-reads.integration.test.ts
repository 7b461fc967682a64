// The host list and page, the VF availability of an L2 and an L3, and the SR-IOV overview read
// their rows through the pool in one statement per page (issue 9: Prisma's Node CPU). Checked
// here against Prisma over the same rows, VF counts against the VF rows themselves (not the kept
// counts the statements read), and counted statement by statement.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getHost,
  l2VfAvailability,
  listHosts,
  sriovOverview,
  vfAvailability,
  type Actor,
} from "@virtfn/core";
import type { Db, Prisma, VfState } from "@virtfn/db";
import { createTestDatabase, type TestDatabase } from "@virtfn/db/testing";
import { generateFleet } from "../../../bench/lib/fleet";
import { statementsOf } from "./statements";

let database: TestDatabase;
let db: Db;
let admin: Actor;

beforeAll(async () => {
  database = await createTestDatabase("pooled-host-reads");
  db = database.db;
  await generateFleet(database.url, { hosts: 6 });
  const adminUser = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
  admin = { userId: adminUser.id, username: "admin", role: "Admin", projectIds: [] };
  // Variety the generated fleet lacks: a disconnected host in maintenance, VFs Missing and
  // Reserved (the triggers keep "VfStateCount" in step), passthrough devices, one of them held.
  const [h1, h2] = await Promise.all(
    ["host-00001", "host-00002"].map((name) => db.host.findUniqueOrThrow({ where: { name } })),
  );
  if (!h1 || !h2) throw new Error("no hosts");
  await db.host.update({
    where: { id: h2.id },
    data: {
      connectionState: "Disconnected",
      connectionReason: "cable pulled",
      maintenance: true,
      maintenanceSince: new Date("2026-03-04T05:06:07.089Z"),
    },
  });
  const em1 = await db.physicalNic.findFirstOrThrow({ where: { hostId: h1.id, name: "em1" } });
  const slave = await db.physicalNic.findFirstOrThrow({
    where: { hostId: h1.id, name: "ens1f1" },
  });
  await db.virtualFunction.updateMany({
    where: { pfId: em1.id, state: "Available", index: { gte: 50 } },
    data: { state: "Missing" },
  });
  await db.virtualFunction.updateMany({
    where: { pfId: slave.id, state: "Available", index: { lt: 3 } },
    data: { state: "Reserved" },
  });
  const devices = await Promise.all(
    ["0000:81:00.0", "0000:82:00.0", "0000:83:00.0"].map((pciAddress, i) =>
      db.pciDevice.create({
        data: {
          hostId: h1.id,
          pciAddress,
          classCode: "0x030000",
          vendorId: "10de",
          deviceId: "1eb8",
          assignable: i < 2,
        },
      }),
    ),
  );
  const vm = await db.vm.findFirstOrThrow({ where: { hostId: h1.id } });
  const held = devices[0];
  if (!held) throw new Error("no device");
  await db.vmPciDevice.create({ data: { vmId: vm.id, pciDeviceId: held.id, heldId: held.id } });
});

afterAll(async () => {
  await database?.drop();
});

/** VF rows per PF and state, counted from the VF rows. */
async function vfRowsByPf(): Promise<Map<string, Record<VfState, number>>> {
  const rows = await db.virtualFunction.groupBy({ by: ["pfId", "state"], _count: { _all: true } });
  const byPf = new Map<string, Record<VfState, number>>();
  for (const row of rows) {
    const states = byPf.get(row.pfId) ?? {
      Available: 0,
      Reserved: 0,
      Attached: 0,
      Releasing: 0,
      Missing: 0,
    };
    states[row.state] = row._count._all;
    byPf.set(row.pfId, states);
  }
  return byPf;
}

const present = (s: Record<VfState, number>) => s.Available + s.Reserved + s.Attached + s.Releasing;

describe("host list through the pool", () => {
  it("pages every host once in each order and filter, with Prisma's fields and the VF rows' counts", async () => {
    const vfRows = await vfRowsByPf();
    const cluster = await db.cluster.findFirstOrThrow({ orderBy: { name: "asc" } });
    const filters = [
      {},
      { search: "0000" },
      { connectionState: "Connected" as const },
      { clusterId: cluster.id },
    ];
    for (const filter of filters)
      for (const sort of ["name", "createdAt", "connectionState"] as const)
        for (const order of ["asc", "desc"] as const) {
          const where: Prisma.HostWhereInput = {
            ...(filter.search ? { name: { contains: filter.search } } : {}),
            ...(filter.connectionState ? { connectionState: filter.connectionState } : {}),
            ...(filter.clusterId ? { clusterId: filter.clusterId } : {}),
          };
          const expected = await db.host.findMany({
            where,
            orderBy: [{ [sort]: order }, { id: order }],
            include: {
              cluster: { include: { zone: true } },
              physicalNics: true,
              pciDevices: { where: { assignable: true }, include: { heldBy: true } },
            },
          });
          const items = [];
          let cursor: string | undefined;
          do {
            const page = await listHosts(db, admin, { ...filter, sort, order, limit: 2, cursor });
            expect(page.total).toBe(expected.length);
            items.push(...page.items);
            cursor = page.nextCursor ?? undefined;
          } while (cursor !== undefined);
          expect(items.map((host) => host.name)).toEqual(expected.map((host) => host.name));
          for (const [i, host] of items.entries()) {
            const row = expected[i];
            if (!row) throw new Error(`no row ${i}`);
            const states = row.physicalNics.map((pf) => vfRows.get(pf.id));
            expect(host).toMatchObject({
              clusterName: row.cluster.name,
              zoneName: row.cluster.zone.name,
              connectionState: row.connectionState,
              connectionReason: row.connectionReason,
              lastSeenAt: row.lastSeenAt,
              maintenanceSince: row.maintenanceSince,
              createdAt: row.createdAt,
              pfCount: row.physicalNics.length,
              vfTotal: states.reduce((n, s) => n + (s ? present(s) : 0), 0),
              vfAvailable: states.reduce((n, s) => n + (s?.Available ?? 0), 0),
              pciAssignable: row.pciDevices.length,
              pciHeld: row.pciDevices.filter((d) => d.heldBy !== null).length,
            });
          }
        }
  });
});

describe("host list cursors", () => {
  it("refuses a cursor whose connection state is none, as a cursor no page gave (not a 500)", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    const forged = Buffer.from(JSON.stringify(["Sleeping", id])).toString("base64url");
    for (const search of [{}, { search: "host" }])
      await expect(
        listHosts(db, admin, { ...search, sort: "connectionState", cursor: forged }),
      ).rejects.toMatchObject({ code: "INVALID_CURSOR" });
  });
});

describe("host page through the pool", () => {
  it("shows each host's PFs by name with the VF rows' states, its VMs and what it holds", async () => {
    const vfRows = await vfRowsByPf();
    for (const row of await db.host.findMany({
      include: { physicalNics: { orderBy: { name: "asc" } } },
    })) {
      const host = await getHost(db, admin, row.id);
      expect(host.vmCount).toBe(await db.vm.count({ where: { hostId: row.id } }));
      expect(host.nics.map((nic) => nic.id)).toEqual(row.physicalNics.map((pf) => pf.id));
      for (const nic of host.nics) {
        const states = vfRows.get(nic.id);
        expect(nic.vfStates).toEqual(
          states ?? { Available: 0, Reserved: 0, Attached: 0, Releasing: 0, Missing: 0 },
        );
        expect(nic.vfTotal).toBe(states ? present(states) : 0);
      }
      const vms = await db.vm.findMany({
        where: { hostId: row.id },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        include: {
          project: true,
          offering: true,
          _count: { select: { nics: { where: { type: "VF" } } } },
        },
      });
      expect(host.allocation.vms).toEqual(
        vms.map((vm) =>
          expect.objectContaining({
            id: vm.id,
            name: vm.name,
            state: vm.state,
            projectName: vm.project.name,
            vcpus: vm.offering.vcpus,
            vfNics: vm._count.nics,
          }),
        ),
      );
      // The delete button counts the VMs; IOMMU off counts the VFs in use.
      expect(host.actions.delete.allowed).toBe(vms.length === 0 && host.vmCount === 0);
    }
  });
});

describe("VF availability and the SR-IOV overview through the pool", () => {
  it("say per host what the VF rows of the resolved PFs say, hosts by name", async () => {
    const vfRows = await vfRowsByPf();
    const l3 = await db.l3Network.findFirstOrThrow({ where: { name: "vf-em1" } });
    const bond = await db.l2Network.findFirstOrThrow({ where: { name: "l2-bond0" } });
    const hosts = await db.host.findMany({
      orderBy: { name: "asc" },
      include: { physicalNics: true },
    });
    const cases = [
      { answer: await vfAvailability(db, admin, { l3Id: l3.id }), pfs: ["em1"] },
      { answer: await l2VfAvailability(db, admin, { l2Id: bond.id }), pfs: ["ens1f0", "ens1f1"] },
    ];
    for (const { answer, pfs } of cases) {
      expect(answer.hosts.map((host) => host.hostName)).toEqual(hosts.map((host) => host.name));
      for (const [i, offered] of answer.hosts.entries()) {
        const resolved = (hosts[i]?.physicalNics ?? []).filter((pf) => pfs.includes(pf.name ?? ""));
        const states = resolved.map((pf) => vfRows.get(pf.id));
        expect(offered.interfaces).toEqual(pfs);
        expect(offered.total).toBe(states.reduce((n, s) => n + (s ? present(s) : 0), 0));
        expect(offered.available).toBe(
          offered.reason === null ? states.reduce((n, s) => n + (s?.Available ?? 0), 0) : 0,
        );
      }
      expect(answer.hosts.find((host) => host.hostName === "host-00002")?.reason).toBe(
        "HOST_IN_MAINTENANCE",
      );
    }
    await expect(vfAvailability(db, admin, { l3Id: bond.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("the overview's PFs are the first splittable ones by host and name, with the VF rows' states", async () => {
    const vfRows = await vfRowsByPf();
    const overview = await sriovOverview(db, admin, {});
    const pfs = await db.physicalNic.findMany({
      where: { virtualizationState: { not: "NotVirtualizable" } },
      include: { host: true },
    });
    pfs.sort((a, b) =>
      a.host.name === b.host.name
        ? (a.name ?? "").localeCompare(b.name ?? "")
        : a.host.name.localeCompare(b.host.name),
    );
    expect(overview.pfs.map((pf) => pf.pfId)).toEqual(pfs.map((pf) => pf.id));
    for (const pf of overview.pfs) expect(pf.vfs).toEqual(vfRows.get(pf.pfId));
    expect(overview.l2s.map((l2) => l2.name)).toEqual(["l2-bond0", "l2-em1", "l2-em2"]);
  });
});

describe("statements per read", () => {
  it("a host page is one statement and its total one more; VF availability one per part", async () => {
    const first = await listHosts(db, admin, { limit: 2 });
    expect(await statementsOf(() => listHosts(db, admin, { limit: 2 }))).toBe(2);
    // The total rides in the cursor: the next page is its rows alone.
    const cursor = first.nextCursor ?? undefined;
    expect(await statementsOf(() => listHosts(db, admin, { limit: 2, cursor }))).toBe(1);
    const l3 = await db.l3Network.findFirstOrThrow({ where: { name: "vf-em1" } });
    // The L3 and its L2, the attached hosts' page, the zone's cluster sums and the pools' share.
    expect(await statementsOf(() => vfAvailability(db, admin, { l3Id: l3.id, limit: 3 }))).toBe(4);
  });
});
