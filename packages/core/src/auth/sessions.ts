import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "@virtfn/db";
import type { Actor } from "../shared/actor";
import { DomainError, ErrorCode } from "../shared/errors";
import { verifyPassword } from "./passwords";

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

export async function login(
  db: Db,
  input: LoginInput,
): Promise<{ token: string; expiresAt: Date; actor: Actor }> {
  const user = await db.user.findUnique({ where: { username: input.username } });
  // Same error for unknown user and wrong password, so usernames cannot be probed.
  const ok = user !== null && !user.disabled && (await verifyPassword(user.passwordHash, input.password));
  if (!ok || !user) {
    throw new DomainError(
      ErrorCode.INVALID_CREDENTIALS,
      "UNAUTHORIZED",
      "Wrong username or password.",
    );
  }
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.session.create({ data: { tokenHash: hashToken(token), userId: user.id, expiresAt } });
  const actor = await actorFor(db, user.id);
  if (!actor) throw new DomainError(ErrorCode.INVALID_CREDENTIALS, "UNAUTHORIZED", "Wrong username or password.");
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
