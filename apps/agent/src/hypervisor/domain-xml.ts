import { DeviceAlias, MacAddress, PciAddress, type NicSpec } from "@virtfn/agent-client";
import { formatPci } from "../host/pci";
import { child, children, parseXml, type XmlElement } from "./xml-parse";

export interface ParsedDomain {
  name: string;
  uuid: string;
  vcpus: number;
  memoryMiB: number;
  image: string | undefined;
  nics: NicSpec[];
  /** Whole-device `<hostdev mode='subsystem' type='pci'>` sources, by address. */
  hostdevs: string[];
}

const UNIT_TO_KIB: Record<string, number> = {
  b: 1 / 1024,
  bytes: 1 / 1024,
  kib: 1,
  k: 1,
  mib: 1024,
  m: 1024,
  gib: 1024 ** 2,
  g: 1024 ** 2,
};

function memoryMiB(el: XmlElement | undefined): number {
  if (el === undefined) return 0;
  const factor = UNIT_TO_KIB[(el.attrs.unit ?? "KiB").toLowerCase()] ?? 1;
  return Math.round((Number(el.text.trim()) * factor) / 1024);
}

function num(attr: string | undefined): number {
  return attr === undefined ? 0 : Number(attr);
}

function vlanOf(iface: XmlElement): number | undefined {
  const tag = child(child(iface, "vlan") ?? { name: "", attrs: {}, children: [], text: "" }, "tag");
  return tag?.attrs.id === undefined ? undefined : Number(tag.attrs.id);
}

/** The user alias of a device, when it has one of the `ua-` kind the agent gives. */
function aliasOf(iface: XmlElement): { alias?: string } {
  const alias = DeviceAlias.safeParse(child(iface, "alias")?.attrs.name);
  return alias.success ? { alias: alias.data } : {};
}

/** net_failover: the virtio half is persistent, the VF half transient and names its partner. */
function vfTeamingOf(iface: XmlElement) {
  const teaming = child(iface, "teaming");
  const persistent = DeviceAlias.safeParse(teaming?.attrs.persistent);
  return teaming?.attrs.type === "transient" && persistent.success
    ? { teaming: { type: "transient" as const, persistent: persistent.data } }
    : {};
}

function vnicTeamingOf(iface: XmlElement) {
  return child(iface, "teaming")?.attrs.type === "persistent"
    ? { teaming: { type: "persistent" as const } }
    : {};
}

/** One <interface> back to the agent's NIC spec; null for shapes the agent did not create. */
function pciOf(addr: XmlElement): string | null {
  const pci = PciAddress.safeParse(
    formatPci({
      domain: num(addr.attrs.domain),
      bus: num(addr.attrs.bus),
      slot: num(addr.attrs.slot),
      fn: num(addr.attrs.function),
    }),
  );
  return pci.success ? pci.data : null;
}

/** A PCI hostdev's source address; null for other hostdev kinds (USB, SCSI, mdev). */
export function parseHostdev(hostdev: XmlElement): string | null {
  if (hostdev.attrs.mode !== "subsystem" || hostdev.attrs.type !== "pci") return null;
  const addr = child(child(hostdev, "source") ?? hostdev, "address");
  return addr === undefined ? null : pciOf(addr);
}

export function parseInterface(iface: XmlElement): NicSpec | null {
  const mac = MacAddress.safeParse(child(iface, "mac")?.attrs.address);
  if (!mac.success) return null;
  const vlan = vlanOf(iface);
  const type = iface.attrs.type;
  if (type === "hostdev") {
    const addr = child(child(iface, "source") ?? iface, "address");
    if (addr === undefined) return null;
    const pci = pciOf(addr);
    if (pci === null) return null;
    return {
      type: "vf",
      mac: mac.data,
      pciAddress: pci,
      ...(vlan === undefined ? {} : { vlan }),
      ...aliasOf(iface),
      ...vfTeamingOf(iface),
    };
  }
  if (type === "bridge" || type === "direct") {
    const source = child(iface, "source");
    const src = type === "bridge" ? source?.attrs.bridge : source?.attrs.dev;
    if (src === undefined) return null;
    const model = child(iface, "model")?.attrs.type === "e1000" ? "e1000" : "virtio";
    const queuesAttr = child(iface, "driver")?.attrs.queues;
    return {
      type: "vnic",
      mac: mac.data,
      kind: type === "bridge" ? "bridge" : "macvtap",
      source: src,
      model,
      ...(queuesAttr === undefined ? {} : { queues: Number(queuesAttr) }),
      ...(vlan === undefined ? {} : { vlan }),
      ...aliasOf(iface),
      ...vnicTeamingOf(iface),
    };
  }
  return null;
}

export function parseDomainXml(xml: string): ParsedDomain {
  const dom = parseXml(xml);
  if (dom.name !== "domain") throw new Error(`expected <domain>, got <${dom.name}>`);
  const devices = child(dom, "devices");
  const disk =
    devices === undefined
      ? undefined
      : children(devices, "disk").find((d) => d.attrs.device === "disk");
  const nics = devices === undefined ? [] : children(devices, "interface").map(parseInterface);
  const hostdevs = devices === undefined ? [] : children(devices, "hostdev").map(parseHostdev);
  return {
    name: child(dom, "name")?.text.trim() ?? "",
    uuid: child(dom, "uuid")?.text.trim() ?? "",
    vcpus: Number(child(dom, "vcpu")?.text.trim() ?? "0"),
    memoryMiB: memoryMiB(child(dom, "memory")),
    image: disk === undefined ? undefined : child(disk, "source")?.attrs.file,
    nics: nics.filter((n): n is NicSpec => n !== null),
    hostdevs: hostdevs.filter((h): h is string => h !== null),
  };
}
