import { describe, expect, it } from "vitest";
import { parseDomainXml } from "./domain-xml";
import { esc, renderDomainXml, renderVnicInterface } from "./xml";
import { parseXml } from "./xml-parse";

describe("domain XML", () => {
  it("renders vhost multi-queue only for virtio and never for e1000", () => {
    const virtio = renderVnicInterface({
      type: "vnic",
      mac: "52:54:00:00:00:01",
      kind: "bridge",
      source: "br0",
      model: "virtio",
      queues: 4,
    });
    expect(virtio).toContain("<driver name='vhost' queues='4'/>");
    const e1000 = renderVnicInterface({
      type: "vnic",
      mac: "52:54:00:00:00:02",
      kind: "macvtap",
      source: "em1",
      model: "e1000",
    });
    expect(e1000).toContain("<source dev='em1' mode='bridge'/>");
    expect(e1000).not.toContain("vhost");
  });

  it("escapes attribute values and reads them back", () => {
    expect(esc(`a'<b>&"`)).toBe("a&apos;&lt;b&gt;&amp;&quot;");
    const spec = {
      name: "vm1",
      uuid: "6f1f6a2e-8c3b-4c1e-9a55-000000000001",
      vcpus: 1,
      memoryMiB: 64,
      image: "/img/it's.qcow2",
      nics: [],
    };
    expect(parseDomainXml(renderDomainXml(spec)).image).toBe("/img/it's.qcow2");
  });

  it("parses virsh output with units, comments and unknown devices", () => {
    const dom = parseDomainXml(`<?xml version="1.0"?>
<!-- generated -->
<domain type="kvm" id="3"><name>vm2</name><uuid>u</uuid><memory unit="GiB">2</memory><vcpu>4</vcpu>
<devices><interface type="network"><mac address="52:54:00:00:00:09"/><source network="default"/></interface>
<interface type="hostdev" managed="yes"><mac address="52:54:00:00:00:0A"/><source><address type="pci" domain="0x0000" bus="0x3b" slot="0x02" function="0x1"/></source></interface>
</devices></domain>`);
    expect(dom).toMatchObject({ name: "vm2", memoryMiB: 2048, vcpus: 4 });
    expect(dom.nics).toEqual([
      { type: "vf", mac: "52:54:00:00:00:0a", pciAddress: "0000:3b:02.1" },
    ]);
    expect(() => parseXml("<a><b></a>")).toThrow();
  });
});
