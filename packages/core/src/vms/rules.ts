import type { L3Category, NicType, VmState } from "@virtfn/db";
import { hostdevMigrationMessage } from "../passthru/rules";
import { DomainError, ErrorCode, type ErrorKind } from "../shared/errors";

// R4–R10 as pure functions. The services enforce them; the UI calls the same functions to grey
// out a checkbox or a button and show the reason.

export interface Verdict {
  allowed: boolean;
  /** Why not, for people; null when allowed. */
  reason: string | null;
  code: string | null;
}

const ALLOWED: Verdict = { allowed: true, reason: null, code: null };
const refuse = (code: string, reason: string): Verdict => ({ allowed: false, reason, code });

const kindOf: Record<string, ErrorKind> = {
  [ErrorCode.VF_NIC_QOS_UNSUPPORTED]: "BAD_REQUEST",
  [ErrorCode.VF_NIC_SECURITY_GROUP_UNSUPPORTED]: "BAD_REQUEST",
  [ErrorCode.VF_NIC_EIP_UNSUPPORTED]: "BAD_REQUEST",
  [ErrorCode.L3_SRIOV_DISABLED]: "BAD_REQUEST",
  [ErrorCode.NIC_NOT_VF]: "BAD_REQUEST",
  [ErrorCode.VF_PORT_NOT_VF]: "BAD_REQUEST",
  [ErrorCode.VF_TRUST_NOT_ALLOWED]: "FORBIDDEN",
};

/** Throws the verdict's DomainError when it refuses. */
export function enforce(verdict: Verdict, details: Record<string, unknown> = {}): void {
  if (verdict.allowed) return;
  const code = verdict.code ?? ErrorCode.VM_INVALID_STATE;
  throw new DomainError(
    code,
    kindOf[code] ?? "CONFLICT",
    verdict.reason ?? "Not allowed.",
    details,
  );
}

/** The NIC name the guest sees, used in every message about a NIC. */
export function nicLabel(nic: { deviceIndex: number }): string {
  return `eth${nic.deviceIndex}`;
}

export interface NicFacts {
  deviceIndex: number;
  type: NicType;
  l3Name: string;
  l3Category: L3Category;
  /** SR-IOV on both the L3 and its L2 (R2): only then can the NIC be a VF. */
  sriovAvailable: boolean;
  hasQos: boolean;
  securityGroupCount: number;
  /** The category of the EIP's VIP network is irrelevant; R6 is about the NIC's own L3. */
  hasEip: boolean;
}

const publicOrFlat = (category: L3Category) => category === "Public" || category === "Flat";

/** R4: VF NICs bypass the host's traffic shaping, so they have no QoS. */
export function qosVerdict(nic: Pick<NicFacts, "type" | "deviceIndex">): Verdict {
  return nic.type === "VF"
    ? refuse(ErrorCode.VF_NIC_QOS_UNSUPPORTED, `${nicLabel(nic)} is a VF NIC: VF NICs have no QoS.`)
    : ALLOWED;
}

/** R5: security groups are host firewall rules, which a VF's traffic never crosses, on any L3 category. */
export function securityGroupVerdict(nic: Pick<NicFacts, "type" | "deviceIndex">): Verdict {
  return nic.type === "VF"
    ? refuse(
        ErrorCode.VF_NIC_SECURITY_GROUP_UNSUPPORTED,
        `${nicLabel(nic)} is a VF NIC: VF NICs cannot be in security groups.`,
      )
    : ALLOWED;
}

/** R6: on Public/Flat L3s the EIP is NAT on the host, which a VF bypasses; VRouter/Vpc do it on the router. */
export function eipVerdict(
  nic: Pick<NicFacts, "type" | "deviceIndex" | "l3Category" | "l3Name">,
): Verdict {
  return nic.type === "VF" && publicOrFlat(nic.l3Category)
    ? refuse(
        ErrorCode.VF_NIC_EIP_UNSUPPORTED,
        `${nicLabel(nic)} is a VF NIC on ${nic.l3Category} L3 ${nic.l3Name}: it cannot have an EIP.`,
      )
    : ALLOWED;
}

/** R10 plus R4–R6 seen from the other side: a NIC becomes a VF only if nothing it has would break. */
export function typeChangeVerdict(nic: NicFacts, vmState: VmState, to: NicType): Verdict {
  if (nic.type === to) return ALLOWED;
  if (vmState !== "Stopped") {
    return refuse(
      ErrorCode.VM_NOT_STOPPED,
      `The type of ${nicLabel(nic)} can change only while the VM is stopped; it is ${vmState}.`,
    );
  }
  if (to === "VNIC") return ALLOWED;
  const label = nicLabel(nic);
  if (!nic.sriovAvailable) {
    return refuse(
      ErrorCode.L3_SRIOV_DISABLED,
      `${label} cannot be a VF: SR-IOV is not enabled on L3 ${nic.l3Name}.`,
    );
  }
  if (nic.hasQos) {
    return refuse(
      ErrorCode.VF_NIC_QOS_UNSUPPORTED,
      `${label} has QoS; remove it first: VF NICs have no QoS.`,
    );
  }
  if (nic.securityGroupCount > 0) {
    return refuse(
      ErrorCode.VF_NIC_SECURITY_GROUP_UNSUPPORTED,
      `${label} is in ${nic.securityGroupCount} security group(s); remove it first: VF NICs cannot be in security groups.`,
    );
  }
  if (nic.hasEip && publicOrFlat(nic.l3Category)) {
    return refuse(
      ErrorCode.VF_NIC_EIP_UNSUPPORTED,
      `${label} has an EIP on ${nic.l3Category} L3 ${nic.l3Name}; detach it first: VF NICs there cannot have one.`,
    );
  }
  return ALLOWED;
}

export interface NicCapabilities {
  qos: Verdict;
  securityGroups: Verdict;
  eip: Verdict;
  typeChange: Verdict;
  /** Marking the NIC migratable or not (issue 17): the verdict setNicMigratable enforces. */
  migratable: Verdict;
}

/** Everything the NIC row of the VM page needs to enable or grey out, with the reason. */
export function nicCapabilities(nic: NicFacts, vmState: VmState): NicCapabilities {
  return {
    qos: qosVerdict(nic),
    securityGroups: securityGroupVerdict(nic),
    eip: eipVerdict(nic),
    typeChange: typeChangeVerdict(nic, vmState, nic.type === "VF" ? "VNIC" : "VF"),
    migratable: migratableVerdict(nic, vmState),
  };
}

export interface VmFacts {
  state: VmState;
  /** `migratable`: a VF NIC with a virtio failover partner (issue 17); absent means not. */
  nics: Array<{ deviceIndex: number; type: NicType; l3Name: string; migratable?: boolean }>;
  /** PCI addresses of whole devices given to the VM (issue 17); absent means none. */
  pciDevices?: string[];
}

/**
 * R9: libvirt cannot move a running domain with an assigned host device. A migratable VF NIC is
 * the exception for live migration: its VF is unplugged while its virtio failover partner carries
 * the traffic, and a VF claimed on the destination is plugged after the move. Storage migration
 * has no such path, so every VF NIC still refuses it.
 */
export function migrationVerdict(vm: VmFacts, what: "live" | "storage"): Verdict {
  // Whole devices belong to their host: no move takes them, live or cold (issue 17).
  if (vm.pciDevices !== undefined && vm.pciDevices.length > 0)
    return refuse(ErrorCode.PCI_DEVICE_NOT_MIGRATABLE, hostdevMigrationMessage(vm.pciDevices));
  const blocking = vm.nics.filter(
    (nic) => nic.type === "VF" && (what === "storage" || nic.migratable !== true),
  );
  if (vm.state === "Running" && blocking.length > 0) {
    const names = blocking.map((nic) => `${nicLabel(nic)} (L3 ${nic.l3Name})`).join(", ");
    const how =
      what === "live"
        ? "mark the NIC migratable while the VM is stopped (it gets a virtio failover partner on the same L2; NICs created on an L3 whose SR-IOV profile is migratable are), stop the VM first, or change the NIC to a vNIC while stopped"
        : "stop it first, or change the NIC to a vNIC while stopped";
    return refuse(
      ErrorCode.VF_NIC_NOT_MIGRATABLE,
      what === "live"
        ? `The VM cannot be live-migrated while running with VF NIC ${names}, which is not migratable: ${how}.`
        : `The VM cannot be storage-migrated while running with VF NIC ${names}; ${how}.`,
    );
  }
  if (vm.state !== "Running" && vm.state !== "Stopped") {
    return refuse(
      ErrorCode.VM_INVALID_STATE,
      `The VM is ${vm.state}; migrate it when it is Running or Stopped.`,
    );
  }
  return ALLOWED;
}

/**
 * Marking a NIC migratable (or not) changes the domain: the VF gets a virtio failover partner.
 * So it happens while the VM is stopped (like R10), and only a VF NIC has a VF to fail over from.
 */
export function migratableVerdict(
  nic: Pick<NicFacts, "type" | "deviceIndex">,
  vmState: VmState,
): Verdict {
  if (vmState !== "Stopped") {
    return refuse(
      ErrorCode.VM_NOT_STOPPED,
      `${nicLabel(nic)} can be marked migratable only while the VM is stopped; it is ${vmState}.`,
    );
  }
  if (nic.type !== "VF") {
    return refuse(
      ErrorCode.NIC_NOT_VF,
      `${nicLabel(nic)} is a vNIC: only VF NICs get a virtio failover partner; vNICs live-migrate as they are.`,
    );
  }
  return ALLOWED;
}

function inState(vm: VmFacts, states: VmState[], action: string): Verdict {
  return states.includes(vm.state)
    ? ALLOWED
    : refuse(
        ErrorCode.VM_INVALID_STATE,
        `The VM is ${vm.state}; it can be ${action} only when ${states.join(" or ")}.`,
      );
}

export interface VmActions {
  start: Verdict;
  stop: Verdict;
  reboot: Verdict;
  delete: Verdict;
  migrate: Verdict;
  storageMigrate: Verdict;
  attachNic: Verdict;
  detachNic: Verdict;
  changeNicType: Verdict;
}

const TRANSITIONAL: VmState[] = [
  "Creating",
  "Starting",
  "Stopping",
  "Rebooting",
  "Migrating",
  "Deleting",
];

/** The VM page's buttons: which are enabled, and why the others are not. */
export function vmActions(vm: VmFacts): VmActions {
  const changeNicType =
    vm.state === "Stopped"
      ? ALLOWED
      : refuse(
          ErrorCode.VM_NOT_STOPPED,
          `NIC types can change only while the VM is stopped; it is ${vm.state}.`,
        );
  return {
    start: inState(vm, ["Stopped", "Error"], "started"),
    stop: inState(vm, ["Running"], "stopped"),
    reboot: inState(vm, ["Running"], "rebooted"),
    delete: TRANSITIONAL.includes(vm.state)
      ? refuse(ErrorCode.VM_INVALID_STATE, `The VM is ${vm.state}; wait for that to finish.`)
      : ALLOWED,
    migrate: migrationVerdict(vm, "live"),
    storageMigrate: migrationVerdict(vm, "storage"),
    attachNic: inState(vm, ["Running", "Stopped"], "given a NIC"),
    detachNic: inState(vm, ["Running", "Stopped"], "have a NIC removed"),
    changeNicType,
  };
}

/** vhost multi-queue: one queue per vCPU, at most 8 (seed 004). */
export function queuesFor(vcpus: number): number {
  return Math.max(1, Math.min(8, vcpus));
}

/** Which NIC is the default route: the one asked for, else the first. */
export function defaultNicIndex(nics: Array<{ isDefault?: boolean | undefined }>): number {
  const chosen = nics.findIndex((nic) => nic.isDefault === true);
  return chosen >= 0 ? chosen : 0;
}
