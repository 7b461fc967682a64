import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "@virtfn/db";
import type { Actor } from "../shared/actor";
import { DomainError, ErrorCode } from "../shared/errors";
import { recordAudit } from "../operations/audit";
import { hashPassword, verifyPassword } from "./passwords";
import type { LoginThrottle } from "./throttle";

const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export const loginInput = z.object({
  username: z.string().trim().min(1, "Enter your username").max(64),
  password: z.string().min(1, "Enter your password").max(256),
});
export type LoginInput = z.infer<typeof loginInput>;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

async function actorFor(db: Db, userId: string): Promise<Actor | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    include: { memberships: { select: { projectId: true } } },
  });
  if (!user || user.disabled) return null;
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    projectIds: user.memberships.map((m) => m.projectId),
  };
}

export interface LoginOptions {
  /** The client's address when a trusted proxy vouches for it; unknown otherwise. */
  client?: string | undefined;
  /** Failed-login throttling (shared through Redis by the web process); none in unit tests. */
  throttle?: LoginThrottle;
}

let dummyHash: Promise<string> | undefined;
/** A real hash to verify against for unknown users, so that they answer as slowly as known ones. */
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString("base64url"));
  return dummyHash;
}

export async function login(
  db: Db,
  input: LoginInput,
  options: LoginOptions = {},
): Promise<{ token: string; expiresAt: Date; actor: Actor }> {
  const { client, throttle } = options;
  await throttle?.check(input.username, client);
  const user = await db.user.findUnique({ where: { username: input.username } });
  // Same error and the same work (one argon2 verify) for an unknown user, a disabled one and a
  // wrong password, so usernames can be probed neither by the answer nor by its timing.
  const verified = await verifyPassword(
    user?.passwordHash ?? (await dummyPasswordHash()),
    input.password,
  );
  const ok = user !== null && !user.disabled && verified;
  if (!ok || !user) {
    await throttle?.failed(db, input.username, client);
    throw new DomainError(
      ErrorCode.INVALID_CREDENTIALS,
      "UNAUTHORIZED",
      "Wrong username or password.",
    );
  }
  await throttle?.succeeded(input.username, client);
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.session.create({ data: { tokenHash: hashToken(token), userId: user.id, expiresAt } });
  const actor = await actorFor(db, user.id);
  if (!actor)
    throw new DomainError(
      ErrorCode.INVALID_CREDENTIALS,
      "UNAUTHORIZED",
      "Wrong username or password.",
    );
  await recordAudit(db, client ? { ...actor, sourceIp: client } : actor, {
    action: "auth.login",
    targetType: "User",
    targetId: user.id,
    outcome: "Success",
    details: { via: "password" },
  });
  return { token, expiresAt, actor };
}

export async function resolveSession(db: Db, token: string | undefined): Promise<Actor | null> {
  if (!token) return null;
  const session = await db.session.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!session || session.expiresAt.getTime() < Date.now()) return null;
  return actorFor(db, session.userId);
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: hashToken(token) } });
}
