import type { UserRole } from "@virtfn/db";

// Who may do what, once. The procedures' role checks, the console's navigation and its page
// guards all ask can(); nothing else holds a list of roles.

export const ROLES = ["Admin", "Tenant", "Auditor"] as const satisfies readonly UserRole[];

const policy = {
  /** Zones, clusters, hosts, PFs, networks, the SR-IOV overview: read-only views (R15). */
  "inventory.read": ["Admin", "Auditor"],
  /** Hosts, IOMMU, splitting and restoring, networks and their SR-IOV flags (R15). */
  "inventory.manage": ["Admin"],
  /** Instance offerings and images. */
  "catalog.manage": ["Admin"],
  /** The VM list and pages: tenants see their projects', admins and auditors all of them. */
  "vms.read": ["Admin", "Auditor", "Tenant"],
  /** Creating and changing VMs and their NICs, inside the actor's projects. */
  "vms.manage": ["Admin", "Tenant"],
  /** Security groups and EIPs, inside the actor's projects. */
  "netservices.manage": ["Admin", "Tenant"],
  /** Operations and the audit log (tenants see their projects' entries). */
  "operations.read": ["Admin", "Auditor", "Tenant"],
  "audit.read": ["Admin", "Auditor", "Tenant"],
  /** Users and projects. */
  "iam.read": ["Admin", "Auditor"],
  "iam.manage": ["Admin"],
  /** One's own session and API keys: the only changes an auditor may make. */
  "self.manage": ["Admin", "Auditor", "Tenant"],
  /** Any other change: auditors are read-only. */
  write: ["Admin", "Tenant"],
} as const satisfies Record<string, readonly UserRole[]>;

export type Permission = keyof typeof policy;

export const PERMISSIONS = Object.keys(policy) as Permission[];

export function can(actor: { role: UserRole }, action: Permission): boolean {
  return (policy[action] as readonly UserRole[]).includes(actor.role);
}
