// The fleet-wide VF search against an oracle that loads every VF, on a generated fleet of 8 hosts
// (2,000 VFs, 20 of them held by VF NICs): each search kind and filter, and every page walked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyVfQuery, searchVfs, type Actor, type SearchVfsInput } from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { createTestDatabase, type TestDatabase } from "@virtfn/db/testing";
import { generateFleet } from "../../../bench/lib/fleet";

let database: TestDatabase;
let db: Db;
let admin: Actor;
let auditor: Actor;
let tenant: Actor;

beforeAll(async () => {
  database = await createTestDatabase("vf-search");
  db = database.db;
  await generateFleet(database.url, { hosts: 8 });
  const adminUser = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
  const tenantUser = await db.user.findUniqueOrThrow({ where: { username: "tenant" } });
  admin = { userId: adminUser.id, username: "admin", role: "Admin", projectIds: [] };
  auditor = { ...admin, role: "Auditor" };
  tenant = { userId: tenantUser.id, username: "tenant", role: "Tenant", projectIds: [] };
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

/** Every page of a search, following nextCursor; the ids in order. */
async function walk(input: SearchVfsInput): Promise<{ ids: string[]; total: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let total = -1;
  for (let guard = 0; guard < 1000; guard += 1) {
    const page = await searchVfs(db, admin, { ...input, cursor, limit: 37 });
    if (total < 0) total = page.total;
    ids.push(...page.items.map((vf) => vf.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { ids, total };
}

/** The oracle: the same rows, ordered the way the search promises (PCI address, then id). */
async function expected(where: Parameters<Db["virtualFunction"]["findMany"]>[0]) {
  const rows = await db.virtualFunction.findMany({
    ...where,
    select: { id: true },
    orderBy: [{ pciAddress: "asc" }, { id: "asc" }],
  });
  return rows.map((row) => row.id);
}

describe("VF search", () => {
  it("tells a PCI address, a MAC and a name apart", () => {
    expect(classifyVfQuery("0000:04:10.2")).toEqual({
      kind: "pci",
      value: "0000:04:10.2",
      exact: true,
    });
    expect(classifyVfQuery("04:10.2")).toEqual({ kind: "pci", value: "0000:04:10.2", exact: true });
    expect(classifyVfQuery("0000:04")).toEqual({ kind: "pci", value: "0000:04", exact: false });
    expect(classifyVfQuery("52-54-00-AA-bb-01")).toEqual({
      kind: "mac",
      value: "52:54:00:aa:bb:01",
    });
    expect(classifyVfQuery("web-01")).toEqual({ kind: "name", value: "web-01" });
  });

  it("walks every VF of the fleet once, in PCI order, with a capped total", async () => {
    const all = await expected({});
    const { ids, total } = await walk({ hostId: undefined });
    expect(ids).toEqual(all);
    expect(total).toBe(1000);
    const first = await searchVfs(db, admin, { limit: 5 });
    expect(first.totalExact).toBe(false);
  });

  it("answers who holds a PCI address: the host, PF, VM, NIC and VLAN", async () => {
    const held = await db.virtualFunction.findFirstOrThrow({
      where: { heldBy: { isNot: null } },
      include: {
        host: true,
        heldBy: { include: { vm: true, l3: { include: { l2: true } } } },
      },
    });
    const page = await searchVfs(db, admin, { q: held.pciAddress, hostId: held.hostId });
    expect(page.items).toHaveLength(1);
    const [vf] = page.items;
    expect(vf).toMatchObject({
      id: held.id,
      pciAddress: held.pciAddress,
      hostName: held.host.name,
      holder: {
        vmId: held.heldBy?.vm.id,
        vmName: held.heldBy?.vm.name,
        mac: held.heldBy?.mac,
        l3Name: held.heldBy?.l3.name,
        vlanId: held.heldBy?.l3.l2.vlanId,
      },
    });
    // The same address on every host: one row per host holding it.
    const fleetWide = await walk({ q: held.pciAddress });
    expect(fleetWide.ids).toEqual(await expected({ where: { pciAddress: held.pciAddress } }));
    expect(fleetWide.ids.length).toBe(8);
  });

  it("finds a VF by its holder's MAC, by a VM name and by a host name", async () => {
    const nic = await db.vmNic.findFirstOrThrow({
      where: { vfId: { not: null } },
      include: { vm: true },
    });
    const byMac = await searchVfs(db, admin, { q: nic.mac.toUpperCase() });
    expect(byMac.items.map((vf) => vf.id)).toEqual([nic.vfId]);
    const byVm = await walk({ q: nic.vm.name });
    expect(byVm.ids).toEqual(
      await expected({ where: { heldBy: { vm: { name: { contains: nic.vm.name } } } } }),
    );
    expect(byVm.ids).toContain(nic.vfId);
    const host = await db.host.findFirstOrThrow({ where: { name: "host-00002" } });
    const byHost = await walk({ q: "host-00002" });
    expect(byHost.ids).toEqual(await expected({ where: { hostId: host.id } }));
  });

  it("filters by state, host, PF and L2, each walked to the end", async () => {
    const host = await db.host.findFirstOrThrow({ where: { name: "host-00003" } });
    const pf = await db.physicalNic.findFirstOrThrow({ where: { hostId: host.id, name: "em1" } });
    const l2 = await db.l2Network.findFirstOrThrow({ where: { name: "l2-bond0" } });
    const attached = await walk({ state: "Attached" });
    expect(attached.ids).toEqual(await expected({ where: { state: "Attached" } }));
    expect(attached.ids.length).toBeGreaterThan(0);
    expect((await walk({ hostId: host.id })).ids).toEqual(
      await expected({ where: { hostId: host.id } }),
    );
    const onePf = await walk({ pfId: pf.id });
    expect(onePf.ids).toEqual(await expected({ where: { pfId: pf.id } }));
    expect(onePf.total).toBe(pf.numVfs);
    const onL2 = await walk({ l2Id: l2.id, state: "Available" });
    expect(onL2.ids).toEqual(
      await expected({
        where: { state: "Available", pf: { OR: [{ name: "bond0" }, { bondName: "bond0" }] } },
      }),
    );
    expect(onL2.ids.length).toBeGreaterThan(0);
  });

  it("is for admins and auditors only", async () => {
    await expect(searchVfs(db, auditor, { limit: 1 })).resolves.toMatchObject({ total: 1000 });
    await expect(searchVfs(db, tenant, { limit: 1 })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
