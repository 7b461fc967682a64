import {
  VmState,
  type Db,
  type L3Category,
  type NicType,
  type Prisma,
  type VfState,
} from "@virtfn/db";
import { canSeeInventory, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
import {
  keysetTotal,
  keysetOrder,
  keysetPage,
  keysetTake,
  keysetWhere,
  projectCountOrder,
  type Keyset,
  type Page,
} from "../shared/pagination";
import { hostVfAvailability } from "../sriov/availability";
import { poolWithheldByL2 } from "../sriov/pools-queries";
import { l2VfSums } from "../sriov/capacity";
import { availabilityHosts, zoneHostsAttached } from "../sriov/queries";

/** How many hosts the "no free VF" reason names. */
const REASON_HOSTS = 5;
import { requireProjectWriter, vmVisibleWhere } from "./access";
import {
  nicCapabilities,
  nicLabel,
  vmActions,
  type NicCapabilities,
  type VmActions,
} from "./rules";
import {
  listVmsInput,
  vmCreateOptionsInput,
  vmIdInput,
  type ListVmsInput,
  type VmCreateOptionsInput,
  type VmIdInput,
} from "./schemas";
import { nicVfStatus, type NicVfStatus } from "./nics";
import { vfPortView, type VfPortView } from "./vf-ports";
import { likeLiteral, requireVisibleProject } from "../shared/visibility";
import { readVm } from "./vm-read";

export interface VmListItem {
  id: string;
  name: string;
  projectId: string;
  projectName: string;
  state: VmState;
  desiredState: VmState;
  hostId: string | null;
  hostName: string | null;
  offering: { id: string; name: string; vcpus: number; memoryMiB: number };
  image: { id: string; name: string };
  nicCount: number;
  vfNicCount: number;
  /** NIC addresses in device order, so a list needs no per-VM detail call. */
  ips: string[];
  createdAt: Date;
}

const listSelect = {
  id: true,
  name: true,
  projectId: true,
  state: true,
  desiredState: true,
  hostId: true,
  createdAt: true,
  project: { select: { name: true } },
  host: { select: { name: true } },
  offering: { select: { id: true, name: true, vcpus: true, memoryMiB: true } },
  image: { select: { id: true, name: true } },
  nics: { select: { type: true, ip: true }, orderBy: { deviceIndex: "asc" } },
} satisfies Prisma.VmSelect;

/** VMs the actor may see, paginated, sorted and filtered. */
export async function listVms(
  db: Db,
  actor: Actor,
  rawInput: ListVmsInput = {},
): Promise<Page<VmListItem>> {
  const input = listVmsInput.parse(rawInput);
  // Filtering by another project answers like reading it: NOT_FOUND, not an empty page.
  if (input.projectId) requireVisibleProject(actor, input.projectId);
  const where: Prisma.VmWhereInput = {
    AND: [
      vmVisibleWhere(actor),
      input.projectId ? { projectId: input.projectId } : {},
      input.hostId ? { hostId: input.hostId } : {},
      input.state ? { state: input.state } : {},
      input.search ? { name: { contains: likeLiteral(input.search), mode: "insensitive" } } : {},
    ],
  };
  const keyset: Keyset = {
    field: input.sort,
    order: input.order,
    date: input.sort === "createdAt",
    ...(input.sort === "state" ? { values: Object.values(VmState) } : {}),
  };
  const [rows, total] = await Promise.all([
    db.vm.findMany({
      where: { AND: [where, keysetWhere<Prisma.VmWhereInput>(input, keyset)] },
      select: listSelect,
      orderBy: keysetOrder<Prisma.VmOrderByWithRelationInput>(keyset),
      take: keysetTake(input),
    }),
    keysetTotal(input, keyset, (take) =>
      db.vm.count({
        where,
        take,
        ...projectCountOrder(!canSeeInventory(actor) || input.projectId !== undefined),
      }),
    ),
  ]);
  return keysetPage(
    rows,
    input,
    total,
    (row) => ({
      id: row.id,
      name: row.name,
      projectId: row.projectId,
      projectName: row.project.name,
      state: row.state,
      desiredState: row.desiredState,
      hostId: row.hostId,
      hostName: row.host?.name ?? null,
      offering: row.offering,
      image: row.image,
      nicCount: row.nics.length,
      vfNicCount: row.nics.filter((nic) => nic.type === "VF").length,
      ips: row.nics.map((nic) => nic.ip),
      createdAt: row.createdAt,
    }),
    (row) => row[input.sort],
  );
}

export interface VmNicView {
  id: string;
  name: string;
  deviceIndex: number;
  type: NicType;
  mac: string;
  ip: string;
  isDefault: boolean;
  model: string;
  mode: string;
  queues: number;
  /** A VF NIC with a virtio failover partner: it may live-migrate (issue 17). */
  migratable: boolean;
  l3: {
    id: string;
    name: string;
    category: L3Category;
    sriovEnabled: boolean;
    l2Name: string;
    vlanId: number | null;
  };
  vf: {
    id: string;
    pciAddress: string;
    state: VfState;
    /** The NUMA node of the VF's PF; null when unknown. */
    numaNode: number | null;
  } | null;
  qos: { inboundKbps: number | null; outboundKbps: number | null } | null;
  securityGroups: Array<{ id: string; name: string }>;
  eip: { id: string; name: string; ip: string } | null;
  capabilities: NicCapabilities;
  /** VF NICs only: Attached, or "VF lost" when a forced restore took it from a running VM. */
  vfStatus: NicVfStatus | null;
  /** VF NICs only (issue 16): desired port settings and who may change each, with reasons. */
  vfPort: VfPortView | null;
}

export interface VmDetail extends VmListItem {
  clusterId: string | null;
  /** The NUMA node the VM was placed on (its offering's VF NUMA policy); null when not bound. */
  numaNode: number | null;
  /** VF NICs that hold a VF right now (the header's "N VFs"), as opposed to vfNicCount. */
  attachedVfCount: number;
  nics: VmNicView[];
  actions: VmActions;
  /** The last operation on the VM that failed, so the page can say why it is in Error. */
  lastError: {
    operationId: string;
    kind: string;
    code: string | null;
    message: string | null;
  } | null;
  activeOperation: {
    id: string;
    kind: string;
    status: string;
    progress: number;
    progressMessage: string;
    progressPhase: string | null;
    progressDone: number | null;
    progressTotal: number | null;
  } | null;
}

/** One VM with its NICs, their services, and which actions are allowed (with reasons). */
export async function getVm(db: Db, actor: Actor, rawInput: VmIdInput): Promise<VmDetail> {
  const { vmId } = vmIdInput.parse(rawInput);
  const vm = await readVm(db, actor, vmId);
  if (!vm) throw notFound("VM", vmId);
  const nics: VmNicView[] = vm.nics.map((nic) => {
    const sriovAvailable = nic.l3.sriovEnabled && nic.l3.l2.sriovEnabled;
    return {
      id: nic.id,
      name: nicLabel(nic),
      deviceIndex: nic.deviceIndex,
      type: nic.type,
      mac: nic.mac,
      ip: nic.ip,
      isDefault: nic.isDefault,
      model: nic.model,
      mode: nic.mode,
      queues: nic.queues,
      migratable: nic.migratable,
      l3: {
        id: nic.l3.id,
        name: nic.l3.name,
        category: nic.l3.category,
        sriovEnabled: sriovAvailable,
        l2Name: nic.l3.l2.name,
        vlanId: nic.l3.l2.vlanId,
      },
      vf: nic.vf && {
        id: nic.vf.id,
        pciAddress: nic.vf.pciAddress,
        state: nic.vf.state,
        numaNode: nic.vf.numaNode,
      },
      qos: nic.qos,
      securityGroups: nic.securityGroups,
      eip: nic.eip,
      capabilities: nicCapabilities(
        {
          deviceIndex: nic.deviceIndex,
          type: nic.type,
          l3Name: nic.l3.name,
          l3Category: nic.l3.category,
          sriovAvailable,
          hasQos: nic.qos !== null,
          securityGroupCount: nic.securityGroups.length,
          hasEip: nic.eip !== null,
        },
        vm.state,
      ),
      vfStatus: nicVfStatus(nic, vm.state),
      vfPort: vfPortView(nic),
    };
  });
  return {
    id: vm.id,
    name: vm.name,
    projectId: vm.projectId,
    projectName: vm.projectName,
    state: vm.state,
    desiredState: vm.desiredState,
    hostId: vm.hostId,
    hostName: vm.hostName,
    clusterId: vm.clusterId,
    numaNode: vm.numaNode,
    offering: vm.offering,
    image: vm.image,
    nicCount: nics.length,
    vfNicCount: nics.filter((nic) => nic.type === "VF").length,
    attachedVfCount: nics.filter((nic) => nic.vfStatus === "Attached").length,
    ips: nics.map((nic) => nic.ip),
    createdAt: vm.createdAt,
    nics,
    actions: vmActions({
      state: vm.state,
      nics: nics.map((n) => ({
        deviceIndex: n.deviceIndex,
        type: n.type,
        l3Name: n.l3.name,
        migratable: n.migratable,
      })),
      pciDevices: vm.pciAddresses,
    }),
    lastError: vm.lastError,
    activeOperation: vm.activeOperation,
  };
}

export interface L3CreateOption {
  l3Id: string;
  name: string;
  category: L3Category;
  l2Name: string;
  /** Whether "Enable SR-IOV" can be ticked at all (L3 and L2 have SR-IOV). */
  sriovEnabled: boolean;
  availableVfs: number;
  /** Whether the checkbox should be enabled now, and why not ("no free VF", R3's words). */
  sriov: { allowed: boolean; reason: string | null };
}

/**
 * The create form's network list for a project: every L3 with its SR-IOV availability, summed
 * over the connected hosts of attached clusters (the same R3 function the admin view uses).
 */
export async function vmCreateOptions(
  db: Db,
  actor: Actor,
  rawInput: VmCreateOptionsInput,
): Promise<L3CreateOption[]> {
  const { projectId } = vmCreateOptionsInput.parse(rawInput);
  requireVisibleProject(actor, projectId);
  requireProjectWriter(actor, projectId);
  // No attachment rows here: an L2 spans up to every cluster of its zone.
  const l3s = await db.l3Network.findMany({ include: { l2: true }, orderBy: { name: "asc" } });
  // One row per L2 that can offer VFs at all (its attached clusters summed by the database).
  const offering = [
    ...new Map(
      l3s.filter((l3) => l3.sriovEnabled && l3.l2.sriovEnabled).map((l3) => [l3.l2.id, l3.l2]),
    ).values(),
  ];
  const offeringIds = offering.map((l2) => l2.id);
  const [totals, withheld] = await Promise.all([
    l2VfSums(db, offeringIds),
    // VF pools keep some free VFs from this project's NICs on some L2s (sriov/pools.ts).
    poolWithheldByL2(db, offeringIds, projectId),
  ]);
  return Promise.all(
    l3s.map(async (l3) => {
      const sriovEnabled = l3.sriovEnabled && l3.l2.sriovEnabled;
      const pooled = withheld.get(l3.l2.id)?.offering ?? 0;
      const availableVfs = Math.max(0, (totals.get(l3.l2.id)?.offeringAvailable ?? 0) - pooled);
      let reason: string | null = null;
      // The network's own setting explains this, not whichever host happens to come first.
      if (!l3.l2.sriovEnabled)
        reason = `SR-IOV is off on L3 ${l3.name}: its L2 ${l3.l2.name} does not enable it`;
      else if (!l3.sriovEnabled) reason = `SR-IOV is off on L3 ${l3.name}`;
      else if (availableVfs === 0 && pooled > 0)
        reason = `no free VF on L3 ${l3.name} for this project: the ${pooled} free VF(s) of its L2 ${l3.l2.name} are in VF pools not open to it`;
      else if (availableVfs === 0) reason = await noVfReason(db, l3);
      return {
        l3Id: l3.id,
        name: l3.name,
        category: l3.category,
        l2Name: l3.l2.name,
        sriovEnabled,
        availableVfs,
        sriov: { allowed: reason === null, reason },
      };
    }),
  );
}

/** R3's words for an L3 with no free VF: the first few attached hosts, by name, and why. */
async function noVfReason(
  db: Db,
  l3: {
    name: string;
    sriovEnabled: boolean;
    l2: {
      id: string;
      name: string;
      zoneId: string;
      physicalInterface: string;
      sriovEnabled: boolean;
    };
  },
): Promise<string> {
  const hosts = await availabilityHosts(
    db,
    zoneHostsAttached(l3.l2.zoneId, l3.l2.id, true),
    REASON_HOSTS + 1,
  );
  // Every host read is in an attached cluster: that is all R3 needs to know of the attachments.
  const attachedClusterIds = new Set(hosts.map((host) => host.clusterId));
  const network = {
    l2Name: l3.l2.name,
    l3Name: l3.name,
    physicalInterface: l3.l2.physicalInterface,
    l2SriovEnabled: l3.l2.sriovEnabled,
    l3SriovEnabled: l3.sriovEnabled,
    attachedClusterIds,
  };
  const messages = hosts
    .slice(0, REASON_HOSTS)
    .map((host) => hostVfAvailability(host, network).message);
  if (hosts.length > REASON_HOSTS) messages.push("and more hosts");
  return `no free VF on L3 ${l3.name}${messages.length > 0 ? `: ${messages.join("; ")}` : ""}`;
}
