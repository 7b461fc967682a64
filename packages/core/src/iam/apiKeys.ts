// API keys: `vfn_<prefix>_<secret>`. The prefix (public, unique) finds the row; the SHA-256 of the
// whole token is what is stored. The secret is 256 random bits, so a fast hash is enough (no
// dictionary to attack). A key acts with its creator's role; a non-admin key is limited to its
// project, and stops working when its creator leaves the project, is disabled or is deleted.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db, Prisma } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { canSeeInventory, type Actor } from "../shared/actor";
import { DomainError, ErrorCode, notFound } from "../shared/errors";
import { pageWindow, toPage, type Page } from "../shared/pagination";
import { requireVisibleProject } from "../shared/visibility";
import {
  apiKeyIdInput,
  createApiKeyInput,
  listApiKeysInput,
  type ApiKeyIdInput,
  type CreateApiKeyInput,
  type ListApiKeysInput,
} from "./schemas";

const TOKEN_PATTERN = /^vfn_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** lastUsedAt is written at most this often per key, so a busy integration does not write per request. */
export const API_KEY_TOUCH_MS = 60_000;

/** Active keys per user: each key has its own rate-limit bucket, so keys must not be unlimited. */
export const DEFAULT_MAX_API_KEYS_PER_USER = 25;
export function maxApiKeysPerUser(): number {
  const configured = Number(process.env.VIRTFN_MAX_API_KEYS_PER_USER);
  return Number.isInteger(configured) && configured > 0
    ? configured
    : DEFAULT_MAX_API_KEYS_PER_USER;
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  projectId: string | null;
  projectName: string | null;
  userId: string;
  username: string;
  role: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const apiKeySelect = {
  id: true,
  name: true,
  prefix: true,
  projectId: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  userId: true,
  user: { select: { username: true, role: true } },
  project: { select: { name: true } },
} satisfies Prisma.ApiKeySelect;

type ApiKeyRow = Prisma.ApiKeyGetPayload<{ select: typeof apiKeySelect }>;

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    projectId: row.projectId,
    projectName: row.project?.name ?? null,
    userId: row.userId,
    username: row.user.username,
    role: row.user.role,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

function hashSecret(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** True for strings shaped like an API key (the Authorization header tells keys from other tokens). */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith("vfn_");
}

/** Keys the actor may see: their own; admins and auditors every key when `all`. */
function visibleKeys(actor: Actor, all: boolean): Prisma.ApiKeyWhereInput {
  if (all && canSeeInventory(actor)) return {};
  const own: Prisma.ApiKeyWhereInput = { userId: actor.userId };
  // A project key sees its creator's keys of that project only.
  if (actor.apiKeyId && actor.role !== "Admin") {
    return { AND: [own, { projectId: { in: actor.projectIds } }] };
  }
  return own;
}

export async function listApiKeys(
  db: Db,
  actor: Actor,
  rawInput: ListApiKeysInput,
): Promise<Page<ApiKeyView>> {
  const input = listApiKeysInput.parse(rawInput);
  const where: Prisma.ApiKeyWhereInput = {
    AND: [visibleKeys(actor, input.all), input.includeRevoked ? {} : { revokedAt: null }],
  };
  const [rows, total] = await Promise.all([
    db.apiKey.findMany({
      where,
      select: apiKeySelect,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      ...pageWindow(input),
    }),
    db.apiKey.count({ where }),
  ]);
  return toPage(rows.map(toView), total, input);
}

/**
 * Creates a key for the actor. The token is returned here once and never again. Tenants must pick
 * one of their projects; admins and auditors may create platform-wide keys (no project).
 */
export async function createApiKey(
  db: Db,
  actor: Actor,
  rawInput: CreateApiKeyInput,
): Promise<{ apiKey: ApiKeyView; token: string }> {
  const input = createApiKeyInput.parse(rawInput);
  const projectId = input.projectId ?? null;
  if (actor.role === "Tenant") {
    if (!projectId) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        "BAD_REQUEST",
        "Pick one of your projects for the key.",
        {
          field: "projectId",
        },
      );
    }
    // Another project's id answers like an unknown one, as everywhere else.
    requireVisibleProject(actor, projectId);
  } else if (
    actor.apiKeyId &&
    actor.role !== "Admin" &&
    projectId &&
    !actor.projectIds.includes(projectId)
  ) {
    throw new DomainError(
      ErrorCode.FORBIDDEN,
      "FORBIDDEN",
      "This key cannot create keys for other projects.",
    );
  }
  const prefix = randomBytes(6).toString("hex");
  const token = `vfn_${prefix}_${randomBytes(32).toString("base64url")}`;
  const row = await db.$transaction(async (tx) => {
    // The user's row lock serialises concurrent creates, so the cap holds under a burst.
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${actor.userId}::uuid FOR UPDATE`;
    const active = await tx.apiKey.count({ where: { userId: actor.userId, revokedAt: null } });
    const cap = maxApiKeysPerUser();
    if (active >= cap) {
      throw new DomainError(
        ErrorCode.API_KEY_LIMIT,
        "CONFLICT",
        `You already have ${active} active API keys (at most ${cap}); revoke one first.`,
        { active, max: cap },
      );
    }
    if (projectId) {
      const project = await tx.project.findUnique({
        where: { id: projectId },
        select: { id: true },
      });
      if (!project) throw notFound("Project", projectId);
    }
    const created = await tx.apiKey.create({
      data: {
        name: input.name,
        prefix,
        secretHash: hashSecret(token),
        userId: actor.userId,
        projectId,
      },
      select: apiKeySelect,
    });
    await recordAudit(tx, actor, {
      action: "apiKey.create",
      targetType: "ApiKey",
      targetId: created.id,
      projectId,
      outcome: "Success",
      details: { name: created.name, prefix },
    });
    return created;
  });
  return { apiKey: toView(row), token };
}

/** The key's owner, or an admin. Revoking twice is a no-op. */
export async function revokeApiKey(
  db: Db,
  actor: Actor,
  rawInput: ApiKeyIdInput,
): Promise<ApiKeyView> {
  const input = apiKeyIdInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const mine = actor.role === "Admin" ? {} : visibleKeys(actor, false);
    const key = await tx.apiKey.findFirst({
      where: { AND: [{ id: input.apiKeyId }, mine] },
      select: apiKeySelect,
    });
    if (!key) throw notFound("API key", input.apiKeyId);
    if (key.revokedAt) return toView(key);
    const revoked = await tx.apiKey.update({
      where: { id: key.id },
      data: { revokedAt: new Date() },
      select: apiKeySelect,
    });
    await recordAudit(tx, actor, {
      action: "apiKey.revoke",
      targetType: "ApiKey",
      targetId: key.id,
      projectId: key.projectId,
      outcome: "Success",
      details: { name: key.name, prefix: key.prefix, owner: key.user.username },
    });
    return toView(revoked);
  });
}

/**
 * The actor behind a bearer token, or null for anything that is not a live key of an enabled user.
 * Updates lastUsedAt at most once per API_KEY_TOUCH_MS.
 */
export async function resolveApiKey(
  db: Db,
  token: string,
  now = new Date(),
): Promise<Actor | null> {
  const match = TOKEN_PATTERN.exec(token.trim());
  if (!match) return null;
  const key = await db.apiKey.findUnique({
    where: { prefix: match[1] },
    include: { user: { include: { memberships: { select: { projectId: true } } } } },
  });
  if (!key || key.revokedAt || key.user.disabled) return null;
  const expected = Buffer.from(key.secretHash, "hex");
  const actual = Buffer.from(hashSecret(token.trim()), "hex");
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  const memberOf = key.user.memberships.map((m) => m.projectId);
  const projectIds =
    key.user.role === "Admin"
      ? memberOf
      : key.projectId === null
        ? []
        : memberOf.filter((id) => id === key.projectId);
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= API_KEY_TOUCH_MS) {
    const threshold = new Date(now.getTime() - API_KEY_TOUCH_MS);
    await db.apiKey.updateMany({
      where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: threshold } }] },
      data: { lastUsedAt: now },
    });
  }
  return {
    userId: key.user.id,
    username: key.user.username,
    role: key.user.role,
    projectIds,
    apiKeyId: key.id,
  };
}
