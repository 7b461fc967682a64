import type { VirtualizationState } from "@virtfn/db";

/** domain.md: NotVirtualizable without SR-IOV or totalVfs = 0; Virtualized once split. */
export function virtualizationStateOf(pf: {
  sriovCapable: boolean;
  totalVfs: number;
  numVfs: number;
}): VirtualizationState {
  if (!pf.sriovCapable || pf.totalVfs === 0) return "NotVirtualizable";
  return pf.numVfs > 0 ? "Virtualized" : "Virtualizable";
}

export type IommuReadiness =
  | { state: "ready"; message: string }
  | { state: "disabled"; message: string }
  | { state: "rebootRequired"; message: string }
  | { state: "biosDisabled"; message: string };

/**
 * IOMMU ready is observed, never assumed: only an active IOMMU lets the host split PFs and take
 * VF NICs. Enabled-but-not-active means either a pending reboot or VT-d/AMD-Vi off in the BIOS.
 */
export function iommuReadiness(host: {
  iommuEnabled: boolean;
  iommuKernelArgSet: boolean;
  iommuActive: boolean;
  rebootRequired: boolean;
}): IommuReadiness {
  if (host.iommuActive) return { state: "ready", message: "IOMMU is active." };
  if (!host.iommuEnabled && !host.iommuKernelArgSet) {
    return { state: "disabled", message: "IOMMU is off. Enable it, then reboot the host." };
  }
  if (host.rebootRequired || !host.iommuKernelArgSet) {
    return {
      state: "rebootRequired",
      message: "IOMMU is enabled but not active yet: reboot the host to apply the kernel argument.",
    };
  }
  return {
    state: "biosDisabled",
    message:
      "The kernel argument is set and the host has rebooted, but IOMMU is not active: turn on VT-d / AMD-Vi in the BIOS.",
  };
}
