// Warnings, not refusals: things that are allowed but will surprise the admin. A PF whose link is
// down can be split and its VFs handed out, but a VM on them has no network; an L2 with SR-IOV on
// but no VFs on any host looks healthy and offers nothing (R3, at the scale of the whole L2).

export interface SriovWarning {
  code: "PF_LINK_DOWN" | "SRIOV_NO_VFS_ANYWHERE";
  message: string;
  l2Id?: string;
  pfId?: string;
}

/** A PF with its link down, in words; null when the link is up or not reported. */
export function linkDownWarning(
  pf: { name: string | null; linkUp?: boolean },
  hostName: string,
): string | null {
  if (pf.linkUp !== false) return null;
  return `Link down on ${pf.name ?? "a PF"} (${hostName}): its VFs can be split and handed out, but a VM on them has no network until the link is back.`;
}

/** SR-IOV on for an L2 whose interface offers no VF on any host of its attached clusters. */
export function noVfsAnywhereWarnings(
  l2s: Array<{
    l2Id: string;
    name: string;
    sriovEnabled: boolean;
    physicalInterface: string;
    vfTotal: number;
  }>,
): SriovWarning[] {
  return l2s
    .filter((l2) => l2.sriovEnabled && l2.vfTotal === 0)
    .map((l2) => ({
      code: "SRIOV_NO_VFS_ANYWHERE",
      l2Id: l2.l2Id,
      message: `SR-IOV is on for L2 ${l2.name}, but no host offers a VF on ${l2.physicalInterface}: split ${l2.physicalInterface} on a host of an attached cluster, or VMs asking for SR-IOV on it will not be placed.`,
    }));
}
