// Where a target (of an operation or an audit event) is shown in the console, by its type.
// Null for types with no page of their own (the row then shows the name without a link).

export function targetHref(
  targetType: string,
  targetId: string | null,
  extra: { hostId?: string | null } = {},
): string | null {
  if (!targetId) return null;
  switch (targetType) {
    case "Vm":
      return `/vms/${targetId}`;
    case "Host":
      return `/hosts/${targetId}`;
    case "PhysicalNic":
      // A PF is shown on its host's page; without the host, its VF list is the PF's own view.
      return extra.hostId ? `/hosts/${extra.hostId}` : `/sriov/vfs?pf=${targetId}`;
    case "FleetRollout":
      return "/sriov/fleet";
    case "Operation":
      return `/operations/${targetId}`;
    case "L2Network":
      return `/networks/l2/${targetId}`;
    case "L3Network":
      return `/networks/l3/${targetId}`;
    case "Project":
      return "/admin/projects";
    default:
      return null;
  }
}
