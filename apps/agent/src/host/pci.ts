/** PCI address arithmetic. A routing id is bus<<8 | slot<<3 | function, within one PCI domain. */

export interface PciParts {
  domain: number;
  bus: number;
  slot: number;
  fn: number;
}

const PCI_RE = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/;

export function parsePci(address: string): PciParts {
  const m = PCI_RE.exec(address);
  if (m === null) throw new Error(`not a PCI address: ${address}`);
  const [, d = "", b = "", s = "", f = ""] = m;
  return {
    domain: parseInt(d, 16),
    bus: parseInt(b, 16),
    slot: parseInt(s, 16),
    fn: parseInt(f, 16),
  };
}

export function formatPci(p: PciParts): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, "0");
  return `${hex(p.domain, 4)}:${hex(p.bus, 2)}:${hex(p.slot, 2)}.${p.fn}`;
}

/** VF n of a PF per the SR-IOV capability: RID(VF n) = RID(PF) + offset + n * stride. */
export function vfPciAddress(pf: string, offset: number, stride: number, index: number): string {
  const p = parsePci(pf);
  const rid = (p.bus << 8) + (p.slot << 3) + p.fn + offset + index * stride;
  if (rid > 0xffff) throw new Error(`VF ${index} of ${pf} is beyond the last bus`);
  return formatPci({ domain: p.domain, bus: rid >> 8, slot: (rid >> 3) & 0x1f, fn: rid & 0x7 });
}
