import type { Role } from "./session";

export interface NavItem {
  href: string;
  label: string;
  /** Who sees the entry. The pages check again; this only keeps the menu honest. */
  roles: readonly Role[];
}

export const navItems: readonly NavItem[] = [
  { href: "/inventory", label: "Zones & clusters", roles: ["Admin", "Auditor"] },
  { href: "/hosts", label: "Hosts", roles: ["Admin", "Auditor"] },
  { href: "/networks/l2", label: "L2 networks", roles: ["Admin", "Auditor"] },
  { href: "/networks/l3", label: "L3 networks", roles: ["Admin", "Auditor"] },
  { href: "/networks/vxlan-pools", label: "VXLAN pools", roles: ["Admin", "Auditor"] },
  { href: "/sriov", label: "SR-IOV overview", roles: ["Admin", "Auditor"] },
  { href: "/sriov/fleet", label: "Fleet split & restore", roles: ["Admin", "Auditor"] },
  { href: "/sriov/vfs", label: "Virtual functions", roles: ["Admin", "Auditor"] },
  { href: "/vms", label: "VMs", roles: ["Admin", "Auditor", "Tenant"] },
  { href: "/security-groups", label: "Security groups", roles: ["Admin", "Tenant"] },
  { href: "/eips", label: "EIPs", roles: ["Admin", "Tenant"] },
  { href: "/catalog", label: "Catalog", roles: ["Admin"] },
  { href: "/operations", label: "Operations", roles: ["Admin", "Auditor", "Tenant"] },
  { href: "/audit", label: "Audit log", roles: ["Admin", "Auditor", "Tenant"] },
  { href: "/admin/users", label: "Users", roles: ["Admin", "Auditor"] },
  { href: "/admin/projects", label: "Projects", roles: ["Admin", "Auditor"] },
  { href: "/settings/api-keys", label: "API keys", roles: ["Admin", "Auditor", "Tenant"] },
];

export function homeFor(role: Role): string {
  return role === "Tenant" ? "/vms" : "/hosts";
}
