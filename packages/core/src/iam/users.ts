import type { Db, Prisma, UserRole } from "@virtfn/db";
import { hashPassword } from "../auth/passwords";
import { recordAudit } from "../operations/audit";
import { requireAdmin, requireInventoryReader, type Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { pageWindow, toPage, type Page } from "../shared/pagination";
import {
  createUserInput,
  listUsersInput,
  setUserDisabledInput,
  setUserRoleInput,
  userIdInput,
  type CreateUserInput,
  type ListUsersInput,
  type SetUserDisabledInput,
  type SetUserRoleInput,
  type UserIdInput,
} from "./schemas";
import { likeLiteral } from "../shared/visibility";

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  createdAt: Date;
  projects: Array<{ id: string; name: string }>;
  activeApiKeys: number;
}

const userSelect = {
  id: true,
  username: true,
  displayName: true,
  role: true,
  disabled: true,
  createdAt: true,
  memberships: { select: { project: { select: { id: true, name: true } } } },
  _count: { select: { apiKeys: { where: { revokedAt: null } } } },
} satisfies Prisma.UserSelect;

type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;

function toView(row: UserRow): UserView {
  const { memberships, _count, ...rest } = row;
  return {
    ...rest,
    projects: memberships.map((m) => m.project).sort((a, b) => a.name.localeCompare(b.name)),
    activeApiKeys: _count.apiKeys,
  };
}

/** Admins and auditors. */
export async function listUsers(
  db: Db,
  actor: Actor,
  rawInput: ListUsersInput,
): Promise<Page<UserView>> {
  requireInventoryReader(actor);
  const input = listUsersInput.parse(rawInput);
  const where: Prisma.UserWhereInput = {
    AND: [
      input.role ? { role: input.role } : {},
      input.search
        ? {
            OR: [
              { username: { contains: likeLiteral(input.search), mode: "insensitive" } },
              { displayName: { contains: likeLiteral(input.search), mode: "insensitive" } },
            ],
          }
        : {},
    ],
  };
  const [rows, total] = await Promise.all([
    db.user.findMany({
      where,
      select: userSelect,
      orderBy: [{ [input.sort]: input.order }, { id: "asc" }],
      ...pageWindow(input),
    }),
    db.user.count({ where }),
  ]);
  return toPage(rows.map(toView), total, input);
}

async function requireProjects(db: Db | Prisma.TransactionClient, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await db.project.findMany({ where: { id: { in: ids } }, select: { id: true } });
  const missing = ids.find((id) => !found.some((p) => p.id === id));
  if (missing) throw notFound("Project", missing);
}

/** Admin. The password is hashed with argon2 (core's hashPassword); it is never stored or logged. */
export async function createUser(
  db: Db,
  actor: Actor,
  rawInput: CreateUserInput,
): Promise<UserView> {
  requireAdmin(actor, "create users");
  const input = createUserInput.parse(rawInput);
  const passwordHash = await hashPassword(input.password);
  const projectIds = [...new Set(input.projectIds)];
  try {
    const created = await db.$transaction(async (tx) => {
      await requireProjects(tx, projectIds);
      const user = await tx.user.create({
        data: {
          username: input.username,
          displayName: input.displayName || input.username,
          role: input.role,
          passwordHash,
          memberships: { create: projectIds.map((projectId) => ({ projectId })) },
        },
        select: userSelect,
      });
      await recordAudit(tx, actor, {
        action: "user.create",
        targetType: "User",
        targetId: user.id,
        outcome: "Success",
        details: { username: user.username, role: user.role, projectIds },
      });
      return user;
    });
    return toView(created);
  } catch (error) {
    if (isUniqueViolation(error, "User_username_key"))
      throw alreadyExists("user", "username", input.username);
    throw error;
  }
}

function refuseSelf(actor: Actor, userId: string, what: string): void {
  if (actor.userId === userId) {
    throw new DomainError(
      ErrorCode.CANNOT_CHANGE_SELF,
      "CONFLICT",
      `You cannot ${what} your own account.`,
      {
        userId,
      },
    );
  }
}

/** Admin. Sessions and API keys go with the user (cascade); operations keep a null requester. */
export async function deleteUser(db: Db, actor: Actor, rawInput: UserIdInput): Promise<void> {
  requireAdmin(actor, "delete users");
  const input = userIdInput.parse(rawInput);
  refuseSelf(actor, input.userId, "delete");
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId } });
    if (!user) throw notFound("User", input.userId);
    await tx.user.delete({ where: { id: user.id } });
    await recordAudit(tx, actor, {
      action: "user.delete",
      targetType: "User",
      targetId: user.id,
      outcome: "Success",
      details: { username: user.username },
    });
  });
}

/** Admin. A role change takes effect on the user's next request (sessions and keys resolve the role each time). */
export async function setUserRole(
  db: Db,
  actor: Actor,
  rawInput: SetUserRoleInput,
): Promise<UserView> {
  requireAdmin(actor, "change roles");
  const input = setUserRoleInput.parse(rawInput);
  refuseSelf(actor, input.userId, "change the role of");
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({
      where: { id: input.userId },
      select: { role: true },
    });
    if (!before) throw notFound("User", input.userId);
    const user = await tx.user.update({
      where: { id: input.userId },
      data: { role: input.role },
      select: userSelect,
    });
    await recordAudit(tx, actor, {
      action: "user.setRole",
      targetType: "User",
      targetId: user.id,
      outcome: "Success",
      details: { username: user.username, from: before.role, to: input.role },
    });
    return toView(user);
  });
}

/** Admin. Disabling ends the user's sessions; their API keys stop resolving while disabled. */
export async function setUserDisabled(
  db: Db,
  actor: Actor,
  rawInput: SetUserDisabledInput,
): Promise<UserView> {
  requireAdmin(actor, "disable users");
  const input = setUserDisabledInput.parse(rawInput);
  refuseSelf(actor, input.userId, input.disabled ? "disable" : "enable");
  return db.$transaction(async (tx) => {
    const exists = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true } });
    if (!exists) throw notFound("User", input.userId);
    const user = await tx.user.update({
      where: { id: input.userId },
      data: { disabled: input.disabled },
      select: userSelect,
    });
    if (input.disabled) await tx.session.deleteMany({ where: { userId: user.id } });
    await recordAudit(tx, actor, {
      action: input.disabled ? "user.disable" : "user.enable",
      targetType: "User",
      targetId: user.id,
      outcome: "Success",
      details: { username: user.username },
    });
    return toView(user);
  });
}
