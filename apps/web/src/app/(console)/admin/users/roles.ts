import { ROLES } from "@virtfn/core/can";

export const roles = ROLES;
export const roleOptions = roles.map((role) => ({ value: role, label: role }));
