import { describe, expect, it } from "vitest";
import {
  findOverlap,
  formatIpv4,
  hostRange,
  inSubnet,
  parseCidr,
  parseIpv4,
  rangeSize,
  rangesOverlap,
} from "./ip";

describe("parseIpv4 / formatIpv4", () => {
  it("round-trips dotted quads, including the edges", () => {
    for (const ip of ["0.0.0.0", "10.0.0.1", "192.168.255.254", "255.255.255.255"]) {
      const value = parseIpv4(ip);
      expect(value).not.toBeNull();
      expect(formatIpv4(value ?? -1)).toBe(ip);
    }
  });
  it("refuses anything that is not four decimal octets", () => {
    for (const bad of [
      "",
      "10.0.0",
      "10.0.0.256",
      "10.0.0.01",
      "a.b.c.d",
      "10.0.0.0.1",
      "1e1.0.0.1",
      " 10..0.1",
    ]) {
      expect(parseIpv4(bad)).toBeNull();
    }
  });
});

describe("parseCidr", () => {
  it("accepts a network address with its prefix", () => {
    const parsed = parseCidr("10.1.2.0/24");
    expect(parsed.ok && formatIpv4(parsed.cidr.network)).toBe("10.1.2.0");
    expect(parsed.ok && parsed.cidr.prefixLength).toBe(24);
  });
  it("refuses host bits, a prefix out of 1–32 and garbage, saying why", () => {
    const hostBits = parseCidr("10.1.2.5/24");
    expect(hostBits.ok).toBe(false);
    expect(!hostBits.ok && hostBits.message).toMatch(/did you mean 10\.1\.2\.0\/24/);
    expect(parseCidr("10.0.0.0/33").ok).toBe(false);
    expect(parseCidr("10.0.0.0/0").ok).toBe(false);
    expect(parseCidr("10.0.0.0").ok).toBe(false);
    expect(parseCidr("300.0.0.0/8").ok).toBe(false);
  });
});

describe("ranges", () => {
  it("hostRange leaves out network and broadcast, except on /31 and /32", () => {
    const c24 = parseCidr("192.168.1.0/24");
    if (!c24.ok) throw new Error("setup");
    const r = hostRange(c24.cidr);
    expect([formatIpv4(r.start), formatIpv4(r.end), rangeSize(r)]).toEqual([
      "192.168.1.1",
      "192.168.1.254",
      254,
    ]);
    const c31 = parseCidr("10.0.0.0/31");
    if (!c31.ok) throw new Error("setup");
    expect(rangeSize(hostRange(c31.cidr))).toBe(2);
  });
  it("inSubnet and overlap", () => {
    const c = parseCidr("10.0.0.0/16");
    if (!c.ok) throw new Error("setup");
    expect(inSubnet(parseIpv4("10.0.255.1") ?? 0, c.cidr)).toBe(true);
    expect(inSubnet(parseIpv4("10.1.0.1") ?? 0, c.cidr)).toBe(false);
    expect(rangesOverlap({ start: 1, end: 5 }, { start: 5, end: 9 })).toBe(true);
    expect(rangesOverlap({ start: 1, end: 4 }, { start: 5, end: 9 })).toBe(false);
    expect(
      findOverlap([
        { start: 20, end: 30 },
        { start: 1, end: 10 },
        { start: 11, end: 19 },
      ]),
    ).toBeNull();
    expect(
      findOverlap([
        { start: 20, end: 30 },
        { start: 1, end: 10 },
        { start: 10, end: 19 },
      ]),
    ).toEqual([
      { start: 1, end: 10 },
      { start: 10, end: 19 },
    ]);
  });
});
