import { z } from "zod";
import { FdbEntry } from "@virtfn/agent-client";

/** What a sim host keeps outside sysfs: the bootloader config and the bridge FDB. */
export const SimHostState = z.object({
  profile: z.string(),
  /** Kernel cmdline of the next boot (what grubby edits). */
  configuredCmdline: z.string(),
  fdb: z.array(FdbEntry),
  bootCount: z.number().int(),
});
export type SimHostState = z.infer<typeof SimHostState>;
