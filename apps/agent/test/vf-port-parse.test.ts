import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseVfPorts } from "../src/host/vf-port";

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/ip-link/${name}`, import.meta.url), "utf8");

describe("parseVfPorts: `ip -d link show <pf>` as iproute2 prints it", () => {
  it("reads ixgbe's VFs with iproute2 6.1's link/ether layout", () => {
    const ports = parseVfPorts(fixture("ixgbe-iproute2-6.1.txt"));
    expect([...ports.keys()]).toEqual([0, 1]);
    expect(ports.get(0)).toEqual({
      mac: "00:00:00:00:00:00",
      vlan: 0,
      spoofCheck: true,
      trust: false,
      linkState: "auto",
      queryRss: false,
    });
    expect(ports.get(1)).toEqual({
      mac: "52:54:00:6d:90:02",
      vlan: 100,
      spoofCheck: true,
      trust: true,
      linkState: "auto",
      queryRss: false,
    });
  });

  it("skips qos, the VLAN protocol and rates, and reads forced link states", () => {
    const ports = parseVfPorts(fixture("mlx5-qinq-rate.txt"));
    expect(ports.get(0)).toEqual({
      mac: "52:54:00:aa:00:01",
      vlan: 5,
      spoofCheck: false,
      trust: false,
      linkState: "enable",
      queryRss: false,
    });
    expect(ports.get(1)).toMatchObject({ linkState: "disable", trust: true, vlan: 0 });
  });

  it("reads the old `MAC` layout, where what a driver does not report is null", () => {
    const ports = parseVfPorts(fixture("igb-iproute2-3.10.txt"));
    expect(ports.get(1)).toEqual({
      mac: "52:54:00:12:34:56",
      vlan: 200,
      spoofCheck: false,
      trust: null,
      linkState: "auto",
      queryRss: null,
    });
  });

  it("finds no VFs on a PF without any", () => {
    expect(
      parseVfPorts("2: em1: <BROADCAST> mtu 1500\n    link/ether a0:36:9f:1c:22:40\n").size,
    ).toBe(0);
  });
});
