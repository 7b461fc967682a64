import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { linuxFactory, type Subject } from "./conformance/factories";
import type { FakeVirsh } from "./fake-virsh";

let subject: Subject | undefined;
let virsh: FakeVirsh | undefined;
afterEach(async () => {
  await subject?.close();
  subject = undefined;
});

async function open(profile: string): Promise<{ s: Subject; v: FakeVirsh }> {
  subject = await linuxFactory((v) => {
    virsh = v;
  })({ profile });
  if (virsh === undefined) throw new Error("no fake virsh");
  return { s: subject, v: virsh };
}

const withoutFiles = (call: string[]) => call.map((a) => (a.endsWith(".xml") ? "<file>" : a));

describe("linux backend: commands it issues", { timeout: 30_000 }, () => {
  it("hot-plugs a VF with attach-device --live --config and the hostdev XML", async () => {
    const { s, v } = await open("kvm-i350-82599");
    const { taskId } = await s.agent.startSetVfCount("0000:01:00.0", 2, "op");
    while (s.agent.getTask(taskId).state === "running") await new Promise((r) => setTimeout(r, 2));
    await s.agent.defineDomain({ name: "vm1", vcpus: 1, memoryMiB: 512, nics: [] });
    await s.agent.startDomain("vm1");
    v.calls.length = 0;
    v.xml.length = 0;
    await s.agent.attachVf("vm1", {
      mac: "52:54:00:00:00:01",
      pciAddress: "0000:01:10.4",
      vlan: 100,
      live: true,
    });
    expect(v.calls.map(withoutFiles)).toContainEqual([
      "attach-device",
      "vm1",
      "<file>",
      "--live",
      "--config",
    ]);
    expect(v.xml).toEqual([
      [
        "<interface type='hostdev' managed='yes'>",
        "  <mac address='52:54:00:00:00:01'/>",
        "  <driver name='vfio'/>",
        "  <source>",
        "    <address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x4'/>",
        "  </source>",
        "  <vlan>",
        "    <tag id='100'/>",
        "  </vlan>",
        "</interface>",
      ].join("\n"),
    ]);
    v.calls.length = 0;
    await s.agent.detachVf("vm1", { pciAddress: "0000:01:10.4", live: false });
    expect(v.calls.map(withoutFiles)).toContainEqual([
      "detach-device",
      "vm1",
      "<file>",
      "--config",
    ]);
    // XML files are temporary: nothing is left behind for the next call to trip over.
    const files = v.calls.flat().filter((a) => a.endsWith(".xml"));
    expect(files.every((f) => !existsSync(f))).toBe(true);
  });

  it("hot-unplugs and plugs a teamed VF (migratable NIC) with --live --config and the teaming XML", async () => {
    const { s, v } = await open("kvm-i350-82599");
    const { taskId } = await s.agent.startSetVfCount("0000:01:00.0", 2, "op");
    while (s.agent.getTask(taskId).state === "running") await new Promise((r) => setTimeout(r, 2));
    const mac = "52:54:00:00:06:01";
    const teaming = { type: "transient" as const, persistent: "ua-failover-525400000601" };
    await s.agent.defineDomain({
      name: "vm2",
      vcpus: 1,
      memoryMiB: 512,
      nics: [
        {
          type: "vnic",
          mac,
          kind: "bridge",
          source: "br-em1",
          model: "virtio",
          alias: "ua-failover-525400000601",
          teaming: { type: "persistent" },
        },
        { type: "vf", mac, pciAddress: "0000:01:10.0", alias: "ua-vf-525400000601", teaming },
      ],
    });
    await s.agent.startDomain("vm2");
    v.calls.length = 0;
    v.xml.length = 0;
    await s.agent.detachVf("vm2", { pciAddress: "0000:01:10.0", live: true });
    await s.agent.attachVf("vm2", {
      mac,
      pciAddress: "0000:01:10.4",
      alias: "ua-vf-525400000601",
      teaming,
      live: true,
    });
    const verbs = v.calls
      .map(withoutFiles)
      .filter((c) => !["list", "domstate", "dumpxml"].includes(c[0] ?? ""));
    expect(verbs).toEqual([
      ["detach-device", "vm2", "<file>", "--live", "--config"],
      ["attach-device", "vm2", "<file>", "--live", "--config"],
    ]);
    expect(v.xml[1]).toContain("<alias name='ua-vf-525400000601'/>");
    expect(v.xml[1]).toContain("<teaming type='transient' persistent='ua-failover-525400000601'/>");
  });

  it("defines from a file, stops gracefully with shutdown, and migrates with virsh migrate", async () => {
    const { s, v } = await open("kvm-i350-82599");
    await s.agent.defineDomain({ name: "web1", vcpus: 1, memoryMiB: 512, nics: [] });
    await s.agent.startDomain("web1");
    await s.agent.stopDomain("web1");
    await s.agent.startDomain("web1");
    await s.agent.migrateDomain("web1", {
      targetBaseUrl: "https://10.1.2.3:7443",
      targetToken: "t".repeat(20),
      live: true,
    });
    const verbs = v.calls
      .map(withoutFiles)
      .filter((c) => !["list", "domstate", "dumpxml"].includes(c[0] ?? ""));
    expect(verbs).toEqual([
      ["define", "<file>"],
      ["start", "web1"],
      ["shutdown", "web1"],
      ["start", "web1"],
      [
        "migrate",
        "--live",
        "--persistent",
        "--undefinesource",
        "--verbose",
        "web1",
        "qemu+ssh://10.1.2.3/system",
      ],
    ]);
    expect(v.domains.has("web1")).toBe(false);
  });

  it("edits the bootloader with grubby, Intel or AMD argument by CPU vendor", async () => {
    const intel = await open("kvm-no-iommu");
    await intel.s.agent.setIommuKernelArg(true);
    expect(intel.s.kernel.state.configuredCmdline).toMatch(/ intel_iommu=on iommu=pt$/);
    await intel.s.close();

    const amd = await open("kvm-cx5-x710");
    await amd.s.agent.setIommuKernelArg(false);
    expect(amd.s.kernel.state.configuredCmdline).not.toMatch(/amd_iommu|iommu=pt/);
    expect((await amd.s.agent.facts()).iommu).toMatchObject({
      kernelArgSet: false,
      rebootRequired: true,
      active: true,
    });
    await amd.s.agent.setIommuKernelArg(true);
    expect(amd.s.kernel.state.configuredCmdline).toMatch(/ amd_iommu=on iommu=pt$/);
  });

  it("refuses to start a domain whose VF vanished underneath it", async () => {
    const { s } = await open("kvm-i350-82599");
    const { taskId } = await s.agent.startSetVfCount("0000:01:00.0", 1, "op");
    while (s.agent.getTask(taskId).state === "running") await new Promise((r) => setTimeout(r, 2));
    await s.agent.defineDomain({
      name: "vm1",
      vcpus: 1,
      memoryMiB: 512,
      nics: [{ type: "vf", mac: "52:54:00:00:00:01", pciAddress: "0000:01:10.0" }],
    });
    // Someone outside the agent unbinds the PF driver: the kernel drops the VFs.
    await s.kernel.sys.writeFile("bus/pci/drivers/igb/unbind", "0000:01:00.0");
    await expect(s.agent.startDomain("vm1")).rejects.toMatchObject({ code: "VF_NOT_FOUND" });
  });
});

describe("linux backend: NUMA locality from sysfs", { timeout: 30_000 }, () => {
  it("reads each PF's numa_node (-1 as none) and every node's cpulist and MemTotal", async () => {
    const { s } = await open("kvm-i350-82599");
    const sys = s.kernel.sysRoot;
    const node = (n: number) => path.join(sys, `devices/system/node/node${n}`);
    // Interleaved siblings, a -1 PF, and a memory-only node (CXL memory has no CPUs).
    await writeFile(path.join(node(1), "cpulist"), "10-19,30-39\n");
    await writeFile(path.join(sys, "bus/pci/devices/0000:01:00.1/numa_node"), "-1\n");
    await mkdir(node(2), { recursive: true });
    await writeFile(path.join(node(2), "cpulist"), "\n");
    await writeFile(path.join(node(2), "meminfo"), "Node 2 MemTotal:       1048576 kB\n");
    const facts = await s.agent.facts();
    expect(facts.numa).toEqual([
      { id: 0, cpuList: "0-19", cpuCount: 20, memoryMiB: 98304 },
      { id: 1, cpuList: "10-19,30-39", cpuCount: 20, memoryMiB: 98304 },
      { id: 2, cpuList: "", cpuCount: 0, memoryMiB: 1024 },
    ]);
    const nics = await s.agent.listNics();
    expect(nics.map((n) => [n.name, n.numaNode])).toEqual([
      ["em1", 0],
      ["em2", null],
      ["p1p1", 1],
      ["p1p2", 1],
    ]);
    // No node directory at all (a kernel built without NUMA): no topology, not an error.
    await rm(path.join(sys, "devices/system/node"), { recursive: true });
    expect((await s.agent.facts()).numa).toEqual([]);
  });
});
