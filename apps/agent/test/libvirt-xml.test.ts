import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { NicSpec } from "@virtfn/agent-client";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDomainXml } from "../src/hypervisor/domain-xml";
import type { DefinedSpec } from "../src/hypervisor/types";
import { renderDomainXml, renderNic, renderPciHostdev } from "../src/hypervisor/xml";
import { linuxFactory } from "./conformance/factories";
import { FakeVirsh } from "./fake-virsh";
import { tempDir } from "./helpers";

const run = promisify(execFile);

/**
 * Every XML shape the agent emits goes through libvirt itself: its RelaxNG schema
 * (virt-xml-validate) and its parser (define/start/dumpxml in the test driver).
 * Missing binaries fail the run on purpose; CI installs libvirt-clients and libxml2-utils.
 */
async function requireBinary(name: string, pkg: string): Promise<void> {
  try {
    await run("sh", ["-c", `command -v ${name}`]);
  } catch {
    throw new Error(
      `${name} is not installed: apt-get install -y ${pkg}. These tests must not be skipped.`,
    );
  }
}

async function validate(xml: string): Promise<{ ok: boolean; output: string }> {
  const file = path.join(await tempDir("virtfn-xml-"), "dom.xml");
  await writeFile(file, xml);
  try {
    const { stdout, stderr } = await run("virt-xml-validate", [file, "domain"]);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** Each virsh process starts the test driver afresh, so define+start+dumpxml share one process. */
async function roundTrip(spec: DefinedSpec): Promise<string> {
  const file = path.join(await tempDir("virtfn-xml-"), "dom.xml");
  await writeFile(file, renderDomainXml(spec, { type: "test" }));
  const { stdout } = await run("virsh", [
    "-c",
    "test:///default",
    `define ${file}; start ${spec.name}; dumpxml ${spec.name}`,
  ]);
  const start = stdout.indexOf("<domain");
  if (start < 0) throw new Error(`no domain XML in virsh output:\n${stdout}`);
  return stdout.slice(start);
}

const base = (name: string, nics: NicSpec[], image?: string): DefinedSpec => ({
  name,
  uuid: `6f1f6a2e-8c3b-4c1e-9a55-${(name.length * 1000 + nics.length).toString().padStart(12, "0")}`,
  vcpus: 2,
  memoryMiB: 2048,
  ...(image === undefined ? {} : { image }),
  nics,
});

const nicShapes: Record<string, NicSpec> = {
  "VF, hostdev with VLAN": {
    type: "vf",
    mac: "52:54:00:00:00:01",
    pciAddress: "0000:01:10.4",
    vlan: 100,
  },
  "VF, hostdev without VLAN": { type: "vf", mac: "52:54:00:00:00:02", pciAddress: "0000:b0:1f.7" },
  "vNIC bridge, virtio + vhost, 8 queues": {
    type: "vnic",
    mac: "52:54:00:00:01:01",
    kind: "bridge",
    source: "br0",
    model: "virtio",
    queues: 8,
  },
  "vNIC bridge, virtio + vhost, 1 queue": {
    type: "vnic",
    mac: "52:54:00:00:01:02",
    kind: "bridge",
    source: "br0",
    model: "virtio",
  },
  "vNIC bridge, e1000": {
    type: "vnic",
    mac: "52:54:00:00:01:03",
    kind: "bridge",
    source: "br-mgmt",
    model: "e1000",
  },
  "vNIC bridge with VLAN": {
    type: "vnic",
    mac: "52:54:00:00:01:04",
    kind: "bridge",
    source: "br0",
    model: "virtio",
    queues: 2,
    vlan: 200,
  },
  "vNIC macvtap, virtio": {
    type: "vnic",
    mac: "52:54:00:00:01:05",
    kind: "macvtap",
    source: "em1",
    model: "virtio",
    queues: 4,
  },
  "vNIC macvtap, e1000": {
    type: "vnic",
    mac: "52:54:00:00:01:06",
    kind: "macvtap",
    source: "em1",
    model: "e1000",
  },
};

/** A migratable VF NIC (issue 17): the virtio partner is persistent, the VF transient and names it. */
const failoverPair: NicSpec[] = [
  {
    type: "vnic",
    mac: "52:54:00:00:02:01",
    kind: "bridge",
    source: "br-p1p1.100",
    model: "virtio",
    queues: 2,
    vlan: 100,
    alias: "ua-failover-52540000201",
    teaming: { type: "persistent" },
  },
  {
    type: "vf",
    mac: "52:54:00:00:02:01",
    pciAddress: "0000:01:10.6",
    vlan: 100,
    alias: "ua-vf-52540000201",
    teaming: { type: "transient", persistent: "ua-failover-52540000201" },
  },
];

describe("XML against libvirt", { timeout: 30_000 }, () => {
  beforeAll(async () => {
    await requireBinary("virt-xml-validate", "libvirt-clients libxml2-utils");
    await requireBinary("virsh", "libvirt-clients");
  });

  it("the validator is live: a malformed hostdev interface is rejected", async () => {
    const bad = renderDomainXml(base("bad", [])).replace(
      "<devices>",
      "<devices>\n<interface type='hostdev' managed='yes'><source bridge='br0'/><model/></interface>",
    );
    expect((await validate(bad)).ok).toBe(false);
  });

  for (const [label, nic] of Object.entries(nicShapes)) {
    it(`${label}: valid against the schema and survives libvirt's parser`, async () => {
      const spec = base(`vm-${label.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`.slice(0, 60), [
        nic,
      ]);
      const xml = renderDomainXml(spec);
      const result = await validate(xml);
      expect(result.output).toContain("validates");
      expect(result.ok).toBe(true);
      // The device XML sent to attach-device is exactly what sits inside <devices>.
      expect(xml).toContain(renderNic(nic).split("\n")[0]);
      const back = parseDomainXml(await roundTrip(spec));
      expect(back.nics).toEqual([nic]);
    });
  }

  it("a full domain (disk, VFs, vNICs) validates and round-trips", async () => {
    const spec = base(
      "vm-full",
      Object.values(nicShapes).slice(0, 5),
      "/var/lib/libvirt/images/vm-full.qcow2",
    );
    expect((await validate(renderDomainXml(spec))).ok).toBe(true);
    const back = parseDomainXml(await roundTrip(spec));
    expect(back).toEqual({
      name: spec.name,
      uuid: spec.uuid,
      vcpus: 2,
      memoryMiB: 2048,
      image: spec.image,
      nics: spec.nics,
      hostdevs: [],
    });
  });

  it("a failover pair (teaming persistent + transient, aliases) validates and round-trips", async () => {
    const spec = base("vm-failover", failoverPair, "/var/lib/libvirt/images/vm-failover.qcow2");
    const xml = renderDomainXml(spec);
    expect(xml).toContain("<teaming type='persistent'/>");
    expect(xml).toContain("<teaming type='transient' persistent='ua-failover-52540000201'/>");
    const result = await validate(xml);
    expect(result.output).toContain("validates");
    expect(result.ok).toBe(true);
    const dumped = await roundTrip(spec);
    expect(dumped).toContain("<teaming type='transient' persistent='ua-failover-52540000201'/>");
    expect(parseDomainXml(dumped).nics).toEqual(failoverPair);
    // Each half on its own is what the worker hot-plugs (attach-device) during a migration.
    for (const nic of failoverPair) expect(xml).toContain(renderNic(nic).split("\n")[0]);
  });

  it("the validator checks teaming: an unknown teaming type is rejected", async () => {
    const xml = renderDomainXml(base("vm-bad-teaming", failoverPair)).replace(
      "<teaming type='persistent'/>",
      "<teaming type='sideways'/>",
    );
    expect((await validate(xml)).ok).toBe(false);
  });

  it("a domain without disk or NICs validates and round-trips", async () => {
    const spec = base("vm-empty", []);
    expect((await validate(renderDomainXml(spec))).ok).toBe(true);
    expect(parseDomainXml(await roundTrip(spec))).toMatchObject({
      name: "vm-empty",
      nics: [],
      image: undefined,
    });
  });

  it("whole-function PCI passthrough (<hostdev>) validates and is kept by the parser", async () => {
    const spec = base("vm-hostdev", []);
    const xml = renderDomainXml(spec).replace(
      "<devices>",
      `<devices>\n${renderPciHostdev("0000:04:00.1")}`,
    );
    expect((await validate(xml)).ok).toBe(true);
    const file = path.join(await tempDir("virtfn-xml-"), "dom.xml");
    await writeFile(file, xml.replace("type='kvm'", "type='test'"));
    const { stdout } = await run("virsh", [
      "-c",
      "test:///default",
      `define ${file}; dumpxml vm-hostdev`,
    ]);
    expect(stdout).toMatch(
      /<hostdev mode='subsystem' type='pci' managed='yes'>[\s\S]*bus='0x04' slot='0x00' function='0x1'/,
    );
  });

  it("a domain spec with whole devices (issue 17) renders <hostdev> that validates and round-trips", async () => {
    const spec = {
      ...base("vm-passthru", [
        { type: "vf", mac: "52:54:00:00:00:03", pciAddress: "0000:af:01.0" },
      ]),
      hostdevs: ["0000:3b:00.0", "0000:af:00.1"],
    };
    const xml = renderDomainXml(spec);
    expect(xml).toContain("<hostdev mode='subsystem' type='pci' managed='yes'>");
    const result = await validate(xml);
    expect(result.output).toContain("validates");
    expect(result.ok).toBe(true);
    const back = parseDomainXml(await roundTrip(spec));
    expect(back.hostdevs).toEqual(["0000:3b:00.0", "0000:af:00.1"]);
    expect(back.nics).toEqual(spec.nics);
  });

  it("the validator checks hostdevs: a PCI hostdev without a source address is rejected", async () => {
    const xml = renderDomainXml({
      ...base("vm-bad-hostdev", []),
      hostdevs: ["0000:3b:00.0"],
    }).replace(/<source>\s*<address [^>]*\/>\s*<\/source>/, "<source/>");
    expect(xml).not.toContain("bus='0x3b'");
    expect((await validate(xml)).ok).toBe(false);
  });

  it("VF port settings are not libvirt's: the Linux backend defines the plain hostdev and runs ip link", async () => {
    const virshes: FakeVirsh[] = [];
    const subject = await linuxFactory((v) => virshes.push(v))({ profile: "kvm-i350-82599" });
    const virsh = virshes[0] ?? new FakeVirsh();
    try {
      const { taskId } = await subject.agent.startSetVfCount("0000:04:00.0", 1, "op");
      while (subject.agent.getTask(taskId).state === "running")
        await new Promise((r) => setTimeout(r, 2));
      const nic: NicSpec = {
        type: "vf",
        mac: "52:54:00:00:00:09",
        pciAddress: "0000:04:10.0",
        vlan: 100,
        port: { spoofCheck: false, trust: true, linkState: "enable", queryRss: true },
      };
      await subject.agent.defineDomain({ ...base("vm-port", []), nics: [nic] });
      const xml = virsh.xml.at(-1) ?? "";
      expect(xml).not.toMatch(/trust|spoof|link-state|query_rss/i);
      expect((await validate(xml)).ok).toBe(true);
      const { port: _port, ...plain } = nic;
      expect(parseDomainXml(xml).nics).toEqual([plain]);
      // The settings went to the PF driver instead.
      const vf = (await subject.agent.listNics())
        .find((n) => n.pciAddress === "0000:04:00.0")
        ?.vfs.at(0);
      expect(vf?.port).toMatchObject(nic.port ?? {});
    } finally {
      await subject.close();
    }
  });
});
