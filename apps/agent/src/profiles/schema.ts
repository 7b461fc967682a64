import { z } from "zod";
import { IfName, MacAddress, PciAddress } from "@virtfn/agent-client";

const HexId = z.string().regex(/^0x[0-9a-f]{4}$/);

/** One NIC model as the kernel shows it: ids, drivers and the SR-IOV capability registers. */
export const NicProfile = z.object({
  model: z.string(),
  vendorId: HexId,
  deviceId: HexId,
  driver: z.string(),
  /** 0 for a NIC without SR-IOV: the kernel then has no sriov_* files at all. */
  totalVfs: z.number().int().nonnegative(),
  vfDeviceId: HexId.optional(),
  vfDriver: z.string().optional(),
  /** First VF Offset and VF Stride from the SR-IOV capability: VF n's routing id = PF + offset + n*stride. */
  vfOffset: z.number().int().positive().optional(),
  vfStride: z.number().int().positive().optional(),
  maxSpeedMbps: z.number().int().positive(),
  /**
   * Whether the PF driver's remove() disables SR-IOV (igb, ixgbe, i40e, ice, mlx5 do: unbinding
   * takes the VFs). nvme's does not: its VFs and sriov_numvfs outlive the unbind.
   */
  removeDisablesSriov: z.boolean().default(true),
  /**
   * Which VF port settings the PF driver implements (its ndo_set_vf_* callbacks); one it lacks
   * is refused with EOPNOTSUPP and left out of `ip -d link show`.
   */
  vfPort: z
    .object({
      spoofCheck: z.boolean().default(true),
      trust: z.boolean().default(true),
      linkState: z.boolean().default(true),
      /** ndo_set_vf_rss_query_en: ixgbe has it, most drivers do not. */
      queryRss: z.boolean().default(false),
      /** igb and older ixgbe refuse an all-zero VF MAC with EINVAL (the release field bug). */
      zeroMac: z.boolean().default(true),
    })
    .prefault({}),
});
export type NicProfile = z.infer<typeof NicProfile>;

export const HostNicEntry = z.object({
  /** The PF's netdev; null for an SR-IOV function that has none (an NVMe controller). */
  ifname: IfName.nullable(),
  /** File name (without .json) in profiles/nics. */
  nic: z.string(),
  pciAddress: PciAddress,
  mac: MacAddress,
  link: z.enum(["up", "down"]),
  speedMbps: z.number().int().positive().nullable(),
  bond: IfName.nullable().default(null),
  /** Overrides the model's VF offset, as a second port of the same card has its own. */
  vfOffset: z.number().int().positive().optional(),
  /** The NUMA node of the PF's slot; -1 (the default) is the kernel's "no NUMA information". */
  numaNode: z.number().int().min(-1).default(-1),
});

/** A PCI function other than a NIC (a GPU and its audio function): passthrough candidates. */
export const HostPciEntry = z.object({
  pciAddress: PciAddress,
  classCode: z.string().regex(/^0x[0-9a-f]{6}$/),
  vendorId: HexId,
  deviceId: HexId,
  driver: z.string().nullable(),
  numaNode: z.number().int().min(-1).default(-1),
  /**
   * Its IOMMU group once the IOMMU is on. Functions that share one (a GPU and its audio) can
   * only be passed through together; NIC PFs get a group of their own.
   */
  iommuGroup: z.number().int().nonnegative(),
});
export type HostPciEntry = z.infer<typeof HostPciEntry>;

export const HostProfileFile = z.object({
  hostname: z.string().min(1),
  cpu: z.object({
    vendor: z.enum(["GenuineIntel", "AuthenticAMD"]),
    model: z.string(),
    count: z.number().int().positive(),
    flags: z.array(z.string()),
  }),
  memoryMiB: z.number().int().positive(),
  bios: z.object({
    /** VT-d / AMD-Vi enabled in firmware: without it the kernel argument alone activates nothing. */
    iommu: z.boolean(),
    /** Firmware exposes interrupt remapping (DMAR ecap bit 3). */
    interruptRemapping: z.boolean().default(true),
  }),
  /** The kernel cmdline the host boots with the first time; the IOMMU argument may or may not be in it. */
  cmdline: z.string(),
  allowUnsafeInterrupts: z.boolean().default(false),
  /** Some hosts restrict dmesg; the agent then falls back to journalctl -k. */
  dmesgRestricted: z.boolean().default(false),
  nics: z.array(HostNicEntry).min(1),
  /**
   * NUMA nodes: the CPUs (contiguous blocks) and memory are split evenly over them. One node is
   * what a single-socket Linux host shows (node0 with everything).
   */
  numaNodes: z.number().int().positive().default(1),
  pciDevices: z.array(HostPciEntry).default([]),
});
export type HostProfileFile = z.infer<typeof HostProfileFile>;

/** A host profile with its NIC models resolved; what the sim kernel is built from. */
export type HostProfile = Omit<HostProfileFile, "nics"> & {
  name: string;
  nics: Array<z.infer<typeof HostNicEntry> & { profile: NicProfile }>;
};
