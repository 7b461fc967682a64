import { DomainError, ErrorCode } from "../shared/errors";
import {
  findOverlap,
  formatIpv4,
  formatRange,
  hostRange,
  inSubnet,
  networkOf,
  parseCidr,
  parseIpv4,
  rangeContains,
  rangeInSubnet,
  type Cidr,
  type IpRange,
} from "./ip";
import type { IpRangeInput } from "./schemas";

export interface AddressingInput {
  gateway?: string | null;
  prefixLength?: number | null;
  ipRanges: IpRangeInput[];
}

export interface AddressingPlan {
  gateway: string | null;
  prefixLength: number | null;
  ranges: Array<{ startIp: string; endIp: string }>;
}

function parsed(text: string): number {
  const value = parseIpv4(text);
  // The zod schema has already checked the format; reaching this is a programming error.
  if (value === null) throw new Error(`unchecked IPv4 address ${text}`);
  return value;
}

function cidrOf(text: string): Cidr {
  const result = parseCidr(text);
  if (!result.ok) throw new Error(`unchecked CIDR ${text}`);
  return result.cidr;
}

/**
 * Turns an L3's gateway, prefix and ranges (CIDR or start–end, already format-checked) into
 * concrete ranges, and checks that they hang together: every range and the gateway in one
 * subnet, the gateway outside the ranges, and no two ranges overlapping.
 */
export function planAddressing(input: AddressingInput): AddressingPlan {
  const cidrs = input.ipRanges.flatMap((range) =>
    range.cidr !== undefined ? [cidrOf(range.cidr)] : [],
  );
  const prefixLength = input.prefixLength ?? cidrs[0]?.prefixLength ?? null;
  if (prefixLength === null) {
    return { gateway: input.gateway ?? null, prefixLength: null, ranges: [] };
  }
  const firstBounds = input.ipRanges.find((range) => range.startIp !== undefined);
  const anchor =
    cidrs[0]?.network ??
    (firstBounds?.startIp ? parsed(firstBounds.startIp) : null) ??
    (input.gateway ? parsed(input.gateway) : 0);
  const subnet: Cidr = { network: networkOf(anchor, prefixLength), prefixLength };
  const subnetText = `${formatIpv4(subnet.network)}/${prefixLength}`;

  let gateway = input.gateway ? parsed(input.gateway) : null;
  // A CIDR range without a gateway gets the conventional one: the subnet's first host.
  if (gateway === null && cidrs.length > 0) gateway = hostRange(subnet).start;
  if (gateway !== null && !inSubnet(gateway, subnet)) {
    throw new DomainError(
      ErrorCode.GATEWAY_OUTSIDE_SUBNET,
      "BAD_REQUEST",
      `The gateway ${formatIpv4(gateway)} is outside the subnet ${subnetText}.`,
      { gateway: formatIpv4(gateway), subnet: subnetText },
    );
  }

  const ranges: IpRange[] = input.ipRanges.map((range) => {
    if (range.cidr === undefined)
      return { start: parsed(range.startIp ?? ""), end: parsed(range.endIp ?? "") };
    const hosts = hostRange(cidrOf(range.cidr));
    // The gateway at either end of a CIDR's hosts is left out rather than refused.
    if (gateway === hosts.start && hosts.end > hosts.start)
      return { start: hosts.start + 1, end: hosts.end };
    if (gateway === hosts.end && hosts.end > hosts.start)
      return { start: hosts.start, end: hosts.end - 1 };
    return hosts;
  });
  for (const range of ranges) {
    if (!rangeInSubnet(range, subnet)) {
      throw new DomainError(
        ErrorCode.IP_RANGE_OUTSIDE_SUBNET,
        "BAD_REQUEST",
        `The IP range ${formatRange(range)} is outside the subnet ${subnetText}.`,
        { range: formatRange(range), subnet: subnetText },
      );
    }
    if (gateway !== null && rangeContains(range, gateway)) {
      throw new DomainError(
        ErrorCode.GATEWAY_IN_IP_RANGE,
        "BAD_REQUEST",
        `The gateway ${formatIpv4(gateway)} is inside the IP range ${formatRange(range)}; VMs could be given it.`,
        { gateway: formatIpv4(gateway), range: formatRange(range) },
      );
    }
  }
  checkNoOverlap(ranges.map((range) => ({ ...range, label: "this request" })));
  return {
    gateway: gateway === null ? null : formatIpv4(gateway),
    prefixLength,
    ranges: ranges.map((range) => ({
      startIp: formatIpv4(range.start),
      endIp: formatIpv4(range.end),
    })),
  };
}

export interface LabelledRange extends IpRange {
  /** Where the range lives, for the message: "L3 web" or "this request". */
  label: string;
}

/** IP ranges never overlap within one L2: the same address on two L3s of one segment collides. */
export function checkNoOverlap(ranges: LabelledRange[]): void {
  const pair = findOverlap(ranges);
  if (pair) {
    const [a, b] = pair;
    throw new DomainError(
      ErrorCode.IP_RANGE_OVERLAP,
      "CONFLICT",
      `The IP range ${formatRange(b)} (${b.label}) overlaps ${formatRange(a)} (${a.label}).`,
      { range: formatRange(b), overlaps: formatRange(a), with: a.label },
    );
  }
}

export function toRange(row: { startIp: string; endIp: string }): IpRange {
  return { start: parsed(row.startIp), end: parsed(row.endIp) };
}
