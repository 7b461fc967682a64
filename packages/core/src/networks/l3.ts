import { hostsWithVfNicsWhere, requestVfPortSync } from "../vms/vf-ports";
import type { Db, DbOrTx, L2Type, L3Category, Prisma, Tx } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { requireAdmin, type Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { pageWindow, toPage, type Page } from "../shared/pagination";
import { rowCounts } from "../shared/row-counts";
import { checkNoOverlap, planAddressing, toRange, type LabelledRange } from "./addressing";
import { rangeSize } from "./ip";
import { l3Actions, type L3Actions } from "./actions";
import { lockL2 } from "./l2";
import {
  addIpRangeInput,
  createL3Input,
  ipRangeIdInput,
  l3IdInput,
  listL3Input,
  updateL3Input,
  type AddIpRangeInput,
  type CreateL3Input,
  type IpRangeIdInput,
  type L3IdInput,
  type ListL3Input,
  type UpdateL3Input,
} from "./schemas";
import {
  checkL3Deletable,
  checkL3SriovAllowed,
  checkL3SriovOff,
  l3SriovToggleState,
  type ToggleState,
} from "./sriovRules";
import { likeLiteral } from "../shared/visibility";

export interface L3View {
  id: string;
  name: string;
  description: string;
  category: L3Category;
  sriovEnabled: boolean;
  /** SR-IOV profile migratable (issue 17): its new VF NICs get a virtio failover partner. */
  sriovMigratable: boolean;
  /** VF port policy overrides (issue 16); null takes the L2's. */
  vfAllowTrust: boolean | null;
  vfSpoofCheck: boolean | null;
  /** The L2 with its SR-IOV state, which the L3 form and detail page show (flow 4). */
  l2: {
    id: string;
    name: string;
    type: L2Type;
    sriovEnabled: boolean;
    vfAllowTrust: boolean;
    vfSpoofCheck: boolean;
    physicalInterface: string;
    vlanId: number | null;
    zoneId: string;
  };
  /** Whether SR-IOV may be switched on for this L3, and why not (R1, R2). */
  sriovToggle: ToggleState;
  gateway: string | null;
  prefixLength: number | null;
  dns: string[];
  ipRanges: Array<{ id: string; startIp: string; endIp: string; size: number }>;
  nicCount: number;
  vfNicCount: number;
  /** Edit, delete, the SR-IOV flip and "migratable", decided by the commands' own checks. */
  actions: L3Actions;
  createdAt: Date;
  updatedAt: Date;
}

const l3Include = {
  l2: {
    select: {
      id: true,
      name: true,
      type: true,
      sriovEnabled: true,
      vfAllowTrust: true,
      vfSpoofCheck: true,
      physicalInterface: true,
      vlanId: true,
      zoneId: true,
    },
  },
  ipRanges: { orderBy: { startIp: "asc" } },
} satisfies Prisma.L3NetworkInclude;

type L3Row = Prisma.L3NetworkGetPayload<{ include: typeof l3Include }>;

interface NicCounts {
  nics: number;
  vfNics: number;
  /** EIPs whose VIP is drawn from the L3 (R16 keeps it from being deleted under them). */
  eips: number;
}

const NO_NICS: NicCounts = { nics: 0, vfNics: 0, eips: 0 };

/** NICs and VF NICs per L3, from the database's running counts (an L3 can have 100k NICs). */
async function nicCounts(db: DbOrTx, l3Ids: string[]): Promise<Map<string, NicCounts>> {
  if (l3Ids.length === 0) return new Map();
  const [nics, vfNics, eips] = await Promise.all([
    rowCounts(db, "VmNic.l3Id", l3Ids),
    rowCounts(db, "VmNic.l3Id.VF", l3Ids),
    db.eip.groupBy({ by: ["vipL3Id"], where: { vipL3Id: { in: l3Ids } }, _count: { _all: true } }),
  ]);
  const eipsBy = new Map(eips.map((row) => [row.vipL3Id, row._count._all]));
  return new Map(
    l3Ids.map((id) => [
      id,
      { nics: nics.get(id) ?? 0, vfNics: vfNics.get(id) ?? 0, eips: eipsBy.get(id) ?? 0 },
    ]),
  );
}

async function view(db: DbOrTx, row: L3Row): Promise<L3View> {
  return toView(row, (await nicCounts(db, [row.id])).get(row.id) ?? NO_NICS);
}

function toView(row: L3Row, counts: NicCounts): L3View {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    category: row.category,
    sriovEnabled: row.sriovEnabled,
    sriovMigratable: row.sriovMigratable,
    vfAllowTrust: row.vfAllowTrust,
    vfSpoofCheck: row.vfSpoofCheck,
    l2: row.l2,
    sriovToggle: l3SriovToggleState(row.l2),
    gateway: row.gateway,
    prefixLength: row.prefixLength,
    dns: row.dns,
    ipRanges: row.ipRanges
      .map((range) => ({
        id: range.id,
        startIp: range.startIp,
        endIp: range.endIp,
        size: rangeSize(toRange(range)),
      }))
      .sort((a, b) => toRange(a).start - toRange(b).start),
    nicCount: counts.nics,
    vfNicCount: counts.vfNics,
    actions: l3Actions({
      name: row.name,
      sriovEnabled: row.sriovEnabled,
      l2: row.l2,
      ...counts,
    }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Every IP range already on the L2, labelled with its L3, for the overlap check. */
async function rangesOnL2(tx: Tx, l2Id: string, exceptL3Id?: string): Promise<LabelledRange[]> {
  const rows = await tx.ipRange.findMany({
    where: { l3: { l2Id, ...(exceptL3Id ? { id: { not: exceptL3Id } } : {}) } },
    select: { startIp: true, endIp: true, l3: { select: { name: true } } },
  });
  return rows.map((row) => ({ ...toRange(row), label: `L3 ${row.l3.name}` }));
}

function nameTaken(error: unknown, name: string | undefined): unknown {
  if (isUniqueViolation(error) && name !== undefined)
    return alreadyExists("L3 network", "name", name);
  return error;
}

export async function createL3Network(
  db: Db,
  actor: Actor,
  rawInput: CreateL3Input,
): Promise<L3View> {
  requireAdmin(actor, "create L3 networks");
  const input = createL3Input.parse(rawInput);
  const plan = planAddressing(input);
  try {
    return await db.$transaction(async (tx) => {
      const l2 = await lockL2(tx, input.l2Id);
      checkL3SriovAllowed(l2, input.name, input.sriovEnabled);
      const fresh = plan.ranges.map((range) => ({ ...toRange(range), label: "the new ranges" }));
      checkNoOverlap([...(await rangesOnL2(tx, l2.id)), ...fresh]);
      const created = await tx.l3Network.create({
        data: {
          l2Id: l2.id,
          name: input.name,
          description: input.description,
          category: input.category,
          sriovEnabled: input.sriovEnabled,
          gateway: plan.gateway,
          prefixLength: plan.prefixLength,
          dns: input.dns,
          ipRanges: { create: plan.ranges },
        },
        include: l3Include,
      });
      await recordAudit(tx, actor, {
        action: "l3.create",
        targetType: "L3Network",
        targetId: created.id,
        outcome: "Success",
        details: {
          name: created.name,
          l2: l2.name,
          category: created.category,
          sriovEnabled: created.sriovEnabled,
          gateway: plan.gateway,
          prefixLength: plan.prefixLength,
          ranges: plan.ranges,
        },
      });
      return view(tx, created);
    });
  } catch (error) {
    throw nameTaken(error, input.name);
  }
}

export async function updateL3Network(
  db: Db,
  actor: Actor,
  rawInput: UpdateL3Input,
): Promise<L3View> {
  requireAdmin(actor, "change L3 networks");
  const input = updateL3Input.parse(rawInput);
  try {
    return await db.$transaction(async (tx) => {
      const current = await tx.l3Network.findUnique({ where: { id: input.l3Id } });
      if (!current) throw notFound("L3 network", input.l3Id);
      // The L2 lock makes this and a concurrent "SR-IOV off" on the L2 take turns (R2).
      const l2 = await lockL2(tx, current.l2Id);
      if (input.sriovEnabled !== undefined && input.sriovEnabled !== current.sriovEnabled) {
        if (input.sriovEnabled) checkL3SriovAllowed(l2, current.name, true);
        else
          checkL3SriovOff(
            current.name,
            await tx.vmNic.count({ where: { l3Id: current.id, type: "VF" } }),
          );
      }
      const changes = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.sriovEnabled !== undefined ? { sriovEnabled: input.sriovEnabled } : {}),
        ...(input.dns !== undefined ? { dns: input.dns } : {}),
        ...(input.vfAllowTrust !== undefined ? { vfAllowTrust: input.vfAllowTrust } : {}),
        ...(input.vfSpoofCheck !== undefined ? { vfSpoofCheck: input.vfSpoofCheck } : {}),
      };
      const updated = await tx.l3Network.update({
        where: { id: current.id },
        data: changes,
        include: l3Include,
      });
      if (input.vfAllowTrust !== undefined || input.vfSpoofCheck !== undefined)
        await requestVfPortSync(tx, await hostsWithVfNicsWhere(tx, { l3Id: current.id }));
      await recordAudit(tx, actor, {
        action: "l3.update",
        targetType: "L3Network",
        targetId: current.id,
        outcome: "Success",
        details: {
          before: { name: current.name, sriovEnabled: current.sriovEnabled, dns: current.dns },
          changes,
        },
      });
      return view(tx, updated);
    });
  } catch (error) {
    throw nameTaken(error, input.name);
  }
}

export async function deleteL3Network(db: Db, actor: Actor, rawInput: L3IdInput): Promise<void> {
  requireAdmin(actor, "delete L3 networks");
  const { l3Id } = l3IdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const l3 = await tx.l3Network.findUnique({ where: { id: l3Id } });
    if (!l3) throw notFound("L3 network", l3Id);
    await lockL2(tx, l3.l2Id);
    const nics = await tx.vmNic.count({ where: { l3Id } });
    const eips = await tx.eip.count({ where: { vipL3Id: l3Id } });
    checkL3Deletable(l3.name, { nics, eips });
    await tx.l3Network.delete({ where: { id: l3Id } });
    await recordAudit(tx, actor, {
      action: "l3.delete",
      targetType: "L3Network",
      targetId: l3Id,
      outcome: "Success",
      details: { name: l3.name },
    });
  });
}

/** Adds a range inside the L3's subnet, not overlapping any range of the L2. */
export async function addIpRange(db: Db, actor: Actor, rawInput: AddIpRangeInput): Promise<L3View> {
  requireAdmin(actor, "change L3 networks");
  const input = addIpRangeInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const l3 = await tx.l3Network.findUnique({
      where: { id: input.l3Id },
      include: { ipRanges: true },
    });
    if (!l3) throw notFound("L3 network", input.l3Id);
    await lockL2(tx, l3.l2Id);
    if (l3.prefixLength === null && input.range.cidr === undefined) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        "BAD_REQUEST",
        `L3 ${l3.name} has no subnet yet; give the first range as a CIDR.`,
      );
    }
    const plan = planAddressing({
      gateway: l3.gateway,
      prefixLength: l3.prefixLength,
      ipRanges: [input.range],
    });
    checkNoOverlap([
      ...(await rangesOnL2(tx, l3.l2Id)),
      ...plan.ranges.map((range) => ({ ...toRange(range), label: "the new range" })),
    ]);
    await tx.ipRange.createMany({ data: plan.ranges.map((range) => ({ ...range, l3Id: l3.id })) });
    if (l3.prefixLength === null) {
      await tx.l3Network.update({
        where: { id: l3.id },
        data: { prefixLength: plan.prefixLength, gateway: plan.gateway },
      });
    }
    await recordAudit(tx, actor, {
      action: "l3.addIpRange",
      targetType: "L3Network",
      targetId: l3.id,
      outcome: "Success",
      details: { ranges: plan.ranges },
    });
    return view(
      tx,
      await tx.l3Network.findUniqueOrThrow({ where: { id: l3.id }, include: l3Include }),
    );
  });
}

/** Refused while NICs hold addresses from the range: they would keep IPs nobody owns. */
export async function deleteIpRange(
  db: Db,
  actor: Actor,
  rawInput: IpRangeIdInput,
): Promise<L3View> {
  requireAdmin(actor, "change L3 networks");
  const { ipRangeId } = ipRangeIdInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const range = await tx.ipRange.findUnique({
      where: { id: ipRangeId },
      include: { l3: { select: { id: true, name: true, l2Id: true } } },
    });
    if (!range) throw notFound("IP range", ipRangeId);
    await lockL2(tx, range.l3.l2Id);
    const bounds = toRange(range);
    const nics = await tx.vmNic.findMany({ where: { l3Id: range.l3.id }, select: { ip: true } });
    const inside = nics.filter((nic) => {
      const ip = toRange({ startIp: nic.ip, endIp: nic.ip }).start;
      return ip >= bounds.start && ip <= bounds.end;
    });
    if (inside.length > 0) {
      throw new DomainError(
        ErrorCode.NETWORK_IN_USE,
        "CONFLICT",
        `The range ${range.startIp}–${range.endIp} of L3 ${range.l3.name} cannot be removed: ${inside.length} NIC(s) have addresses in it.`,
        { nics: inside.length },
      );
    }
    await tx.ipRange.delete({ where: { id: ipRangeId } });
    await recordAudit(tx, actor, {
      action: "l3.deleteIpRange",
      targetType: "L3Network",
      targetId: range.l3.id,
      outcome: "Success",
      details: { startIp: range.startIp, endIp: range.endIp },
    });
    return view(
      tx,
      await tx.l3Network.findUniqueOrThrow({ where: { id: range.l3.id }, include: l3Include }),
    );
  });
}

/** Any signed-in actor may list L3s: tenants pick them for their VMs' NICs. */
export async function listL3Networks(
  db: Db,
  _actor: Actor,
  rawInput: ListL3Input,
): Promise<Page<L3View>> {
  const input = listL3Input.parse(rawInput);
  const where: Prisma.L3NetworkWhereInput = {
    ...(input.l2Id ? { l2Id: input.l2Id } : {}),
    ...(input.zoneId ? { l2: { zoneId: input.zoneId } } : {}),
    ...(input.category ? { category: input.category } : {}),
    ...(input.sriovEnabled !== undefined ? { sriovEnabled: input.sriovEnabled } : {}),
    ...(input.search ? { name: { contains: likeLiteral(input.search), mode: "insensitive" } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.l3Network.findMany({
      where,
      include: l3Include,
      orderBy: [{ [input.sort]: input.order }, { id: "asc" }],
      ...pageWindow(input),
    }),
    db.l3Network.count({ where }),
  ]);
  const counts = await nicCounts(
    db,
    rows.map((row) => row.id),
  );
  return toPage(
    rows.map((row) => toView(row, counts.get(row.id) ?? NO_NICS)),
    total,
    input,
  );
}

export async function getL3Network(db: Db, _actor: Actor, rawInput: L3IdInput): Promise<L3View> {
  const { l3Id } = l3IdInput.parse(rawInput);
  const row = await db.l3Network.findUnique({ where: { id: l3Id }, include: l3Include });
  if (!row) throw notFound("L3 network", l3Id);
  return view(db, row);
}
