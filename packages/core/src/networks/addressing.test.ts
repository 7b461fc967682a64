import { describe, expect, it } from "vitest";
import { planAddressing } from "./addressing";

describe("planAddressing", () => {
  it("turns a CIDR into its hosts, with the first as the default gateway left out of the range", () => {
    expect(planAddressing({ ipRanges: [{ cidr: "10.0.0.0/24" }] })).toEqual({
      gateway: "10.0.0.1",
      prefixLength: 24,
      ranges: [{ startIp: "10.0.0.2", endIp: "10.0.0.254" }],
    });
  });
  it("keeps start–end ranges as given inside the subnet", () => {
    expect(
      planAddressing({
        gateway: "10.0.0.1",
        prefixLength: 24,
        ipRanges: [{ startIp: "10.0.0.10", endIp: "10.0.0.20" }],
      }).ranges,
    ).toEqual([{ startIp: "10.0.0.10", endIp: "10.0.0.20" }]);
  });
  it("refuses a gateway outside the subnet, a range outside it, the gateway inside a range, and overlaps", () => {
    expect(() =>
      planAddressing({ gateway: "10.0.1.1", ipRanges: [{ cidr: "10.0.0.0/24" }] }),
    ).toThrow(expect.objectContaining({ code: "GATEWAY_OUTSIDE_SUBNET" }));
    expect(() =>
      planAddressing({
        prefixLength: 24,
        ipRanges: [{ startIp: "10.0.0.10", endIp: "10.0.1.20" }],
      }),
    ).toThrow(expect.objectContaining({ code: "IP_RANGE_OUTSIDE_SUBNET" }));
    expect(() =>
      planAddressing({
        gateway: "10.0.0.15",
        prefixLength: 24,
        ipRanges: [{ startIp: "10.0.0.10", endIp: "10.0.0.20" }],
      }),
    ).toThrow(expect.objectContaining({ code: "GATEWAY_IN_IP_RANGE" }));
    expect(() =>
      planAddressing({
        prefixLength: 24,
        ipRanges: [
          { startIp: "10.0.0.10", endIp: "10.0.0.20" },
          { startIp: "10.0.0.20", endIp: "10.0.0.30" },
        ],
      }),
    ).toThrow(expect.objectContaining({ code: "IP_RANGE_OVERLAP" }));
  });
});
