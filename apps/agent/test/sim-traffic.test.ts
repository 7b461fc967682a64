// The sim's traffic model as the VM page's chart sees it: the workers read the counters every
// 30 s (VIRTFN_VF_COUNTERS_MS' default) and the chart draws the rate between two reads. A VF's
// load swings over minutes, so from one read to the next its rate changes by well under a factor
// of two: a swing as short as two reads would draw as a zigzag.
import type { DomainRecord } from "../src/hypervisor/types";
import type { Clock } from "../src/platform/clock";
import { SimTraffic } from "../src/sim/traffic";
import { describe, expect, it } from "vitest";

const READ_EVERY_MS = 30_000;
const READS = 240; // two hours
const VFS = Array.from(
  { length: 64 },
  (_, i) => `0000:af:${String(1 + Math.floor(i / 8)).padStart(2, "0")}.${i % 8}`,
);

describe("the sim's VF traffic read every 30 s", () => {
  it("moves every running VF's counters, each read's rate within a factor of two of the last", async () => {
    let now = 0;
    const clock: Clock = { now: () => now, sleep: () => Promise.resolve() };
    const domain: DomainRecord = {
      name: "busy",
      uuid: "6d1e3c52-8f1b-4a3e-9a53-0c2f6e1d4b7a",
      state: "running",
      vcpus: 1,
      memoryMiB: 1024,
      image: undefined,
      config: [],
      live: VFS.map((pciAddress, i) => ({
        type: "vf",
        mac: `52:54:00:00:01:${i.toString(16).padStart(2, "0")}`,
        pciAddress,
      })),
    };
    const traffic = new SimTraffic({ list: () => Promise.resolve([domain]) }, clock);
    const last = new Map<string, number>();
    const lastRate = new Map<string, number>();
    let worst = 1;
    await traffic.read();
    for (let read = 0; read < READS; read += 1) {
      now += READ_EVERY_MS;
      const totals = await traffic.read();
      for (const pci of VFS) {
        const rx = totals.get(pci)?.rxBytes ?? 0;
        const rate = rx - (last.get(pci) ?? 0);
        expect(rate).toBeGreaterThan(0);
        const before = lastRate.get(pci);
        if (before !== undefined) worst = Math.max(worst, rate / before, before / rate);
        last.set(pci, rx);
        lastRate.set(pci, rate);
      }
    }
    expect(worst).toBeLessThan(2);
  });
});
