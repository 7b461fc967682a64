import type {
  DomainSpec,
  NicSpec,
  VfNicSpec,
  VfPortSettings,
  VnicSpec,
} from "@virtfn/agent-client";
import type { L2Type, NicType, VfLinkState, VnicMode, VnicModel } from "@virtfn/db";
import { vmDomainName } from "../sriov/holders";
import { queuesFor } from "./rules";
import { desiredVfPort, portPolicy } from "./vf-port-rules";

export interface SpecNic {
  deviceIndex: number;
  type: NicType;
  mac: string;
  /** A migratable VF NIC goes into the domain as a failover pair (see failoverPartner). */
  migratable?: boolean;
  model: VnicModel;
  mode: VnicMode;
  vf: { pciAddress: string } | null;
  /** Desired VF port settings (issue 16); a NIC without them gets the agent's defaults. */
  vfTrust?: boolean;
  vfLinkState?: VfLinkState;
  vfQueryRss?: boolean;
  l3: {
    name?: string;
    vfAllowTrust?: boolean | null;
    vfSpoofCheck?: boolean | null;
    l2: {
      name?: string;
      type: L2Type;
      vlanId: number | null;
      physicalInterface: string;
      vfAllowTrust?: boolean;
      vfSpoofCheck?: boolean;
    };
  };
}

/** The port a VF NIC's VF must have: the NIC's settings under its network's policy. */
export function vfPortOf(
  nic: Pick<SpecNic, "deviceIndex" | "type" | "vfTrust" | "vfLinkState" | "vfQueryRss" | "l3">,
): VfPortSettings {
  const { l3 } = nic;
  return desiredVfPort(
    {
      deviceIndex: nic.deviceIndex,
      type: nic.type,
      vfTrust: nic.vfTrust ?? false,
      vfLinkState: nic.vfLinkState ?? "auto",
      vfQueryRss: nic.vfQueryRss ?? false,
    },
    portPolicy({
      name: l3.name ?? "",
      vfAllowTrust: l3.vfAllowTrust ?? null,
      vfSpoofCheck: l3.vfSpoofCheck ?? null,
      l2: {
        name: l3.l2.name ?? "",
        vfAllowTrust: l3.l2.vfAllowTrust ?? false,
        vfSpoofCheck: l3.l2.vfSpoofCheck ?? true,
      },
    }),
  );
}

export interface SpecVm {
  id: string;
  offering: { vcpus: number; memoryMiB: number };
  image: { name: string; format: string };
  nics: SpecNic[];
  /** Whole devices given to the VM (issue 17); only those it holds are in the domain. */
  pciDevices?: Array<{ held: { pciAddress: string } | null }>;
}

/** The Linux bridge a vNIC on this L2 plugs into; IFNAMSIZ keeps it to 15 characters. */
export function bridgeName(l2: {
  type: L2Type;
  vlanId: number | null;
  physicalInterface: string;
}): string {
  const suffix = l2.type === "Vlan" && l2.vlanId !== null ? `.${l2.vlanId}` : "";
  return `br-${l2.physicalInterface}${suffix}`.slice(0, 15);
}

/** libvirt user aliases of a migratable VF NIC's two halves; the MAC is unique, so are they. */
export function failoverAliases(mac: string): { partner: string; vf: string } {
  const hex = mac.replaceAll(":", "").toLowerCase();
  return { partner: `ua-failover-${hex}`, vf: `ua-vf-${hex}` };
}

/**
 * The VF of a VF NIC as the agent plugs it: teamed with its virtio partner when migratable, with
 * the port settings the agent applies at plug (issue 16). Every path that plugs a VF (define at
 * create and start, hot-plug, reattach, the plug of a live migration and its rollback) builds it
 * here, so none lands with the PF driver's defaults until the next reconcile.
 */
export function vfNicSpec(
  nic: Pick<
    SpecNic,
    "deviceIndex" | "type" | "mac" | "migratable" | "vfTrust" | "vfLinkState" | "vfQueryRss" | "l3"
  >,
  pciAddress: string,
): VfNicSpec {
  const { l2 } = nic.l3;
  const vlan = l2.type === "Vlan" && l2.vlanId !== null ? { vlan: l2.vlanId } : {};
  const port = vfPortOf(nic);
  if (nic.migratable !== true) return { type: "vf", mac: nic.mac, pciAddress, ...vlan, port };
  const aliases = failoverAliases(nic.mac);
  return {
    type: "vf",
    mac: nic.mac,
    pciAddress,
    ...vlan,
    alias: aliases.vf,
    teaming: { type: "transient", persistent: aliases.partner },
    port,
  };
}

/**
 * The virtio failover partner of a migratable VF NIC (issue 17): same MAC, on the L2's bridge,
 * teaming persistent. The guest's net_failover carries traffic through it while the VF is
 * unplugged for a live migration. Null for any other NIC.
 */
export function failoverPartner(nic: SpecNic, vcpus: number): VnicSpec | null {
  if (nic.type !== "VF" || nic.migratable !== true) return null;
  const { l2 } = nic.l3;
  return {
    type: "vnic",
    mac: nic.mac,
    kind: "bridge",
    source: bridgeName(l2),
    model: "virtio",
    queues: queuesFor(vcpus),
    ...(l2.type === "Vlan" && l2.vlanId !== null ? { vlan: l2.vlanId } : {}),
    alias: failoverAliases(nic.mac).partner,
    teaming: { type: "persistent" },
  };
}

export function nicSpec(nic: SpecNic, vcpus: number): NicSpec | null {
  const { l2 } = nic.l3;
  const vlan = l2.type === "Vlan" && l2.vlanId !== null ? { vlan: l2.vlanId } : {};
  if (nic.type === "VF") {
    // A VF NIC without a VF (stopped VM, forced restore) is not in the domain until one is acquired.
    if (nic.vf === null) return null;
    return vfNicSpec(nic, nic.vf.pciAddress);
  }
  const macvtap = nic.mode === "macvtap";
  return {
    type: "vnic",
    mac: nic.mac,
    kind: macvtap ? "macvtap" : "bridge",
    source: macvtap ? l2.physicalInterface.slice(0, 15) : bridgeName(l2),
    model: nic.model,
    ...(nic.model === "virtio" ? { queues: queuesFor(vcpus) } : {}),
    // macvtap and the bridge are per-VLAN already; the tag only matters on a VLAN-aware bridge.
    ...(macvtap ? {} : vlan),
  };
}

/** The held whole devices as `hostdevs`; nothing at all for a VM without, so its spec is as before. */
function hostdevsOf(vm: SpecVm): { hostdevs?: string[] } {
  const held = (vm.pciDevices ?? []).flatMap((d) => (d.held === null ? [] : [d.held.pciAddress]));
  return held.length > 0 ? { hostdevs: held } : {};
}

/** The domain as the database says it should be. The uuid is the VM id, so a redefine is a retry. */
export function buildDomainSpec(vm: SpecVm): DomainSpec {
  const vcpus = vm.offering.vcpus;
  // A migratable VF NIC's partner stays in the domain when the VF is not (stopped, VF lost).
  const nics = [...vm.nics]
    .sort((a, b) => a.deviceIndex - b.deviceIndex)
    .flatMap((nic) => [failoverPartner(nic, vcpus), nicSpec(nic, vcpus)])
    .filter((nic): nic is NicSpec => nic !== null);
  return {
    name: vmDomainName(vm),
    uuid: vm.id,
    vcpus,
    memoryMiB: vm.offering.memoryMiB,
    image: `/var/lib/virtfn/images/${vm.image.name}.${vm.image.format}`,
    nics,
    ...hostdevsOf(vm),
  };
}
