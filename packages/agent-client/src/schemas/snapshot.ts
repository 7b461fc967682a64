import { z } from "zod";
import { DomainState } from "./domain";
import { DomainName, MacAddress, PciAddress } from "./common";
import { FdbEntry } from "./fdb";
import { HostFacts } from "./host";
import { PhysicalNic } from "./nic";
import { HostPciDevice } from "./pci";

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
  /**
   * Added for passthrough (issue 17). An older agent omits it: that is "not reported", not
   * "none", so the recorded devices (and the VMs given them) are left as they are.
   */
  pciDevices: z.array(HostPciDevice).optional(),
});
export type HostSnapshot = z.infer<typeof HostSnapshot>;

/**
 * A digest of a snapshot: equal digests mean the agent reports the same thing. It also changes
 * when the agent restarts, so a reconciler never trusts a digest across an agent's restart.
 */
export const SnapshotDigest = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
export type SnapshotDigest = z.infer<typeof SnapshotDigest>;

/**
 * The snapshot only if its digest differs from the one the caller last saw: a reconciler whose
 * host did not change skips the transfer, the parse, the compare and the writes.
 */
export const SnapshotChange = z.discriminatedUnion("changed", [
  z.object({ changed: z.literal(false), digest: SnapshotDigest }),
  z.object({ changed: z.literal(true), digest: SnapshotDigest, snapshot: HostSnapshot }),
]);
export type SnapshotChange = z.infer<typeof SnapshotChange>;
