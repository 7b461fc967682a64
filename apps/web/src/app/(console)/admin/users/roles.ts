import { UserRole } from "@virtfn/db/enums";

export const roles = Object.values(UserRole);
export const roleOptions = roles.map((role) => ({ value: role, label: role }));
