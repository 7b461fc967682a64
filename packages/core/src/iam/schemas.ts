import { z } from "zod";
import { UserRole } from "@virtfn/db/enums";
import { pageInput, sortOrder } from "../shared/page-input";

export const usernameSchema = z
  .string()
  .trim()
  .min(2, "At least 2 characters")
  .max(64, "At most 64 characters")
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "Lowercase letters, digits, dots, dashes and underscores only");

export const passwordSchema = z
  .string()
  .min(10, "At least 10 characters")
  .max(256, "At most 256 characters");

export const listUsersInput = pageInput.extend({
  role: z.enum(UserRole).optional(),
  search: z.string().trim().max(100).optional(),
  sort: z.enum(["username", "createdAt", "role"]).default("username"),
  order: sortOrder,
});
export type ListUsersInput = z.input<typeof listUsersInput>;

export const createUserInput = z.object({
  username: usernameSchema,
  displayName: z.string().trim().max(128).default(""),
  password: passwordSchema,
  role: z.enum(UserRole),
  /** Projects the new user joins (tenants). */
  projectIds: z.array(z.uuid("Not a project id")).max(100).default([]),
});
export type CreateUserInput = z.input<typeof createUserInput>;

export const userIdInput = z.object({ userId: z.uuid("Not a user id") });
export type UserIdInput = z.input<typeof userIdInput>;

export const setUserRoleInput = userIdInput.extend({ role: z.enum(UserRole) });
export type SetUserRoleInput = z.input<typeof setUserRoleInput>;

export const setUserDisabledInput = userIdInput.extend({ disabled: z.boolean() });
export type SetUserDisabledInput = z.input<typeof setUserDisabledInput>;

export const projectNameSchema = z
  .string()
  .trim()
  .min(1, "Give the project a name")
  .max(64, "At most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Letters, digits, dots, dashes and underscores only");

export const listProjectsInput = pageInput.extend({
  search: z.string().trim().max(100).optional(),
  sort: z.enum(["name", "createdAt"]).default("name"),
  order: sortOrder,
});
export type ListProjectsInput = z.input<typeof listProjectsInput>;

export const createProjectInput = z.object({
  name: projectNameSchema,
  description: z.string().trim().max(500).default(""),
});
export type CreateProjectInput = z.input<typeof createProjectInput>;

export const iamProjectIdInput = z.object({ projectId: z.uuid("Not a project id") });
export type IamProjectIdInput = z.input<typeof iamProjectIdInput>;

export const projectMemberInput = iamProjectIdInput.extend({ userId: z.uuid("Not a user id") });
export type ProjectMemberInput = z.input<typeof projectMemberInput>;

export const listApiKeysInput = pageInput.extend({
  /** Admins: every user's keys. Others always see their own keys only. */
  all: z.boolean().default(false),
  includeRevoked: z.boolean().default(false),
});
export type ListApiKeysInput = z.input<typeof listApiKeysInput>;

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(64, "At most 64 characters"),
  /** Required for tenants; admins and auditors may leave it out for a platform-wide key. */
  projectId: z.uuid("Pick a project").nullable().optional(),
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

export const apiKeyIdInput = z.object({ apiKeyId: z.uuid("Not an API key id") });
export type ApiKeyIdInput = z.input<typeof apiKeyIdInput>;
