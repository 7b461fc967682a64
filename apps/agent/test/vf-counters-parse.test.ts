import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseVfCounters, readVfCounters } from "../src/host/vf-counters";
import type { CommandRunner } from "../src/platform/runner";

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/ip-stats-json/${name}`, import.meta.url), "utf8");

/** Answers `ip -s -j link show dev <pf>` with a fixture and records what was run. */
function ipAnswering(output: string): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(command, args) {
      calls.push([command, ...args]);
      return { stdout: output, stderr: "", exitCode: 0 };
    },
  };
}

describe("parseVfCounters: `ip -s -j link show <pf>` as iproute2 prints it", () => {
  it("reads mlx5's VF counters, drops included (rx is what the VF received)", () => {
    const counters = parseVfCounters(fixture("mlx5-iproute2-6.1.json"), "mlx5_core");
    expect(counters.get(0)).toEqual({
      index: 0,
      rxBytes: 123456789012,
      rxPackets: 98765432,
      txBytes: 2233445566,
      txPackets: 3344556,
      rxDropped: 17,
      txDropped: 2,
    });
    // A VF without traffic of a driver that counts has real zeros.
    expect(counters.get(1)).toMatchObject({ rxBytes: 0, rxDropped: 0 });
  });

  it("gives no counters for ixgbe: the kernel's zeros there mean 'not counted'", () => {
    expect(parseVfCounters(fixture("ixgbe-iproute2-6.1.json"), "ixgbe").size).toBe(0);
  });

  it("leaves drops null when the kernel sends none (before IFLA_VF_STATS_RX_DROPPED)", () => {
    const vf = parseVfCounters(fixture("mlx5-kernel-4.18-no-drops.json"), "mlx5_core").get(0);
    expect(vf).toMatchObject({ rxBytes: 5000, txPackets: 50, rxDropped: null, txDropped: null });
  });

  it("leaves drops null for mlx4, whose zeros are not counts", () => {
    const vf = parseVfCounters(fixture("mlx4-iproute2-5.10.json"), "mlx4_core").get(0);
    expect(vf).toMatchObject({ rxBytes: 81234, rxDropped: null, txDropped: null });
  });
});

describe("readVfCounters", () => {
  it("names each VF by PF and PCI address, and skips VFs the PF no longer has", async () => {
    const runner = ipAnswering(fixture("mlx5-iproute2-6.1.json"));
    const vfs = await readVfCounters(runner, {
      name: "enp59s0f0np0",
      driver: "mlx5_core",
      vfs: [{ index: 0, pciAddress: "0000:3b:00.2" }],
    });
    expect(runner.calls).toEqual([["ip", "-s", "-j", "link", "show", "dev", "enp59s0f0np0"]]);
    expect(vfs).toEqual([
      expect.objectContaining({ pf: "enp59s0f0np0", pciAddress: "0000:3b:00.2", rxDropped: 17 }),
    ]);
  });

  it("runs nothing for a driver that keeps no VF counters", async () => {
    const runner = ipAnswering(fixture("ixgbe-iproute2-6.1.json"));
    const vfs = await readVfCounters(runner, {
      name: "p1p1",
      driver: "ixgbe",
      vfs: [{ index: 0, pciAddress: "0000:04:10.0" }],
    });
    expect(vfs).toEqual([]);
    expect(runner.calls).toEqual([]);
  });
});
