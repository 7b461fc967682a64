import { z } from "zod";
import { MacAddress } from "./common";

/** `ip link set <pf> vf <n> state …`: follow the PF's link, or force the VF's link up or down. */
export const VfLinkState = z.enum(["auto", "enable", "disable"]);
export type VfLinkState = z.infer<typeof VfLinkState>;

/**
 * The port settings of a VF that the PF driver keeps for it, besides the MAC and VLAN that
 * libvirt's managed hostdev programs. They are desired state: the agent applies them after an
 * attach and the reconciler re-applies them after a reboot or a driver reload.
 * R4 stays: no rate limits (max_tx_rate, min_tx_rate) here, ever.
 */
export const VfPortSettings = z.object({
  spoofCheck: z.boolean(),
  trust: z.boolean(),
  linkState: VfLinkState,
  /** Only drivers that support it (ixgbe); false asks nothing of the others. */
  queryRss: z.boolean(),
});
export type VfPortSettings = z.infer<typeof VfPortSettings>;

/** What a freshly created VF has, and what a release puts back. */
export const DEFAULT_VF_PORT: VfPortSettings = {
  spoofCheck: true,
  trust: false,
  linkState: "auto",
  queryRss: false,
};

/**
 * A VF's port as `ip -d link show <pf>` prints it. A setting the driver does not report (iproute2
 * leaves it out when the kernel says -1) is null: the driver does not support it.
 */
export const VfPortObserved = z.object({
  /** 00:00:00:00:00:00 when no MAC is programmed. */
  mac: MacAddress.nullable(),
  vlan: z.number().int().min(0).max(4095),
  spoofCheck: z.boolean().nullable(),
  trust: z.boolean().nullable(),
  linkState: VfLinkState.nullable(),
  queryRss: z.boolean().nullable(),
});
export type VfPortObserved = z.infer<typeof VfPortObserved>;

export const SetVfPortRequest = z.object({ settings: VfPortSettings });
export type SetVfPortRequest = z.infer<typeof SetVfPortRequest>;

/** The reset a released VF gets before anyone else may have it. */
export const VfResetResult = z.object({
  pciAddress: z.string(),
  /**
   * false when the driver refuses an all-zero MAC (igb and older ixgbe answer EINVAL): the old
   * MAC stays programmed until the next holder sets its own, which is harmless because the
   * next attach always programs one.
   */
  macZeroed: z.boolean(),
  port: VfPortObserved,
});
export type VfResetResult = z.infer<typeof VfResetResult>;
