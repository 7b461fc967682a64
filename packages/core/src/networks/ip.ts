// IPv4 arithmetic on unsigned 32-bit numbers. Pure, so the rules and the UI can share it.

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIpv4(text: string): number | null {
  const parts = text.trim().split(".");
  if (parts.length !== 4 || !parts.every((part) => OCTET.test(part))) return null;
  return parts.reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== null;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export interface Cidr {
  network: number;
  prefixLength: number;
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; message: string };

export function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

export function networkOf(ip: number, prefixLength: number): number {
  const size = blockSize(prefixLength);
  return Math.floor(ip / size) * size;
}

/** "10.0.0.0/24". Host bits must be zero, so that a typo is not silently another network. */
export function parseCidr(text: string): CidrParse {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text.trim());
  if (!match) return { ok: false, message: `${text} is not a CIDR like 10.0.0.0/24` };
  const ip = parseIpv4(match[1] ?? "");
  const prefixLength = Number(match[2]);
  if (ip === null) return { ok: false, message: `${match[1]} is not an IPv4 address` };
  if (prefixLength < 1 || prefixLength > 32)
    return { ok: false, message: `the prefix length must be 1 to 32, not ${prefixLength}` };
  const network = networkOf(ip, prefixLength);
  if (network !== ip) {
    return {
      ok: false,
      message: `${text} has host bits set; did you mean ${formatIpv4(network)}/${prefixLength}?`,
    };
  }
  return { ok: true, cidr: { network, prefixLength } };
}

export interface IpRange {
  start: number;
  end: number;
}

/** Usable host addresses: without the network and broadcast addresses, except on /31 and /32. */
export function hostRange(cidr: Cidr): IpRange {
  const last = cidr.network + blockSize(cidr.prefixLength) - 1;
  if (cidr.prefixLength >= 31) return { start: cidr.network, end: last };
  return { start: cidr.network + 1, end: last - 1 };
}

export function inSubnet(ip: number, cidr: Cidr): boolean {
  return networkOf(ip, cidr.prefixLength) === cidr.network;
}

export function rangeInSubnet(range: IpRange, cidr: Cidr): boolean {
  return inSubnet(range.start, cidr) && inSubnet(range.end, cidr);
}

export function rangeContains(range: IpRange, ip: number): boolean {
  return ip >= range.start && ip <= range.end;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function rangeSize(range: IpRange): number {
  return range.end - range.start + 1;
}

/** The first pair of overlapping ranges, or null. */
export function findOverlap<T extends IpRange>(ranges: T[]): [T, T] | null {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i += 1) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (previous && current && rangesOverlap(previous, current)) return [previous, current];
  }
  return null;
}

export function formatRange(range: IpRange): string {
  return `${formatIpv4(range.start)}–${formatIpv4(range.end)}`;
}
