import type { UserRole } from "@virtfn/db";
import { can } from "./can";
import { DomainError, ErrorCode } from "./errors";

/** Who is calling: a signed-in user or an API key acting with its creator's role. */
export interface Actor {
  userId: string;
  username: string;
  role: UserRole;
  projectIds: string[];
  apiKeyId?: string;
  sourceIp?: string;
}

/** R15: splitting, IOMMU, hosts and network SR-IOV flags are the platform operator's. */
export function requireAdmin(actor: Actor, action: string): void {
  if (!can(actor, "inventory.manage")) {
    throw new DomainError(ErrorCode.ADMIN_ONLY, "FORBIDDEN", `Only admins can ${action}.`, {
      action,
    });
  }
}

/** Admins and auditors see the whole inventory; tenants see only their projects. */
export function canSeeInventory(actor: Actor): boolean {
  return can(actor, "inventory.read");
}

export function requireInventoryReader(actor: Actor): void {
  if (!canSeeInventory(actor)) {
    throw new DomainError(
      ErrorCode.FORBIDDEN,
      "FORBIDDEN",
      "Only admins and auditors can view the host inventory.",
    );
  }
}
