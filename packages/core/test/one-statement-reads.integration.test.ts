// The read paths issue 9's p99 bar kept catching (projects, L2 detail and list, zones) answer in
// one statement each, written by hand: what Prisma answered in five, checked here against Prisma
// itself over the rows, and counted statement by statement.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getL2Network,
  getProject,
  listL2Networks,
  listProjects,
  listZones,
  type Actor,
} from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { createTestDatabase, type TestDatabase } from "@virtfn/db/testing";
import { generateFleet } from "../../../bench/lib/fleet";
import { statementsOf } from "./statements";

let database: TestDatabase;
let db: Db;
let admin: Actor;
let tenant: Actor;

beforeAll(async () => {
  database = await createTestDatabase("one-statement-reads");
  db = database.db;
  await generateFleet(database.url, { hosts: 4 });
  const [adminUser, tenantUser] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { username: "admin" } }),
    db.user.findUniqueOrThrow({ where: { username: "tenant" }, include: { memberships: true } }),
  ]);
  admin = { userId: adminUser.id, username: "admin", role: "Admin", projectIds: [] };
  tenant = {
    userId: tenantUser.id,
    username: "tenant",
    role: "Tenant",
    projectIds: tenantUser.memberships.map((m) => m.projectId),
  };
  // Members to order by username, a description, names a search must take literally, and equal
  // creation times that only the id orders.
  const members = await Promise.all(
    ["zoe", "aaron"].map((username) =>
      db.user.create({
        data: { username, displayName: username, passwordHash: "x", role: "Tenant" },
      }),
    ),
  );
  const project1 = await db.project.findFirstOrThrow({ where: { name: "project-001" } });
  await db.membership.createMany({
    data: members.map((user) => ({ userId: user.id, projectId: project1.id })),
  });
  const at = new Date("2026-01-02T03:04:05.678Z");
  await db.project.createMany({
    data: [
      { name: "100%_done", description: "literal %", createdAt: at },
      { name: "100x-done", createdAt: at },
      { name: "Project-UPPER", createdAt: at },
    ],
  });
  // A second zone with a VXLAN pool and a VXLAN L2, and an L2 whose L3 keeps SR-IOV on.
  const zone = await db.zone.create({ data: { name: "another-zone", description: "second" } });
  const pool = await db.vxlanPool.create({
    data: { zoneId: zone.id, name: "pool-a", vniStart: 1000, vniEnd: 2000 },
  });
  await db.l2Network.create({
    data: {
      zoneId: zone.id,
      name: "l2-vxlan",
      type: "Vxlan",
      vxlanPoolId: pool.id,
      vni: 1500,
      physicalInterface: "em1",
    },
  });
});

afterAll(async () => {
  await database?.drop();
});

/** Every project as Prisma reads it, with its members by username and its VMs counted. */
async function projectsByPrisma(
  actor: Actor,
  options: { search?: string; sort?: "name" | "createdAt"; order?: "asc" | "desc" } = {},
) {
  const { search, sort = "name", order = "asc" } = options;
  const rows = await db.project.findMany({
    orderBy: [{ [sort]: order }, { id: "asc" }],
    where: {
      ...(actor.role === "Admin" ? {} : { id: { in: actor.projectIds } }),
      // Prisma's contains passes % and _ on as wildcards: escaped, they match themselves.
      ...(search
        ? { name: { contains: search.replace(/[\\%_]/g, "\\$&"), mode: "insensitive" } }
        : {}),
    },
    include: {
      memberships: { include: { user: true }, orderBy: { user: { username: "asc" } } },
      _count: { select: { vms: true } },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt,
    members: row.memberships.map((m) => ({
      userId: m.user.id,
      username: m.user.username,
      role: m.user.role,
    })),
    vmCount: row._count.vms,
  }));
}

/** Every page of a list, in order, and the totals each page said. */
async function allPages<T>(
  page: (
    cursor: string | undefined,
  ) => Promise<{ items: T[]; nextCursor: string | null; total: number }>,
) {
  const items: T[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  do {
    const result = await page(cursor);
    items.push(...result.items);
    totals.push(result.total);
    cursor = result.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return { items, totals };
}

describe("projects in one statement", () => {
  it("pages every visible project once, in the asked order, with its members and VM count", async () => {
    for (const actor of [admin, tenant])
      for (const sort of ["name", "createdAt"] as const)
        for (const order of ["asc", "desc"] as const) {
          const expected = await projectsByPrisma(actor, { sort, order });
          const { items, totals } = await allPages((cursor) =>
            listProjects(db, actor, { limit: 3, sort, order, cursor }),
          );
          expect(items).toEqual(expected);
          expect(new Set(totals)).toEqual(new Set([expected.length]));
        }
  });

  it("takes a search literally and case-insensitively, and keeps the total past the last page", async () => {
    for (const search of ["%_", "0%", "x-d", "project-u", "00"]) {
      const expected = await projectsByPrisma(admin, { search });
      const page = await listProjects(db, admin, { limit: 200, search });
      expect(page.items.map((p) => p.name).sort()).toEqual(expected.map((p) => p.name).sort());
      expect(page.total).toBe(expected.length);
    }
    const past = await listProjects(db, admin, { limit: 5, cursor: "500" });
    expect(past.items).toEqual([]);
    expect(past.total).toBe(await db.project.count());
  });

  it("shows one project as the list does, and another's to a tenant as not found", async () => {
    const [first] = (await listProjects(db, admin, { limit: 1 })).items;
    if (!first) throw new Error("no project");
    expect(await getProject(db, admin, { projectId: first.id })).toEqual(first);
    const hidden = await db.project.findFirstOrThrow({
      where: { id: { notIn: tenant.projectIds } },
    });
    await expect(getProject(db, tenant, { projectId: hidden.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("L2 networks in one statement", () => {
  it("list pages match Prisma's rows in every order and filter, and the detail is the list's row", async () => {
    const zone = await db.zone.findFirstOrThrow({ where: { name: "fleet-zone" } });
    const filters = [
      {},
      { zoneId: zone.id },
      { type: "Vxlan" as const },
      { sriovEnabled: true },
      { search: "EM" },
    ];
    for (const filter of filters)
      for (const sort of ["name", "createdAt", "type"] as const)
        for (const order of ["asc", "desc"] as const) {
          const expected = await db.l2Network.findMany({
            where: {
              ...(filter.zoneId ? { zoneId: filter.zoneId } : {}),
              ...(filter.type ? { type: filter.type } : {}),
              ...(filter.sriovEnabled !== undefined ? { sriovEnabled: filter.sriovEnabled } : {}),
              ...(filter.search
                ? { name: { contains: filter.search, mode: "insensitive" as const } }
                : {}),
            },
            orderBy: [{ [sort]: order }, { id: "asc" }],
            include: {
              zone: true,
              vxlanPool: true,
              _count: { select: { l3Networks: true, clusters: true } },
            },
          });
          const { items, totals } = await allPages((cursor) =>
            listL2Networks(db, admin, { ...filter, limit: 2, sort, order, cursor }),
          );
          expect(items.map((l2) => l2.id)).toEqual(expected.map((l2) => l2.id));
          expect(new Set(totals)).toEqual(new Set([expected.length]));
          for (const [i, l2] of items.entries()) {
            const row = expected[i];
            if (!row) throw new Error(`no row ${i} by Prisma`);
            expect(l2).toMatchObject({
              zoneName: row.zone.name,
              vxlanPoolName: row.vxlanPool?.name ?? null,
              vni: row.vni,
              l3Count: row._count.l3Networks,
              clusterCount: row._count.clusters,
              createdAt: row.createdAt,
              updatedAt: row.updatedAt,
            });
            expect(await getL2Network(db, admin, { l2Id: l2.id })).toEqual(l2);
          }
        }
  });
});

describe("zones in one statement", () => {
  it("count their clusters, L2s and VXLAN pools as Prisma does", async () => {
    const expected = await db.zone.findMany({
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        description: true,
        _count: { select: { clusters: true, l2Networks: true, vxlanPools: true } },
      },
    });
    expect(await listZones(db, admin)).toEqual(expected);
  });
});

describe("statements per read", () => {
  it("projects, project detail, L2 list and detail, and zones send one statement each", async () => {
    const l2 = await db.l2Network.findFirstOrThrow({ where: { name: "l2-em1" } });
    const project = await db.project.findFirstOrThrow({ where: { name: "project-001" } });
    expect(await statementsOf(() => listProjects(db, admin, { limit: 25 }))).toBe(1);
    expect(await statementsOf(() => listProjects(db, tenant, { limit: 25 }))).toBe(1);
    expect(await statementsOf(() => getProject(db, admin, { projectId: project.id }))).toBe(1);
    expect(await statementsOf(() => listL2Networks(db, admin, { limit: 25 }))).toBe(1);
    expect(await statementsOf(() => getL2Network(db, admin, { l2Id: l2.id }))).toBe(1);
    expect(await statementsOf(() => listZones(db, admin))).toBe(1);
  });
});
