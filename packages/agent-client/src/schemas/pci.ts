import { z } from "zod";
import { PciAddress } from "./common";

const HexId = z.string().regex(/^0x[0-9a-f]{4}$/, "expected a PCI id like 0x10de");

/**
 * A PCI function of the host that is not a VF nor a bridge, as /sys/bus/pci/devices shows it:
 * the candidates for whole-device passthrough (a GPU, a NIC that is not split).
 */
export const HostPciDevice = z.object({
  pciAddress: PciAddress,
  /** The class code, e.g. 0x030000 (VGA) or 0x020000 (Ethernet). */
  classCode: z.string().regex(/^0x[0-9a-f]{6}$/, "expected a PCI class like 0x030000"),
  vendorId: HexId,
  deviceId: HexId,
  /** The bound driver's name; null when none is bound. */
  driver: z.string().nullable(),
  /** /sys/kernel/iommu_groups/N the function belongs to; null without an active IOMMU. */
  iommuGroup: z.number().int().nonnegative().nullable(),
  /** The slot's NUMA node; null for -1 (no locality). */
  numaNode: z.number().int().nonnegative().nullable(),
  /** sriov_numvfs when the function has the SR-IOV capability, else null. */
  sriovNumVfs: z.number().int().nonnegative().nullable(),
});
export type HostPciDevice = z.infer<typeof HostPciDevice>;
