import { ROLES } from "@virtfn/core/can";

export const roles = ROLES;
export const roleOptions = roles.map((role) => ({ value: role, label: role }));

/** The users list's URL params, read alike by the page (server) and UsersPage (browser). */
export const usersList = {
  sorts: ["username", "createdAt", "role"] as const,
  filters: ["role"] as const,
};
