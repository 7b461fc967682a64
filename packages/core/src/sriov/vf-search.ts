import { z } from "zod";
import { VfState, type Db, type Prisma } from "@virtfn/db";
import { requireInventoryReader, type Actor } from "../shared/actor";
import {
  keysetOrder,
  keysetPage,
  keysetTake,
  keysetTotal,
  keysetWhere,
  pageInput,
  type Keyset,
  type Page,
} from "../shared/pagination";
import { likeLiteral } from "../shared/visibility";

// "Who holds 0000:04:10.2?": every VF of the fleet, searched and filtered, paged by the indexed
// (pciAddress, id) key. Names are resolved to ids first (a few indexed lookups), so the VF query
// itself only ever filters on VF columns and walks an index, at 2.5M VFs as at 250.

export const searchVfsInput = pageInput.extend({
  /** A PCI address (or its start), a MAC, or part of a VM or host name. */
  q: z.string().trim().max(100).optional(),
  state: z.enum(VfState).optional(),
  hostId: z.uuid("Not a host id").optional(),
  pfId: z.uuid("Not a physical NIC id").optional(),
  l2Id: z.uuid("Not an L2 network id").optional(),
});
export type SearchVfsInput = z.input<typeof searchVfsInput>;

export interface VfHolderView {
  nicId: string;
  deviceIndex: number;
  mac: string;
  ip: string;
  vmId: string;
  vmName: string;
  projectId: string;
  l3Id: string;
  l3Name: string;
  l2Id: string;
  l2Name: string;
  /** The VLAN the VF is programmed with: the L2's id on a Vlan L2, else null. */
  vlanId: number | null;
}

export interface VfView {
  id: string;
  pciAddress: string;
  index: number;
  state: VfState;
  /** The MAC the host reports for the VF (the holder's NIC MAC once attached). */
  mac: string | null;
  stateChangedAt: Date;
  hostId: string;
  hostName: string;
  pfId: string;
  pfName: string | null;
  pfPciAddress: string;
  pfLinkUp: boolean;
  /** The NIC holding the VF, if any (R16: at most one, ever). */
  holder: VfHolderView | null;
}

/** What the search box holds, told apart by its shape. */
export type VfQuery =
  | { kind: "pci"; value: string; exact: boolean }
  | { kind: "mac"; value: string }
  | { kind: "name"; value: string };

const FULL_PCI = /^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
const PARTIAL_PCI = /^[0-9a-f]{4}:[0-9a-f:.]*$|^[0-9a-f]{2}:[0-9a-f]{2}(\.[0-7]?)?$/;
const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/;

/** Pure: a PCI address (with or without its domain), a MAC (either separator), else a name. */
export function classifyVfQuery(raw: string): VfQuery {
  const value = raw.trim().toLowerCase();
  if (MAC.test(value)) return { kind: "mac", value: value.replaceAll("-", ":") };
  if (FULL_PCI.test(value)) {
    // "04:10.2" is short for domain 0000, as lspci prints it.
    return { kind: "pci", value: value.length === 7 ? `0000:${value}` : value, exact: true };
  }
  if (PARTIAL_PCI.test(value)) {
    return {
      kind: "pci",
      value: /^[0-9a-f]{4}:/.test(value) ? value : `0000:${value}`,
      exact: false,
    };
  }
  return { kind: "name", value: raw.trim() };
}

/** How many VMs or hosts a name search resolves to before it gives up widening. */
const NAME_MATCHES = 500;

async function queryWhere(db: Db, query: VfQuery): Promise<Prisma.VirtualFunctionWhereInput> {
  if (query.kind === "pci") {
    return query.exact ? { pciAddress: query.value } : { pciAddress: { startsWith: query.value } };
  }
  if (query.kind === "mac") {
    // The NIC's MAC (unique) finds the VF it holds; the VF's own MAC is what the host reports.
    const nic = await db.vmNic.findUnique({ where: { mac: query.value }, select: { vfId: true } });
    return { OR: [{ mac: query.value }, ...(nic?.vfId ? [{ id: nic.vfId }] : [])] };
  }
  const pattern = { contains: likeLiteral(query.value), mode: "insensitive" as const };
  // Both lookups use the names' trigram indexes, and stop at NAME_MATCHES.
  const [nics, hosts] = await Promise.all([
    db.vmNic.findMany({
      where: { vfId: { not: null }, vm: { name: pattern } },
      select: { vfId: true },
      take: NAME_MATCHES,
    }),
    db.host.findMany({ where: { name: pattern }, select: { id: true }, take: NAME_MATCHES }),
  ]);
  const vfIds = nics.flatMap((nic) => (nic.vfId ? [nic.vfId] : []));
  return { OR: [{ id: { in: vfIds } }, { hostId: { in: hosts.map((host) => host.id) } }] };
}

/** The L2 filter: VFs of the PFs its interface resolves to, on hosts of its clusters. */
async function l2Where(db: Db, l2Id: string): Promise<Prisma.VirtualFunctionWhereInput> {
  const l2 = await db.l2Network.findUnique({
    where: { id: l2Id },
    select: { physicalInterface: true, clusters: { select: { clusterId: true } } },
  });
  if (!l2) return { id: { in: [] } };
  const iface = l2.physicalInterface;
  return {
    pf: { OR: [{ name: iface }, { bondName: iface }] },
    host: { clusterId: { in: l2.clusters.map((c) => c.clusterId) } },
  };
}

const vfSelect = {
  id: true,
  pciAddress: true,
  index: true,
  state: true,
  mac: true,
  stateChangedAt: true,
  hostId: true,
  pfId: true,
  host: { select: { name: true } },
  pf: { select: { name: true, pciAddress: true, linkUp: true } },
  heldBy: {
    select: {
      id: true,
      deviceIndex: true,
      mac: true,
      ip: true,
      vm: { select: { id: true, name: true, projectId: true } },
      l3: {
        select: {
          id: true,
          name: true,
          l2: { select: { id: true, name: true, type: true, vlanId: true } },
        },
      },
    },
  },
} satisfies Prisma.VirtualFunctionSelect;

type VfRow = Prisma.VirtualFunctionGetPayload<{ select: typeof vfSelect }>;

function toView(row: VfRow): VfView {
  const nic = row.heldBy;
  return {
    id: row.id,
    pciAddress: row.pciAddress,
    index: row.index,
    state: row.state,
    mac: row.mac,
    stateChangedAt: row.stateChangedAt,
    hostId: row.hostId,
    hostName: row.host.name,
    pfId: row.pfId,
    pfName: row.pf.name,
    pfPciAddress: row.pf.pciAddress,
    pfLinkUp: row.pf.linkUp,
    holder: nic
      ? {
          nicId: nic.id,
          deviceIndex: nic.deviceIndex,
          mac: nic.mac,
          ip: nic.ip,
          vmId: nic.vm.id,
          vmName: nic.vm.name,
          projectId: nic.vm.projectId,
          l3Id: nic.l3.id,
          l3Name: nic.l3.name,
          l2Id: nic.l3.l2.id,
          l2Name: nic.l3.l2.name,
          vlanId: nic.l3.l2.type === "Vlan" ? nic.l3.l2.vlanId : null,
        }
      : null,
  };
}

const keyset: Keyset = { field: "pciAddress", order: "asc", date: false };

/**
 * The order the capped count walks in: Prisma orders a count that has `take` by id, and Postgres
 * then walks the primary key filtering every row (all 2.5M of them for one host's 250 VFs).
 * Ordered by the narrowest equality filter, it reads that filter's index instead.
 */
function countOrder(
  input: z.infer<typeof searchVfsInput>,
): Prisma.VirtualFunctionOrderByWithRelationInput {
  if (input.pfId) return { pfId: "asc" };
  if (input.hostId) return { hostId: "asc" };
  if (input.state) return { state: "asc" };
  return { pciAddress: "asc" };
}

/** Admin, Auditor. VFs across the fleet (or of one host or PF), by PCI address. */
export async function searchVfs(
  db: Db,
  actor: Actor,
  rawInput: SearchVfsInput,
): Promise<Page<VfView>> {
  requireInventoryReader(actor);
  const input = searchVfsInput.parse(rawInput);
  const [byQuery, byL2] = await Promise.all([
    input.q ? queryWhere(db, classifyVfQuery(input.q)) : {},
    input.l2Id ? l2Where(db, input.l2Id) : {},
  ]);
  const where: Prisma.VirtualFunctionWhereInput = {
    AND: [
      byQuery,
      byL2,
      input.state ? { state: input.state } : {},
      input.hostId ? { hostId: input.hostId } : {},
      input.pfId ? { pfId: input.pfId } : {},
    ],
  };
  const [rows, total] = await Promise.all([
    db.virtualFunction.findMany({
      where: { AND: [where, keysetWhere<Prisma.VirtualFunctionWhereInput>(input, keyset)] },
      select: vfSelect,
      orderBy: keysetOrder<Prisma.VirtualFunctionOrderByWithRelationInput>(keyset),
      take: keysetTake(input),
    }),
    keysetTotal(input, keyset, (take) =>
      db.virtualFunction.count({ where, take, orderBy: countOrder(input) }),
    ),
  ]);
  return keysetPage(rows, input, total, toView, (row) => row.pciAddress);
}
