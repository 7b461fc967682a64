import type { Db, L2Type, Prisma, VfState, VirtualizationState } from "@virtfn/db";
import { requireInventoryReader, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
import { countVfs, hostVfAvailability, resolveInterface, type AvailabilityHost, type HostVfAvailability } from "./availability";
import { splitWarnings } from "./rules";
import { sriovOverviewInput, vfAvailabilityInput, type SriovOverviewInput, type VfAvailabilityInput } from "./schemas";

const hostSelect = {
  id: true,
  name: true,
  clusterId: true,
  connectionState: true,
  connectionReason: true,
  iommuEnabled: true,
  iommuKernelArgSet: true,
  iommuActive: true,
  rebootRequired: true,
  cluster: { select: { name: true } },
  physicalNics: {
    select: {
      id: true,
      name: true,
      model: true,
      bondName: true,
      bondSlaves: true,
      totalVfs: true,
      numVfs: true,
      desiredNumVfs: true,
      virtualizationState: true,
      virtualFunctions: { select: { state: true } },
    },
    orderBy: { name: "asc" },
  },
} satisfies Prisma.HostSelect;

type HostRow = Prisma.HostGetPayload<{ select: typeof hostSelect }>;

function availabilityHost(row: HostRow): AvailabilityHost {
  return {
    ...row,
    clusterName: row.cluster.name,
    physicalNics: row.physicalNics.map((pf) => ({ ...pf, vfs: pf.virtualFunctions })),
  };
}

export interface L3VfAvailability {
  l3Id: string;
  l3Name: string;
  l2Id: string;
  l2Name: string;
  physicalInterface: string;
  sriovEnabled: boolean;
  available: number;
  total: number;
  /** Every host of the L2's zone; hosts of clusters not attached say CLUSTER_NOT_ATTACHED. */
  hosts: HostVfAvailability[];
}

/**
 * R3: per host, how many VFs an L3 can hand out there, and in words why none when none. Hosts of
 * attached clusters come first.
 */
export async function vfAvailability(db: Db, actor: Actor, rawInput: VfAvailabilityInput): Promise<L3VfAvailability> {
  requireInventoryReader(actor);
  const { l3Id } = vfAvailabilityInput.parse(rawInput);
  const l3 = await db.l3Network.findUnique({
    where: { id: l3Id },
    include: { l2: { include: { clusters: { select: { clusterId: true } } } } },
  });
  if (!l3) throw notFound("L3 network", l3Id);
  const { l2 } = l3;
  const attached = new Set(l2.clusters.map((attachment) => attachment.clusterId));
  const hosts = await db.host.findMany({
    where: { cluster: { zoneId: l2.zoneId } },
    select: hostSelect,
    orderBy: { name: "asc" },
  });
  const network = {
    l2Name: l2.name,
    l3Name: l3.name,
    physicalInterface: l2.physicalInterface,
    l2SriovEnabled: l2.sriovEnabled,
    l3SriovEnabled: l3.sriovEnabled,
    attachedClusterIds: attached,
  };
  const rows = hosts
    .map((host) => hostVfAvailability(availabilityHost(host), network))
    .sort((a, b) => Number(attached.has(b.clusterId)) - Number(attached.has(a.clusterId)) || a.hostName.localeCompare(b.hostName));
  return {
    l3Id: l3.id,
    l3Name: l3.name,
    l2Id: l2.id,
    l2Name: l2.name,
    physicalInterface: l2.physicalInterface,
    sriovEnabled: l2.sriovEnabled && l3.sriovEnabled,
    available: rows.reduce((sum, row) => sum + row.available, 0),
    total: rows.reduce((sum, row) => sum + row.total, 0),
    hosts: rows,
  };
}

export interface PfUsage {
  pfId: string;
  hostId: string;
  hostName: string;
  name: string;
  model: string;
  bondName: string | null;
  virtualizationState: VirtualizationState;
  totalVfs: number;
  numVfs: number;
  desiredNumVfs: number | null;
  /** VF rows by state; Missing ones are held by NICs but not reported by the host. */
  vfs: Record<VfState, number>;
  /** R13 warnings the split dialog would show for this PF. */
  warnings: string[];
}

export interface L2Usage {
  l2Id: string;
  name: string;
  type: L2Type;
  sriovEnabled: boolean;
  physicalInterface: string;
  /** Hosts in attached clusters whose interface resolves to at least one PF. */
  hosts: number;
  vfTotal: number;
  vfAvailable: number;
  /** VF NICs on the L2's L3s. */
  vfNics: number;
}

export interface SriovOverview {
  pfs: PfUsage[];
  l2s: L2Usage[];
}

function emptyStates(): Record<VfState, number> {
  return { Available: 0, Reserved: 0, Attached: 0, Releasing: 0, Missing: 0 };
}

/** VF usage per PF and per L2: the data behind the SR-IOV dashboard chart. */
export async function sriovOverview(db: Db, actor: Actor, rawInput: SriovOverviewInput = {}): Promise<SriovOverview> {
  requireInventoryReader(actor);
  const { zoneId } = sriovOverviewInput.parse(rawInput);
  const hosts = await db.host.findMany({
    where: zoneId ? { cluster: { zoneId } } : {},
    select: hostSelect,
    orderBy: { name: "asc" },
  });
  const pfs: PfUsage[] = hosts.flatMap((host) =>
    host.physicalNics
      .filter((pf) => pf.virtualizationState !== "NotVirtualizable")
      .map((pf) => {
        const vfs = emptyStates();
        for (const vf of pf.virtualFunctions) vfs[vf.state] += 1;
        const splitSlaves = pf.bondName
          ? host.physicalNics.filter((other) => other.bondName === pf.bondName && other.numVfs > 0).map((other) => other.name)
          : [];
        return {
          pfId: pf.id,
          hostId: host.id,
          hostName: host.name,
          name: pf.name,
          model: pf.model,
          bondName: pf.bondName,
          virtualizationState: pf.virtualizationState,
          totalVfs: pf.totalVfs,
          numVfs: pf.numVfs,
          desiredNumVfs: pf.desiredNumVfs,
          vfs,
          warnings: splitWarnings(pf, splitSlaves),
        };
      }),
  );
  const l2Rows = await db.l2Network.findMany({
    where: zoneId ? { zoneId } : {},
    include: { clusters: { select: { clusterId: true } } },
    orderBy: { name: "asc" },
  });
  const vfNicCounts = await db.vmNic.groupBy({ by: ["l3Id"], where: { type: "VF" }, _count: { _all: true } });
  const l3s = await db.l3Network.findMany({ select: { id: true, l2Id: true } });
  const l2OfL3 = new Map(l3s.map((l3) => [l3.id, l3.l2Id]));
  const l2s: L2Usage[] = l2Rows.map((l2) => {
    const attached = new Set(l2.clusters.map((attachment) => attachment.clusterId));
    let hostCount = 0;
    let vfTotal = 0;
    let vfAvailable = 0;
    for (const host of hosts.filter((h) => attached.has(h.clusterId))) {
      const resolved = resolveInterface(availabilityHost(host).physicalNics, l2.physicalInterface);
      if (resolved.length === 0) continue;
      hostCount += 1;
      const counts = countVfs(resolved);
      vfTotal += counts.total;
      vfAvailable += counts.available;
    }
    const vfNics = vfNicCounts
      .filter((row) => l2OfL3.get(row.l3Id) === l2.id)
      .reduce((sum, row) => sum + row._count._all, 0);
    return {
      l2Id: l2.id,
      name: l2.name,
      type: l2.type,
      sriovEnabled: l2.sriovEnabled,
      physicalInterface: l2.physicalInterface,
      hosts: hostCount,
      vfTotal,
      vfAvailable,
      vfNics,
    };
  });
  return { pfs, l2s };
}
