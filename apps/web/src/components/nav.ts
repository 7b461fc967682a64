import { can, type Permission } from "@virtfn/core/can";
import type { Role } from "./session";

export interface NavItem {
  href: string;
  label: string;
  /** What the entry's page needs (core's can()). The pages check again; this keeps the menu honest. */
  needs: Permission;
}

export const navItems: readonly NavItem[] = [
  { href: "/inventory", label: "Zones & clusters", needs: "inventory.read" },
  { href: "/hosts", label: "Hosts", needs: "inventory.read" },
  { href: "/networks/l2", label: "L2 networks", needs: "inventory.read" },
  { href: "/networks/l3", label: "L3 networks", needs: "inventory.read" },
  { href: "/networks/vxlan-pools", label: "VXLAN pools", needs: "inventory.read" },
  { href: "/sriov", label: "SR-IOV overview", needs: "inventory.read" },
  { href: "/sriov/fleet", label: "Fleet split & restore", needs: "inventory.read" },
  { href: "/sriov/vfs", label: "Virtual functions", needs: "inventory.read" },
  { href: "/vms", label: "VMs", needs: "vms.read" },
  { href: "/security-groups", label: "Security groups", needs: "netservices.manage" },
  { href: "/eips", label: "EIPs", needs: "netservices.manage" },
  { href: "/catalog", label: "Catalog", needs: "catalog.manage" },
  { href: "/operations", label: "Operations", needs: "operations.read" },
  { href: "/audit", label: "Audit log", needs: "audit.read" },
  { href: "/admin/users", label: "Users", needs: "iam.read" },
  { href: "/admin/projects", label: "Projects", needs: "iam.read" },
  { href: "/settings/api-keys", label: "API keys", needs: "self.manage" },
];

/** A menu entry as the browser gets it. */
export type NavLink = Pick<NavItem, "href" | "label">;

/** The entries a role sees. */
export function navFor(role: Role): NavLink[] {
  return navItems
    .filter((item) => can({ role }, item.needs))
    .map(({ href, label }) => ({ href, label }));
}

/** Where a role lands: the inventory for those who may read it, else their VMs. */
export function homeFor(role: Role): string {
  return can({ role }, "inventory.read") ? "/hosts" : "/vms";
}
