import { z } from "zod";

// The count is only checked for being an integer here: its bounds depend on the PF, and the
// service answers VF_COUNT_OUT_OF_RANGE with them (R12), which says more than a field error.
export const splitPfInput = z.object({
  pfId: z.uuid("Not a physical NIC id"),
  count: z.number().int("The VF count is a whole number"),
  /** Accepted for symmetry with restore; a split never detaches anything. */
  force: z.boolean().default(false),
});
export type SplitPfInput = z.input<typeof splitPfInput>;

export const restorePfInput = z.object({
  pfId: z.uuid("Not a physical NIC id"),
  /** R11: detach the VF NICs of VMs that use this PF, then restore. */
  force: z.boolean().default(false),
});
export type RestorePfInput = z.input<typeof restorePfInput>;

export const pfIdInput = z.object({ pfId: z.uuid("Not a physical NIC id") });
export type PfIdInput = z.input<typeof pfIdInput>;

export const vfAvailabilityInput = z.object({
  l3Id: z.uuid("Not an L3 network id"),
  /** How many host rows to return; the sums are over the whole zone. */
  limit: z.number().int().min(1).max(1000).default(200),
});
export type VfAvailabilityInput = z.input<typeof vfAvailabilityInput>;

export const l2VfAvailabilityInput = z.object({
  l2Id: z.uuid("Not an L2 network id"),
  /** How many host rows to return; the sums are over the whole zone. */
  limit: z.number().int().min(1).max(1000).default(200),
});
export type L2VfAvailabilityInput = z.input<typeof l2VfAvailabilityInput>;

export const sriovOverviewInput = z.object({
  zoneId: z.uuid().optional(),
  /** How many PF rows to return (by host name); `pfCount` says how many there are. */
  limit: z.number().int().min(1).max(1000).default(200),
});
export type SriovOverviewInput = z.input<typeof sriovOverviewInput>;

/** What a pf.split / pf.restore / pf.reapply operation carries from the service to the handler. */
export const setVfCountOperationInput = z.object({
  count: z.number().int().min(0),
  force: z.boolean().default(false),
  /** desiredNumVfs before the request, put back if the agent refuses for good. */
  previousDesired: z.number().int().nullable().default(null),
  warnings: z.array(z.string()).default([]),
  /** pf.reapply only: the boot it repairs, so that one boot gets one attempt. */
  bootId: z.string().nullable().default(null),
});
export type SetVfCountOperationInput = z.infer<typeof setVfCountOperationInput>;
