import { isAgentError } from "@virtfn/agent-client";
import { describe, expect, it } from "vitest";
import { simAgentClient as sim } from "./helpers";

// Issue 17 at the agent: a sim host of profile kvm-e810 reports its GPUs with their IOMMU groups,
// and a domain's whole devices are checked present, unsplit and held by one domain.
const spec = (name: string, hostdevs: string[]) => ({
  name,
  vcpus: 1,
  memoryMiB: 1024,
  nics: [],
  hostdevs,
});

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (isAgentError(error)) return error.code;
    throw error;
  }
  return "ok";
}

describe("whole-device passthrough at the agent", { timeout: 30_000 }, () => {
  it("reports PCI devices with IOMMU groups, in the snapshot too", async () => {
    const client = await sim("kvm-e810");
    // This agent has the route: null would mean an agent older than passthrough.
    const devices = (await client.listPciDevices()) ?? [];
    expect(devices.map((d) => [d.pciAddress, d.iommuGroup, d.driver])).toEqual([
      ["0000:02:00.0", 1, "r8169"],
      ["0000:3b:00.0", 40, "nvidia"],
      ["0000:5e:00.0", 41, "nvidia"],
      ["0000:5e:00.1", 41, "snd_hda_intel"],
      ["0000:af:00.0", 2, "ice"],
    ]);
    expect((await client.snapshot()).pciDevices).toEqual(devices);
  });

  it("a host without an active IOMMU reports no groups and does not start a domain with a device", async () => {
    const client = await sim("kvm-no-iommu");
    const devices = (await client.listPciDevices()) ?? [];
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((d) => d.iommuGroup === null)).toBe(true);
    const pci = devices[0]?.pciAddress ?? "";
    await client.defineDomain(spec("vm-noiommu", [pci]));
    expect(await codeOf(client.startDomain("vm-noiommu"))).toBe("IOMMU_NOT_ACTIVE");
  });

  it("defines and starts a domain with a GPU; refuses a second holder, an absent device and a split PF", async () => {
    const client = await sim("kvm-e810");
    const info = await client.defineDomain(spec("vm-gpu", ["0000:3b:00.0"]));
    expect(info.hostdevs).toEqual(["0000:3b:00.0"]);
    expect((await client.startDomain("vm-gpu")).state).toBe("running");
    expect(await codeOf(client.defineDomain(spec("vm-other", ["0000:3b:00.0"])))).toBe(
      "DEVICE_BUSY",
    );
    expect(await codeOf(client.defineDomain(spec("vm-ghost", ["0000:3c:00.0"])))).toBe("NOT_FOUND");
    await client.setVfCountAndWait("0000:af:00.0", 2, { operationId: "split-e810", pollMs: 2 });
    expect(await codeOf(client.defineDomain(spec("vm-pf", ["0000:af:00.0"])))).toBe("EBUSY");
    // Redefined without it (a stop), the device is free for another domain.
    await client.stopDomain("vm-gpu");
    await client.defineDomain({ ...spec("vm-gpu", []), uuid: info.uuid });
    expect((await client.defineDomain(spec("vm-other", ["0000:3b:00.0"]))).hostdevs).toEqual([
      "0000:3b:00.0",
    ]);
  });
});
