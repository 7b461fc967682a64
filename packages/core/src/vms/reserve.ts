import { randomBytes, randomUUID } from "node:crypto";
import { Prisma, type NicType, type Tx } from "@virtfn/db";
import { toRange } from "../networks/addressing";
import { resolveInterface } from "../sriov/availability";
import { DomainError, ErrorCode } from "../shared/errors";

// Handing out VFs, IPs and MACs inside the caller's transaction. The database has the last word:
// SKIP LOCKED keeps concurrent reservations apart, and unique constraints refuse what slips by.

export interface ReservedVf {
  id: string;
  pciAddress: string;
  pfId: string;
}

const uuidList = (ids: string[]) => Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`));

/**
 * The PFs of a host that an L2's interface resolves to (a PF, or a bond's slaves), locked FOR
 * SHARE so that a split or restore (which locks the PF FOR UPDATE) waits for this transaction
 * and then counts our VFs as in use; PFs busy with a pf.* operation are left out.
 */
export async function usablePfIds(
  tx: Tx,
  hostId: string,
  physicalInterface: string,
): Promise<string[]> {
  const pfs = await tx.physicalNic.findMany({
    where: { hostId },
    select: { id: true, name: true, bondName: true },
  });
  const ids = resolveInterface(pfs, physicalInterface).map((pf) => pf.id);
  if (ids.length === 0) return [];
  await tx.$queryRaw`SELECT id FROM "PhysicalNic" WHERE id IN (${uuidList(ids)}) FOR SHARE`;
  const busy = await tx.operation.findMany({
    where: {
      targetType: "PhysicalNic",
      targetId: { in: ids },
      status: { in: ["Pending", "Running"] },
    },
    select: { targetId: true },
  });
  const busyIds = new Set(busy.map((op) => op.targetId));
  return ids.filter((id) => !busyIds.has(id));
}

/** Who a VF is for: its pool must admit this L2 and project (sriov/pools.ts). */
export interface VfFor {
  l2Id: string;
  projectId: string;
}

/**
 * Reserves one Available VF of these PFs that its pool (if any) lets through to `vfFor`:
 * `prefer` (the NIC's previous VF, R8) if it is free, else the first free one that no concurrent
 * transaction has locked. Null when there is none. The pool filter (virtfn_vf_open) is in the
 * statement that locks the VF, so it holds under concurrency.
 */
export async function reserveVf(
  tx: Tx,
  pfIds: string[],
  vfFor: VfFor,
  prefer: string | null = null,
): Promise<ReservedVf | null> {
  if (pfIds.length === 0) return null;
  const open = Prisma.sql`virtfn_vf_open("pfId", "index", ${vfFor.l2Id}::uuid, ${vfFor.projectId}::uuid)`;
  if (prefer) {
    const same = await tx.$queryRaw<ReservedVf[]>`
      UPDATE "VirtualFunction" SET state = 'Reserved', "stateChangedAt" = now()
      WHERE id IN (
        SELECT id FROM "VirtualFunction"
        WHERE id = ${prefer}::uuid AND state = 'Available' AND "pfId" IN (${uuidList(pfIds)})
          AND ${open}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, "pciAddress", "pfId"`;
    if (same[0]) return same[0];
  }
  const rows = await tx.$queryRaw<ReservedVf[]>`
    UPDATE "VirtualFunction" SET state = 'Reserved', "stateChangedAt" = now()
    WHERE id IN (
      SELECT id FROM "VirtualFunction"
      WHERE state = 'Available' AND "pfId" IN (${uuidList(pfIds)}) AND ${open}
      ORDER BY "pfId", "index"
      LIMIT 1
      FOR UPDATE SKIP LOCKED)
    RETURNING id, "pciAddress", "pfId"`;
  return rows[0] ?? null;
}

export function noVfError(
  l3Name: string,
  where: string | null,
  details: Record<string, unknown> = {},
): DomainError {
  const suffix = where ? ` ${where}` : "";
  return new DomainError(
    ErrorCode.NO_VF_AVAILABLE,
    "CONFLICT",
    `no available VF on L3 ${l3Name}${suffix}`,
    {
      l3: l3Name,
      ...details,
    },
  );
}

/** A locally administered QEMU MAC, 52:54:00:xx:xx:xx. */
export function randomMac(): string {
  const bytes = randomBytes(3);
  return `52:54:00:${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join(":")}`;
}

export interface L3Addressing {
  id: string;
  gateway: string | null;
  ipRanges: Array<{ startIp: string; endIp: string }>;
}

/**
 * An L3's address ranges as segments to walk in order: from a random address (or the first) to
 * the end of its range, the ranges after it, the ranges before it, then the head of its own range.
 * Starting at random keeps concurrent creates on one L3 from all trying the same address.
 */
export function addressSegments(
  ipRanges: Array<{ startIp: string; endIp: string }>,
  fromStart = false,
): Array<{ lo: number; hi: number }> {
  const ranges = ipRanges.map(toRange).sort((a, b) => a.start - b.start);
  const size = ranges.reduce((sum, range) => sum + range.end - range.start + 1, 0);
  if (size === 0) return [];
  let offset = fromStart ? 0 : Math.floor(Math.random() * size);
  let pivot = 0;
  for (; pivot < ranges.length; pivot += 1) {
    const length = (ranges[pivot]?.end ?? 0) - (ranges[pivot]?.start ?? 0) + 1;
    if (offset < length) break;
    offset -= length;
  }
  const at = ranges[pivot];
  if (!at) return [];
  const split = at.start + offset;
  return [
    { lo: split, hi: at.end },
    ...ranges.slice(pivot + 1).map((r) => ({ lo: r.start, hi: r.end })),
    ...ranges.slice(0, pivot).map((r) => ({ lo: r.start, hi: r.end })),
    ...(split > at.start ? [{ lo: at.start, hi: split - 1 }] : []),
  ];
}

/**
 * Up to `want` free addresses of an L3, probed through the (l3Id, ip) unique index from a random
 * point of its ranges, wrapping around: the first probes nearly always hit, so the cost follows
 * the number of addresses wanted, not the number of NICs on the L3 (freeIps reads them all).
 * Starting at random also keeps concurrent creates on one L3 from all trying the same address.
 */
export async function probeFreeIps(
  tx: Tx,
  l3: L3Addressing,
  want: number,
  options: { fromStart?: boolean } = {},
): Promise<string[]> {
  const segments = addressSegments(l3.ipRanges, options.fromStart === true);
  if (segments.length === 0 || want <= 0) return [];
  const values = Prisma.join(
    segments.map(
      (segment, i) =>
        Prisma.sql`(${i}::int, ${String(segment.lo)}::bigint, ${String(segment.hi)}::bigint)`,
    ),
  );
  // generate_series in the select list runs value per call, so the LIMIT stops it early (in FROM,
  // it would materialize the whole range first); OFFSET 0 keeps each NOT EXISTS a per-address
  // index probe instead of an anti-join that hashes every NIC of the L3.
  const rows = await tx.$queryRaw<Array<{ ip: string }>>`
    SELECT host('0.0.0.0'::inet + x.g) AS ip
    FROM (SELECT generate_series(s.lo, s.hi) AS g FROM (VALUES ${values}) AS s(ord, lo, hi)) AS x
    WHERE NOT EXISTS (SELECT 1 FROM "VmNic" n
                      WHERE n."l3Id" = ${l3.id}::uuid AND n.ip = host('0.0.0.0'::inet + x.g) OFFSET 0)
      AND NOT EXISTS (SELECT 1 FROM "Eip" e
                      WHERE e."vipL3Id" = ${l3.id}::uuid AND e.ip = host('0.0.0.0'::inet + x.g) OFFSET 0)
      AND host('0.0.0.0'::inet + x.g) IS DISTINCT FROM ${l3.gateway}::text
    LIMIT ${want}`;
  return rows.map((row) => row.ip);
}

/**
 * Free addresses of an L3 near the start of its ranges, leaving out `exclude` (addresses a caller
 * already lost a race for). The caller picks one at random among them, so that concurrent
 * requests on one L3 rarely pick the same one (the unique index refuses, and the caller retries).
 * Probed by index like probeFreeIps, from the first address instead of a random one: the cost
 * follows the addresses looked at, not the NICs and EIPs of the L3.
 */
export async function freeIps(
  tx: Tx,
  l3Id: string,
  exclude: ReadonlySet<string>,
  want = 32,
): Promise<string[]> {
  const l3 = await tx.l3Network.findUnique({
    where: { id: l3Id },
    select: { id: true, gateway: true, ipRanges: { select: { startIp: true, endIp: true } } },
  });
  if (!l3) return [];
  const found = await probeFreeIps(tx, l3, want + exclude.size, { fromStart: true });
  return found.filter((ip) => !exclude.has(ip)).slice(0, want);
}

export interface NewNic {
  vmId: string;
  l3Id: string;
  l3Name: string;
  deviceIndex: number;
  type: NicType;
  isDefault: boolean;
  queues: number;
  vfId: string | null;
}

/**
 * Inserts a NIC with a free IP of its L3 and a fresh MAC. ON CONFLICT DO NOTHING (createMany with
 * skipDuplicates) keeps the transaction usable when a concurrent request took the same IP or
 * MAC; then another candidate is tried.
 */
export async function insertNic(
  tx: Tx,
  nic: NewNic,
  addressing?: L3Addressing,
): Promise<{ id: string; ip: string; mac: string }> {
  const l3 =
    addressing ??
    (await tx.l3Network.findUnique({
      where: { id: nic.l3Id },
      select: { id: true, gateway: true, ipRanges: { select: { startIp: true, endIp: true } } },
    }));
  for (let attempt = 0; attempt < 8 && l3; attempt += 1) {
    const candidates = await probeFreeIps(tx, l3, 4);
    if (candidates.length === 0) break;
    for (const ip of candidates) {
      const id = randomUUID();
      const mac = randomMac();
      const { l3Name: _l3Name, ...data } = nic;
      const { count } = await tx.vmNic.createMany({
        data: [{ id, ip, mac, ...data }],
        skipDuplicates: true,
      });
      if (count === 1) return { id, ip, mac };
    }
  }
  throw new DomainError(
    ErrorCode.NO_IP_AVAILABLE,
    "CONFLICT",
    `no free IP address on L3 ${nic.l3Name}`,
    { l3: nic.l3Name },
  );
}

/**
 * Lets go of the VFs these NICs hold: NIC.vfId cleared (remembered in lastVfId when `remember`,
 * R8), VF to Releasing until its reset (then Available). Compare-and-set on the NIC's vfId, so a retried job is a no-op.
 */
export async function releaseNicVfs(
  tx: Tx,
  nics: Array<{ id: string; vfId: string | null }>,
  remember: boolean,
): Promise<number> {
  let released = 0;
  for (const nic of nics) {
    if (!nic.vfId) continue;
    const { count } = await tx.vmNic.updateMany({
      where: { id: nic.id, vfId: nic.vfId },
      data: remember ? { vfId: null, lastVfId: nic.vfId } : { vfId: null },
    });
    if (count === 0) continue;
    // A Missing VF stays Missing (its PF lost it). Anything else waits in Releasing until the
    // agent has reset its port (vf-ports.ts: finishVfReleases): handing it out before that is
    // the sriov-cni reset race, where the last holder's reset lands on the next holder's VF.
    await tx.virtualFunction.updateMany({
      where: { id: nic.vfId, state: { not: "Missing" } },
      data: { state: "Releasing", mac: null, stateChangedAt: new Date() },
    });
    await tx.virtualFunction.deleteMany({ where: { id: nic.vfId, state: "Missing" } });
    released += 1;
  }
  return released;
}
