import { z } from "zod";
import { DomainState } from "./domain";
import { DomainName, MacAddress, PciAddress } from "./common";
import { FdbEntry } from "./fdb";
import { HostFacts } from "./host";
import { PhysicalNic } from "./nic";

export const DomainSummary = z.object({
  name: DomainName,
  state: DomainState,
  vfs: z.array(PciAddress),
  vnicMacs: z.array(MacAddress),
});
export type DomainSummary = z.infer<typeof DomainSummary>;

/** Everything the reconciler compares with desired state, read in one call. */
export const HostSnapshot = z.object({
  bootId: z.string(),
  facts: HostFacts,
  nics: z.array(PhysicalNic),
  domains: z.array(DomainSummary),
  fdb: z.array(FdbEntry),
});
export type HostSnapshot = z.infer<typeof HostSnapshot>;
