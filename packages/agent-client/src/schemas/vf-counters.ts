import { z } from "zod";
import { IfName, PciAddress } from "./common";

/** A 64-bit hardware counter as JSON carries it (exact up to 2^53, about 9 PB). */
export const VfCounterValue = z.number().int().nonnegative();

/**
 * One VF's traffic counters as its PF driver reports them (ndo_get_vf_stats, `ip -s -j link`),
 * from the VF's side of the switch: rx is what the VF received, tx what it sent. A counter the
 * driver does not keep is null, never 0: a 0 would claim "nothing dropped".
 */
export const VfCounters = z.object({
  pf: IfName,
  index: z.number().int().nonnegative(),
  pciAddress: PciAddress,
  rxBytes: VfCounterValue,
  rxPackets: VfCounterValue,
  txBytes: VfCounterValue,
  txPackets: VfCounterValue,
  rxDropped: VfCounterValue.nullable(),
  txDropped: VfCounterValue.nullable(),
});
export type VfCounters = z.infer<typeof VfCounters>;

/**
 * The counters of every VF whose PF driver keeps them; a VF of a driver that keeps none (igb,
 * ixgbe: the kernel reports zeros for them) is left out. Not part of the snapshot: counters move
 * all the time, and the snapshot's digest must not.
 */
export const VfCountersReport = z.object({ vfs: z.array(VfCounters) });
export type VfCountersReport = z.infer<typeof VfCountersReport>;
