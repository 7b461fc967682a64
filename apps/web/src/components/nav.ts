import type { Role } from "./session";

export interface NavItem {
  href: string;
  label: string;
  /** Who sees the entry. The pages check again; this only keeps the menu honest. */
  roles: readonly Role[];
}

// Later issues add Networks, VMs and the SR-IOV overview here.
export const navItems: readonly NavItem[] = [
  { href: "/hosts", label: "Hosts", roles: ["Admin", "Auditor"] },
  { href: "/vms", label: "VMs", roles: ["Tenant"] },
  { href: "/operations", label: "Operations", roles: ["Admin", "Auditor", "Tenant"] },
];

export function homeFor(role: Role): string {
  return role === "Tenant" ? "/vms" : "/hosts";
}
