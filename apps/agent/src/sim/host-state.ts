import { z } from "zod";
import { FdbEntry, MacAddress, VfLinkState } from "@virtfn/agent-client";

/** What a PF driver keeps per VF (ndo_set_vf_*); gone with the VF, so gone after a reboot. */
export const SimVfPort = z.object({
  mac: MacAddress,
  vlan: z.number().int().min(0).max(4095),
  spoofCheck: z.boolean(),
  trust: z.boolean(),
  linkState: VfLinkState,
  queryRss: z.boolean(),
});
export type SimVfPort = z.infer<typeof SimVfPort>;

export const FRESH_SIM_VF_PORT: SimVfPort = {
  mac: "00:00:00:00:00:00",
  vlan: 0,
  spoofCheck: true,
  trust: false,
  linkState: "auto",
  queryRss: false,
};

/** What a sim host keeps outside sysfs: the bootloader config, the bridge FDB and VF ports. */
export const SimHostState = z.object({
  profile: z.string(),
  /** Kernel cmdline of the next boot (what grubby edits). */
  configuredCmdline: z.string(),
  fdb: z.array(FdbEntry),
  bootCount: z.number().int(),
  /** By VF PCI address; a VF without an entry has FRESH_SIM_VF_PORT. */
  vfPorts: z.record(z.string(), SimVfPort).default({}),
});
export type SimHostState = z.infer<typeof SimHostState>;
