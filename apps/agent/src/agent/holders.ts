import type { DomainSummary, VfNicSpec } from "@virtfn/agent-client";
import type { VfHolder } from "../host/nics";
import type { DomainRecord } from "../hypervisor/types";

/** A domain holds a VF if its config or its running instance names it: starting it would claim it. */
export function vfHolders(records: readonly DomainRecord[]): Map<string, VfHolder> {
  const map = new Map<string, VfHolder>();
  for (const record of records) {
    for (const nic of [...(record.live ?? []), ...record.config]) {
      if (nic.type === "vf" && !map.has(nic.pciAddress)) {
        map.set(nic.pciAddress, { domain: record.name, mac: nic.mac, vlan: nic.vlan ?? null });
      }
    }
  }
  return map;
}

export function domainVfs(record: DomainRecord): VfNicSpec[] {
  const seen = new Map<string, VfNicSpec>();
  for (const nic of [...(record.live ?? []), ...record.config]) {
    if (nic.type === "vf" && !seen.has(nic.pciAddress)) seen.set(nic.pciAddress, nic);
  }
  return [...seen.values()];
}

export function summarize(record: DomainRecord): DomainSummary {
  const macs = new Set<string>();
  for (const nic of [...(record.live ?? []), ...record.config])
    if (nic.type === "vnic") macs.add(nic.mac);
  return {
    name: record.name,
    state: record.state,
    vfs: domainVfs(record).map((n) => n.pciAddress),
    vnicMacs: [...macs],
  };
}
