import { z } from "zod";

export const BackendKind = z.enum(["linux", "sim"]);
export type BackendKind = z.infer<typeof BackendKind>;

export const Health = z.object({
  version: z.string(),
  hostname: z.string(),
  backend: BackendKind,
  /** /proc/sys/kernel/random/boot_id: a new value after every reboot, so the reconciler can tell. */
  bootId: z.string().min(1),
});
export type Health = z.infer<typeof Health>;

export const IommuFacts = z.object({
  /** intel_iommu=on / amd_iommu=on is in the kernel cmdline configured for the next boot. */
  kernelArgSet: z.boolean(),
  /** /sys/class/iommu is non-empty and (the running cmdline has the arg or the log says DMAR: IOMMU enabled). */
  active: z.boolean(),
  interruptRemapping: z.boolean(),
  allowUnsafeInterrupts: z.boolean(),
  /** The configured arg differs from the running cmdline: the change waits for a reboot. */
  rebootRequired: z.boolean(),
});
export type IommuFacts = z.infer<typeof IommuFacts>;

/**
 * One NUMA node of the host: /sys/devices/system/node/nodeN, its cpulist and the MemTotal of
 * its meminfo. A host without NUMA information reports none.
 */
export const NumaNode = z.object({
  id: z.number().int().nonnegative(),
  /** The kernel's cpulist, e.g. "0-19,40-59". */
  cpuList: z.string(),
  cpuCount: z.number().int().nonnegative(),
  memoryMiB: z.number().int().nonnegative(),
});
export type NumaNode = z.infer<typeof NumaNode>;

export const HostFacts = z.object({
  hostname: z.string(),
  cpuModel: z.string(),
  cpuCount: z.number().int().nonnegative(),
  memoryMiB: z.number().int().nonnegative(),
  cpuVirtualization: z.enum(["vmx", "svm"]).nullable(),
  iommu: IommuFacts,
  /** Added later: an older agent omits it, which reads as "no NUMA information". */
  numa: z.array(NumaNode).default([]),
});
export type HostFacts = z.infer<typeof HostFacts>;

export const SetIommuRequest = z.object({ enabled: z.boolean() });
export type SetIommuRequest = z.infer<typeof SetIommuRequest>;

export const SetIommuResponse = z.object({
  kernelArgSet: z.boolean(),
  rebootRequired: z.boolean(),
});
export type SetIommuResponse = z.infer<typeof SetIommuResponse>;

export const RebootResponse = z.object({ bootId: z.string() });
export type RebootResponse = z.infer<typeof RebootResponse>;
