import type { NicSpec, VfNicSpec, VnicSpec } from "@virtfn/agent-client";
import { parsePci } from "../host/pci";
import type { DefinedSpec } from "./types";

/** Attribute values come from validated input, but escape anyway: XML is a trust boundary for libvirt. */
export function esc(value: string | number): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/'/g, "&apos;")
    .replace(/"/g, "&quot;");
}

const hex = (n: number, width: number) => `0x${n.toString(16).padStart(width, "0")}`;

function indent(xml: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return xml
    .split("\n")
    .map((line) => (line === "" ? line : `${pad}${line}`))
    .join("\n");
}

function vlanXml(vlan: number | undefined): string[] {
  return vlan === undefined ? [] : ["  <vlan>", `    <tag id='${vlan}'/>`, "  </vlan>"];
}

/** The user alias and the net_failover teaming of a NIC (libvirt: `<alias>`, `<teaming>`). */
function failoverXml(nic: NicSpec): string[] {
  const alias = nic.alias === undefined ? [] : [`  <alias name='${esc(nic.alias)}'/>`];
  if (nic.teaming === undefined) return alias;
  const teaming =
    nic.teaming.type === "transient"
      ? `  <teaming type='transient' persistent='${esc(nic.teaming.persistent)}'/>`
      : "  <teaming type='persistent'/>";
  return [...alias, teaming];
}

/**
 * A VF as a NIC: libvirt binds it to vfio-pci (managed='yes') and programs MAC and VLAN on the PF,
 * so the guest cannot change them. The vlan element only when the L2 is a VLAN.
 */
export function renderVfInterface(nic: VfNicSpec): string {
  const p = parsePci(nic.pciAddress);
  return [
    "<interface type='hostdev' managed='yes'>",
    `  <mac address='${esc(nic.mac)}'/>`,
    "  <driver name='vfio'/>",
    "  <source>",
    `    <address type='pci' domain='${hex(p.domain, 4)}' bus='${hex(p.bus, 2)}' slot='${hex(p.slot, 2)}' function='${hex(p.fn, 1)}'/>`,
    "  </source>",
    ...vlanXml(nic.vlan),
    ...failoverXml(nic),
    "</interface>",
  ].join("\n");
}

/** vhost only exists for virtio; e1000 is fully emulated in QEMU (seed 004). */
function modelXml(nic: VnicSpec): string[] {
  const lines = [`  <model type='${nic.model}'/>`];
  if (nic.model === "virtio") {
    lines.push(
      nic.queues !== undefined && nic.queues > 1
        ? `  <driver name='vhost' queues='${nic.queues}'/>`
        : "  <driver name='vhost'/>",
    );
  }
  return lines;
}

export function renderVnicInterface(nic: VnicSpec): string {
  const head =
    nic.kind === "bridge"
      ? [
          "<interface type='bridge'>",
          `  <mac address='${esc(nic.mac)}'/>`,
          `  <source bridge='${esc(nic.source)}'/>`,
        ]
      : // macvtap in bridge mode: guests on the same PF talk through the NIC's switch, skipping the host bridge.
        [
          "<interface type='direct'>",
          `  <mac address='${esc(nic.mac)}'/>`,
          `  <source dev='${esc(nic.source)}' mode='bridge'/>`,
        ];
  return [
    ...head,
    ...vlanXml(nic.vlan),
    ...modelXml(nic),
    ...failoverXml(nic),
    "</interface>",
  ].join("\n");
}

export function renderNic(nic: NicSpec): string {
  return nic.type === "vf" ? renderVfInterface(nic) : renderVnicInterface(nic);
}

/** Whole-function passthrough of a PCI device (not a VF NIC): no MAC/VLAN programming. */
export function renderPciHostdev(pciAddress: string): string {
  const p = parsePci(pciAddress);
  return [
    "<hostdev mode='subsystem' type='pci' managed='yes'>",
    "  <source>",
    `    <address domain='${hex(p.domain, 4)}' bus='${hex(p.bus, 2)}' slot='${hex(p.slot, 2)}' function='${hex(p.fn, 1)}'/>`,
    "  </source>",
    "</hostdev>",
  ].join("\n");
}

export interface DomainXmlOptions {
  /** 'kvm' on hosts; libvirt's test driver only accepts 'test'. */
  type?: "kvm" | "test";
}

export function renderDomainXml(spec: DefinedSpec, options: DomainXmlOptions = {}): string {
  const disk =
    spec.image === undefined
      ? []
      : [
          "<disk type='file' device='disk'>",
          "  <driver name='qemu' type='qcow2'/>",
          `  <source file='${esc(spec.image)}'/>`,
          "  <target dev='vda' bus='virtio'/>",
          "</disk>",
        ];
  const devices = [
    ...disk,
    ...spec.nics.map(renderNic),
    ...(spec.hostdevs ?? []).map(renderPciHostdev),
    "<serial type='pty'/>",
    "<console type='pty'/>",
  ];
  return [
    `<domain type='${options.type ?? "kvm"}'>`,
    `  <name>${esc(spec.name)}</name>`,
    `  <uuid>${esc(spec.uuid)}</uuid>`,
    `  <memory unit='MiB'>${spec.memoryMiB}</memory>`,
    `  <vcpu placement='static'>${spec.vcpus}</vcpu>`,
    "  <os>",
    "    <type arch='x86_64'>hvm</type>",
    "    <boot dev='hd'/>",
    "  </os>",
    "  <features>",
    "    <acpi/>",
    "    <apic/>",
    "  </features>",
    "  <on_poweroff>destroy</on_poweroff>",
    "  <on_reboot>restart</on_reboot>",
    "  <on_crash>destroy</on_crash>",
    "  <devices>",
    indent(devices.join("\n"), 4),
    "  </devices>",
    "</domain>",
    "",
  ].join("\n");
}
