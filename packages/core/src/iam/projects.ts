import type { Db, DbOrTx, Prisma } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { requireAdmin, type Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { pageWindow, toPage, type Page } from "../shared/pagination";
import { rowCounts } from "../shared/row-counts";
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

const projectSelect = {
  id: true,
  name: true,
  description: true,
  createdAt: true,
  memberships: {
    select: { user: { select: { id: true, username: true, role: true } } },
    orderBy: { user: { username: "asc" } },
  },
} satisfies Prisma.ProjectSelect;

type ProjectRow = Prisma.ProjectGetPayload<{ select: typeof projectSelect }>;

/** The views of these rows, their VM counts from the database's running counts (not counted here). */
async function toViews(db: DbOrTx, rows: ProjectRow[]): Promise<ProjectView[]> {
  const vms = await rowCounts(
    db,
    "Vm.projectId",
    rows.map((row) => row.id),
  );
  return rows.map((row) => toView(row, vms.get(row.id) ?? 0));
}

async function oneView(db: DbOrTx, row: ProjectRow): Promise<ProjectView> {
  return toView(row, (await rowCounts(db, "Vm.projectId", [row.id])).get(row.id) ?? 0);
}

function toView(row: ProjectRow, vmCount: number): ProjectView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt,
    members: row.memberships.map((m) => ({
      userId: m.user.id,
      username: m.user.username,
      role: m.user.role,
    })),
    vmCount,
  };
}

/** Admins and auditors see every project; tenants see the projects they belong to. */
export function projectVisibleWhere(actor: Actor): Prisma.ProjectWhereInput {
  return visibleProjectRows(actor);
}

export async function listProjects(
  db: Db,
  actor: Actor,
  rawInput: ListProjectsInput,
): Promise<Page<ProjectView>> {
  const input = listProjectsInput.parse(rawInput);
  const where: Prisma.ProjectWhereInput = {
    AND: [
      projectVisibleWhere(actor),
      input.search ? { name: { contains: likeLiteral(input.search), mode: "insensitive" } } : {},
    ],
  };
  const [rows, total] = await Promise.all([
    db.project.findMany({
      where,
      select: projectSelect,
      orderBy: [{ [input.sort]: input.order }, { id: "asc" }],
      ...pageWindow(input),
    }),
    db.project.count({ where }),
  ]);
  return toPage(await toViews(db, rows), total, input);
}

export async function getProject(
  db: Db,
  actor: Actor,
  rawInput: IamProjectIdInput,
): Promise<ProjectView> {
  const input = iamProjectIdInput.parse(rawInput);
  const row = await db.project.findFirst({
    where: { AND: [{ id: input.projectId }, projectVisibleWhere(actor)] },
    select: projectSelect,
  });
  if (!row) throw notFound("Project", input.projectId);
  return oneView(db, row);
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
    const row = await db.$transaction(async (tx) => {
      const project = await tx.project.create({
        data: { name: input.name, description: input.description },
        select: projectSelect,
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
    return await oneView(db, row);
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
    return oneView(
      tx,
      await tx.project.findUniqueOrThrow({ where: { id: project.id }, select: projectSelect }),
    );
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
    return oneView(
      tx,
      await tx.project.findUniqueOrThrow({ where: { id: input.projectId }, select: projectSelect }),
    );
  });
}
