import { z } from "zod";
import { Prisma, queryRows, type Db, type DbOrTx } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { canSeeInventory, requireAdmin, type Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { pageWindow, toPage, type Page } from "../shared/pagination";
import {
  createProjectInput,
  listProjectsInput,
  iamProjectIdInput,
  projectMemberInput,
  type CreateProjectInput,
  type ListProjectsInput,
  type IamProjectIdInput,
  type ProjectMemberInput,
} from "./schemas";
import { likeLiteral, visibleProjectRows } from "../shared/visibility";

export interface ProjectView {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
  members: Array<{ userId: string; username: string; role: string }>;
  vmCount: number;
}

// A project list page, its members, its VM counts and the list's total are one statement through
// the pool (queryRows). With Prisma they were five, and Prisma 6.19's client engine compiles every
// query in WebAssembly on the event loop: 4 of the page's 6.6 ms of Node CPU, against 0.4 ms in
// Postgres. That CPU time is what a busy machine stretches into the p99 (issue 9).

const projectRow = z.object({
  total: z.number().int(),
  // Null in the one row an empty page still gets (it carries the total).
  id: z.string().nullable(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  createdAt: z.date().nullable(),
  vmCount: z.number().int(),
  members: z.array(z.object({ userId: z.string(), username: z.string(), role: z.string() })),
});

/** The projects `where` selects (a condition on `p`), ordered and windowed, and their count. */
async function readProjects(
  db: DbOrTx,
  where: Prisma.Sql,
  order: { sort: "name" | "createdAt"; order: "asc" | "desc" },
  window: { skip: number; take: number },
): Promise<{ views: ProjectView[]; total: number }> {
  // Both come from zod enums: identifiers, never client text.
  const column = order.sort === "name" ? `"name"` : `"createdAt"`;
  const direction = order.order === "desc" ? "DESC" : "ASC";
  const inPage = Prisma.raw(`${column} ${direction}, id ASC`);
  const onPage = Prisma.raw(`w.${column} ${direction}, w.id ASC`);
  const rows = await queryRows(
    db,
    Prisma.sql`
    WITH visible AS (SELECT p.id, p.name, p.description, p."createdAt" FROM "Project" p WHERE ${where})
    SELECT t.total, w.id::text AS id, w.name, w.description,
           w."createdAt" AT TIME ZONE 'UTC' AS "createdAt",
           COALESCE((SELECT sum(r.n)::int FROM "RowCount" r
                      WHERE r.kind = 'Vm.projectId' AND r."parentId" = w.id), 0) AS "vmCount",
           COALESCE((SELECT json_agg(json_build_object('userId', u.id, 'username', u.username,
                                                        'role', u.role) ORDER BY u.username)
                       FROM "Membership" m JOIN "User" u ON u.id = m."userId"
                      WHERE m."projectId" = w.id), '[]'::json) AS members
      FROM (SELECT count(*)::int AS total FROM visible) t
      LEFT JOIN LATERAL (SELECT * FROM visible ORDER BY ${inPage}
                          OFFSET ${window.skip} LIMIT ${window.take}) w ON true
     ORDER BY ${onPage}`,
  );
  const parsed = z.array(projectRow).parse(rows);
  const views: ProjectView[] = [];
  for (const row of parsed) {
    if (row.id === null || row.name === null || row.createdAt === null) continue;
    views.push({
      id: row.id,
      name: row.name,
      description: row.description ?? "",
      createdAt: row.createdAt,
      members: row.members,
      vmCount: row.vmCount,
    });
  }
  return { views, total: parsed[0]?.total ?? 0 };
}

/** Admins and auditors see every project; tenants see the projects they belong to. */
export function projectVisibleWhere(actor: Actor): Prisma.ProjectWhereInput {
  return visibleProjectRows(actor);
}

/** The same, as a condition on `p` (a "Project" row) for readProjects. */
function visibleProjectSql(actor: Actor): Prisma.Sql {
  return canSeeInventory(actor)
    ? Prisma.sql`TRUE`
    : Prisma.sql`p.id = ANY(${actor.projectIds}::uuid[])`;
}

export async function listProjects(
  db: Db,
  actor: Actor,
  rawInput: ListProjectsInput,
): Promise<Page<ProjectView>> {
  const input = listProjectsInput.parse(rawInput);
  const search = input.search
    ? Prisma.sql`p.name ILIKE ${`%${likeLiteral(input.search)}%`}`
    : Prisma.sql`TRUE`;
  const { views, total } = await readProjects(
    db,
    Prisma.sql`${visibleProjectSql(actor)} AND ${search}`,
    input,
    pageWindow(input),
  );
  return toPage(views, total, input);
}

/** One project as the list shows it, or null when it is not there or not visible. */
async function readProject(
  db: DbOrTx,
  actor: Actor,
  projectId: string,
): Promise<ProjectView | null> {
  const { views } = await readProjects(
    db,
    Prisma.sql`${visibleProjectSql(actor)} AND p.id = ${projectId}::uuid`,
    { sort: "name", order: "asc" },
    { skip: 0, take: 1 },
  );
  return views[0] ?? null;
}

export async function getProject(
  db: Db,
  actor: Actor,
  rawInput: IamProjectIdInput,
): Promise<ProjectView> {
  const input = iamProjectIdInput.parse(rawInput);
  const view = await readProject(db, actor, input.projectId);
  if (!view) throw notFound("Project", input.projectId);
  return view;
}

/** A project just written, read back as the list shows it. */
async function writtenView(db: DbOrTx, actor: Actor, projectId: string): Promise<ProjectView> {
  const view = await readProject(db, actor, projectId);
  if (!view) throw notFound("Project", projectId);
  return view;
}

/** Admin. */
export async function createProject(
  db: Db,
  actor: Actor,
  rawInput: CreateProjectInput,
): Promise<ProjectView> {
  requireAdmin(actor, "create projects");
  const input = createProjectInput.parse(rawInput);
  try {
    const created = await db.$transaction(async (tx) => {
      const project = await tx.project.create({
        data: { name: input.name, description: input.description },
        select: { id: true, name: true },
      });
      await recordAudit(tx, actor, {
        action: "project.create",
        targetType: "Project",
        targetId: project.id,
        projectId: project.id,
        outcome: "Success",
        details: { name: project.name },
      });
      return project;
    });
    return await writtenView(db, actor, created.id);
  } catch (error) {
    if (isUniqueViolation(error, "Project_name_key"))
      throw alreadyExists("project", "name", input.name);
    throw error;
  }
}

/** Admin. Refused while the project still has VMs, security groups or EIPs (PROJECT_IN_USE). */
export async function deleteProject(
  db: Db,
  actor: Actor,
  rawInput: IamProjectIdInput,
): Promise<void> {
  requireAdmin(actor, "delete projects");
  const input = iamProjectIdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const project = await tx.project.findUnique({
      where: { id: input.projectId },
      select: {
        id: true,
        name: true,
        _count: { select: { vms: true, securityGroups: true, eips: true } },
      },
    });
    if (!project) throw notFound("Project", input.projectId);
    const { vms, securityGroups, eips } = project._count;
    if (vms + securityGroups + eips > 0) {
      throw new DomainError(
        ErrorCode.PROJECT_IN_USE,
        "CONFLICT",
        `Project ${project.name} still has ${vms} VM(s), ${securityGroups} security group(s) and ${eips} EIP(s); delete them first.`,
        { vms, securityGroups, eips },
      );
    }
    await tx.project.delete({ where: { id: project.id } });
    await recordAudit(tx, actor, {
      action: "project.delete",
      targetType: "Project",
      targetId: project.id,
      projectId: project.id,
      outcome: "Success",
      details: { name: project.name },
    });
  });
}

/** Admin. Adding an existing member is a no-op. */
export async function addProjectMember(
  db: Db,
  actor: Actor,
  rawInput: ProjectMemberInput,
): Promise<ProjectView> {
  requireAdmin(actor, "change project members");
  const input = projectMemberInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    // One after the other: a transaction is one connection, and pg (adapter-pg) refuses, from
    // pg 9 on, a query started while another runs on it.
    const project = await tx.project.findUnique({
      where: { id: input.projectId },
      select: { id: true },
    });
    const user = await tx.user.findUnique({
      where: { id: input.userId },
      select: { id: true, username: true },
    });
    if (!project) throw notFound("Project", input.projectId);
    if (!user) throw notFound("User", input.userId);
    await tx.membership.upsert({
      where: { userId_projectId: { userId: user.id, projectId: project.id } },
      create: { userId: user.id, projectId: project.id },
      update: {},
    });
    await recordAudit(tx, actor, {
      action: "project.addMember",
      targetType: "Project",
      targetId: project.id,
      projectId: project.id,
      outcome: "Success",
      details: { userId: user.id, username: user.username },
    });
    return writtenView(tx, actor, project.id);
  });
}

/** Admin. The user's API keys for the project stop working with the membership. */
export async function removeProjectMember(
  db: Db,
  actor: Actor,
  rawInput: ProjectMemberInput,
): Promise<ProjectView> {
  requireAdmin(actor, "change project members");
  const input = projectMemberInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const membership = await tx.membership.findUnique({
      where: { userId_projectId: { userId: input.userId, projectId: input.projectId } },
      include: { user: { select: { username: true } } },
    });
    if (!membership) {
      throw new DomainError(
        ErrorCode.NOT_A_MEMBER,
        "NOT_FOUND",
        "That user is not a member of the project.",
        {
          userId: input.userId,
          projectId: input.projectId,
        },
      );
    }
    await tx.membership.delete({
      where: { userId_projectId: { userId: input.userId, projectId: input.projectId } },
    });
    await recordAudit(tx, actor, {
      action: "project.removeMember",
      targetType: "Project",
      targetId: input.projectId,
      projectId: input.projectId,
      outcome: "Success",
      details: { userId: input.userId, username: membership.user.username },
    });
    return writtenView(tx, actor, input.projectId);
  });
}
