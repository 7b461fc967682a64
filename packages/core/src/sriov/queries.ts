import { z } from "zod";
import { Prisma, queryRows, type Db, type VfState, type VirtualizationState } from "@virtfn/db";
import {
  HostConnectionState,
  L2Type,
  VirtualizationState as VirtualizationStates,
} from "@virtfn/db/enums";
import { pfLabel } from "../hosts/rules";
import { requireInventoryReader, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
import { cappedCount } from "../shared/pagination";
import { hostVfAvailability, type HostVfAvailability } from "./availability";
import { placementPool, poolFacts } from "./pools-queries";
import { interfaceTotals, l2Totals, vfNicsByL2, vfStateCounts } from "./capacity";
import { splitWarnings } from "./rules";
import { linkDownWarning, noVfsAnywhereWarnings, type SriovWarning } from "./warnings";
import {
  l2VfAvailabilityInput,
  sriovOverviewInput,
  vfAvailabilityInput,
  type L2VfAvailabilityInput,
  type SriovOverviewInput,
  type VfAvailabilityInput,
} from "./schemas";

// The read paths here go to Postgres through the pool (queryRows), each page of hosts with its
// PFs and their VF counts as one statement: Prisma 6.19 compiles every query in WebAssembly on the
// event loop and maps its rows there too, 26 ms of Node CPU for a page of 100 hosts and their 400
// PFs, which a busy machine stretches into the p99 (issue 9).

const int = z.number().int();

const availabilityPfRow = z.object({
  id: z.string(),
  name: z.string().nullable(),
  pciAddress: z.string(),
  model: z.string(),
  bondName: z.string().nullable(),
  bondSlaves: z.array(z.string()),
  totalVfs: int,
  numVfs: int,
  desiredNumVfs: int.nullable(),
  virtualizationState: z.enum(VirtualizationStates),
  linkUp: z.boolean(),
  vfTotal: int,
  vfAvailable: int,
  pools: z.array(placementPool).nullable(),
});

const availabilityHostRow = z.object({
  id: z.string(),
  name: z.string(),
  clusterId: z.string(),
  clusterName: z.string(),
  connectionState: z.enum(HostConnectionState),
  connectionReason: z.string().nullable(),
  iommuEnabled: z.boolean(),
  iommuKernelArgSet: z.boolean(),
  iommuActive: z.boolean(),
  rebootRequired: z.boolean(),
  maintenance: z.boolean(),
  physicalNics: z.array(availabilityPfRow),
});

type AvailabilityHostRow = z.infer<typeof availabilityHostRow>;

/**
 * Hosts (a page of them, never the fleet) that `where` selects (a condition on `h`, a "Host"
 * row), by name, with their PFs by name and the PFs' VF counts and pools: one statement.
 */
export async function availabilityHosts(
  db: Db,
  where: Prisma.Sql,
  take: number,
): Promise<AvailabilityHostRow[]> {
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT h.id::text AS id, h.name, h."clusterId"::text AS "clusterId", c.name AS "clusterName",
           h."connectionState", h."connectionReason", h."iommuEnabled", h."iommuKernelArgSet",
           h."iommuActive", h."rebootRequired", h.maintenance,
           COALESCE((
             SELECT json_agg(json_build_object(
                      'id', pf.id, 'name', pf.name, 'pciAddress', pf."pciAddress", 'model', pf.model,
                      'bondName', pf."bondName", 'bondSlaves', pf."bondSlaves",
                      'totalVfs', pf."totalVfs", 'numVfs', pf."numVfs",
                      'desiredNumVfs', pf."desiredNumVfs",
                      'virtualizationState', pf."virtualizationState", 'linkUp', pf."linkUp",
                      'vfTotal', vf.total, 'vfAvailable', vf.available, 'pools', pf.pools)
                    ORDER BY pf.name)
               FROM (SELECT pf.*, ${poolFacts} FROM "PhysicalNic" pf WHERE pf."hostId" = h.id) pf
               -- Missing VFs are remembered, not counted.
               CROSS JOIN LATERAL (
                 SELECT COALESCE(sum(s.n) FILTER (WHERE s.state <> 'Missing'), 0)::int AS total,
                        COALESCE(sum(s.n) FILTER (WHERE s.state = 'Available'), 0)::int AS available
                   FROM "VfStateCount" s WHERE s."pfId" = pf.id) vf), '[]'::json) AS "physicalNics"
      -- The page first, then its PFs: joined before the limit, Postgres would join every host
      -- that matches and sort them all.
      FROM (SELECT * FROM "Host" h WHERE ${where} ORDER BY h.name LIMIT ${take}) h
      JOIN "Cluster" c ON c.id = h."clusterId"
     ORDER BY h.name`,
  );
  return z.array(availabilityHostRow).parse(rows);
}

/** Hosts of the zone whose cluster is (or is not) attached to the L2, as a condition on `h`. */
export function zoneHostsAttached(zoneId: string, l2Id: string, attached: boolean): Prisma.Sql {
  const attachment = Prisma.sql`EXISTS (SELECT 1 FROM "L2ClusterAttachment" a
    WHERE a."clusterId" = h."clusterId" AND a."l2Id" = ${l2Id}::uuid)`;
  return Prisma.sql`h."clusterId" IN (SELECT id FROM "Cluster" WHERE "zoneId" = ${zoneId}::uuid)
    AND ${attached ? attachment : Prisma.sql`NOT ${attachment}`}`;
}

/** R3 over an L2's zone: the sums over the zone, and the first hosts, attached clusters first. */
export interface NetworkVfAvailability {
  l2Id: string;
  l2Name: string;
  physicalInterface: string;
  sriovEnabled: boolean;
  available: number;
  total: number;
  /** Hosts in the L2's zone, and how many of them have a free VF for this network now. */
  hostCount: number;
  offeringHosts: number;
  /**
   * The first `limit` hosts of the zone, attached clusters first, by name; hosts of clusters not
   * attached say CLUSTER_NOT_ATTACHED. `available` and `total` are over the whole zone.
   */
  hosts: HostVfAvailability[];
}

export interface L3VfAvailability extends NetworkVfAvailability {
  l3Id: string;
  l3Name: string;
}

const zoneL2Row = z.object({
  id: z.string(),
  name: z.string(),
  zoneId: z.string(),
  physicalInterface: z.string(),
  sriovEnabled: z.boolean(),
});

type ZoneL2 = z.infer<typeof zoneL2Row>;

/** zoneL2Row's columns of the L2 `l`. */
const zoneL2Columns = Prisma.sql`l.id::text AS id, l.name, l."zoneId"::text AS "zoneId",
  l."physicalInterface", l."sriovEnabled"`;

/**
 * The availability of an L2's interface over its zone, as an L3 on it (or the L2 itself, `l3`
 * null) offers it: two index-ordered pages of hosts (attached clusters first, each by name) and
 * the zone's sums from SQL, never the zone's rows. Which clusters are attached is asked in SQL
 * too: an L2 attached to every cluster of a large zone has hundreds of attachments, and reading
 * them made this path grow with the fleet.
 */
async function zoneAvailability(
  db: Db,
  l2: ZoneL2,
  l3: { name: string; sriovEnabled: boolean } | null,
  limit: number,
): Promise<NetworkVfAvailability> {
  const [first, totals] = await Promise.all([
    availabilityHosts(db, zoneHostsAttached(l2.zoneId, l2.id, true), limit),
    interfaceTotals(db, {
      l2Id: l2.id,
      zoneId: l2.zoneId,
      physicalInterface: l2.physicalInterface,
    }),
  ]);
  const rest =
    first.length < limit
      ? await availabilityHosts(
          db,
          zoneHostsAttached(l2.zoneId, l2.id, false),
          limit - first.length,
        )
      : [];
  const network = {
    l2Id: l2.id,
    l2Name: l2.name,
    // An L2 on its own is narrowed by no L3: its own flag decides (SRIOV_DISABLED names the L2).
    l3Name: l3?.name ?? l2.name,
    physicalInterface: l2.physicalInterface,
    l2SriovEnabled: l2.sriovEnabled,
    l3SriovEnabled: l3?.sriovEnabled ?? true,
    // The first page's clusters are attached, the rest's are not: what R3 needs for these hosts.
    attachedClusterIds: new Set(first.map((host) => host.clusterId)),
  };
  const sriovEnabled = network.l2SriovEnabled && network.l3SriovEnabled;
  return {
    l2Id: l2.id,
    l2Name: l2.name,
    physicalInterface: l2.physicalInterface,
    sriovEnabled,
    available: sriovEnabled ? totals.available : 0,
    total: totals.total,
    hostCount: totals.hostCount,
    offeringHosts: sriovEnabled ? totals.offeringHosts : 0,
    hosts: [...first, ...rest].map((host) => hostVfAvailability(host, network)),
  };
}

/**
 * R3: per host, how many VFs an L3 can hand out there, and in words why none when none. Hosts of
 * attached clusters come first.
 */
export async function vfAvailability(
  db: Db,
  actor: Actor,
  rawInput: VfAvailabilityInput,
): Promise<L3VfAvailability> {
  requireInventoryReader(actor);
  const { l3Id, limit } = vfAvailabilityInput.parse(rawInput);
  const [l3] = z
    .array(zoneL2Row.extend({ l3Id: z.string(), l3Name: z.string(), l3SriovEnabled: z.boolean() }))
    .parse(
      await queryRows(
        db,
        Prisma.sql`SELECT l3.id::text AS "l3Id", l3.name AS "l3Name", l3."sriovEnabled" AS "l3SriovEnabled",
                          ${zoneL2Columns}
                     FROM "L3Network" l3 JOIN "L2Network" l ON l.id = l3."l2Id"
                    WHERE l3.id = ${l3Id}::uuid`,
      ),
    );
  if (!l3) throw notFound("L3 network", l3Id);
  return {
    l3Id: l3.l3Id,
    l3Name: l3.l3Name,
    ...(await zoneAvailability(
      db,
      l3,
      { name: l3.l3Name, sriovEnabled: l3.l3SriovEnabled },
      limit,
    )),
  };
}

/** R3 on the L2 page: per host, the VFs its interface offers there (the L3 page's, for the L2). */
export async function l2VfAvailability(
  db: Db,
  actor: Actor,
  rawInput: L2VfAvailabilityInput,
): Promise<NetworkVfAvailability> {
  requireInventoryReader(actor);
  const { l2Id, limit } = l2VfAvailabilityInput.parse(rawInput);
  const [l2] = z
    .array(zoneL2Row)
    .parse(
      await queryRows(
        db,
        Prisma.sql`SELECT ${zoneL2Columns} FROM "L2Network" l WHERE l.id = ${l2Id}::uuid`,
      ),
    );
  if (!l2) throw notFound("L2 network", l2Id);
  return zoneAvailability(db, l2, null, limit);
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
  /** The PFs of the first hosts by name, at most `limit` of them. */
  pfs: PfUsage[];
  /** Splittable PFs in the zone, counted up to TOTAL_CAP (`pfCountExact` false beyond). */
  pfCount: number;
  pfCountExact: boolean;
  l2s: L2Usage[];
  /** SR-IOV on with no VFs on any host (sriov/warnings.ts), for the overview's banner. */
  warnings: SriovWarning[];
}

/** A PF's VF counts by state with none in any (the host page's allocation starts from it too). */
export function emptyStates(): Record<VfState, number> {
  return { Available: 0, Reserved: 0, Attached: 0, Releasing: 0, Missing: 0 };
}

/** VF rows per PF and state, from the counts the database keeps (sriov/capacity.ts). */
async function vfStatesByPf(
  db: Db,
  pfIds: string[],
): Promise<Map<string, Record<VfState, number>>> {
  const byPf = new Map(pfIds.map((id) => [id, emptyStates()]));
  for (const row of await vfStateCounts(db, pfIds)) {
    const states = byPf.get(row.pfId);
    if (states) states[row.state] = row.n;
  }
  return byPf;
}

/** Hosts of the zone, or every host; over the Host columns unqualified. */
function inZone(zoneId: string | null): Prisma.Sql {
  return zoneId
    ? Prisma.sql`"clusterId" IN (SELECT id FROM "Cluster" WHERE "zoneId" = ${zoneId}::uuid)`
    : Prisma.sql`true`;
}

/**
 * The overview's PFs: the splittable PFs of the first hosts by name (each host's by name), at
 * most `limit`. Postgres walks the hosts in name order and stops once it has them, so this
 * reads the hosts it shows, not `limit` hosts with all their PFs.
 */
async function firstSplittablePfs(
  db: Db,
  zoneId: string | null,
  limit: number,
): Promise<Array<{ hostId: string; pfId: string }>> {
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT h.id::text AS "hostId", pf.id::text AS "pfId"
    FROM (SELECT id, name FROM "Host" WHERE ${inZone(zoneId)} ORDER BY name LIMIT ${limit}) h
    CROSS JOIN LATERAL (
      SELECT p.id, p.name FROM "PhysicalNic" p
      WHERE p."hostId" = h.id AND p."virtualizationState" <> 'NotVirtualizable'
    ) pf
    ORDER BY h.name, pf.name
    LIMIT ${limit}`,
  );
  return z.array(z.object({ hostId: z.string(), pfId: z.string() })).parse(rows);
}

/**
 * Splittable PFs, at most `take`, counted in table order: Prisma's capped count walks the
 * primary key and reads a heap page per PF it counts.
 */
async function splittablePfCount(db: Db, zoneId: string | null, take: number): Promise<number> {
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM "PhysicalNic" p
      WHERE p."virtualizationState" <> 'NotVirtualizable'
        ${zoneId ? Prisma.sql`AND p."hostId" IN (SELECT id FROM "Host" WHERE ${inZone(zoneId)})` : Prisma.empty}
      LIMIT ${take}) c`,
  );
  return (
    z
      .array(z.object({ n: int }))
      .length(1)
      .parse(rows)[0]?.n ?? 0
  );
}

const overviewL2Row = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(L2Type),
  sriovEnabled: z.boolean(),
  physicalInterface: z.string(),
});

/** Async, so that a failure is a rejection Promise.all sees, never a throw while its list is built
 * (that would leave the queries already started with rejections no one handles). */
async function l2NetworksIn(db: Db, zoneId: string | null) {
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT l.id::text AS id, l.name, l.type, l."sriovEnabled", l."physicalInterface"
      FROM "L2Network" l ${zoneId ? Prisma.sql`WHERE l."zoneId" = ${zoneId}::uuid` : Prisma.empty}
     ORDER BY l.name`,
  );
  return z.array(overviewL2Row).parse(rows);
}

/** VF usage per PF and per L2: the data behind the SR-IOV dashboard chart. */
export async function sriovOverview(
  db: Db,
  actor: Actor,
  rawInput: SriovOverviewInput = {},
): Promise<SriovOverview> {
  requireInventoryReader(actor);
  const { zoneId, limit } = sriovOverviewInput.parse(rawInput);
  const [firstPfs, pfCount, l2Rows] = await Promise.all([
    firstSplittablePfs(db, zoneId ?? null, limit),
    cappedCount((take) => splittablePfCount(db, zoneId ?? null, take)),
    l2NetworksIn(db, zoneId ?? null),
  ]);
  const hostIds = [...new Set(firstPfs.map((row) => row.hostId))];
  const hosts = await availabilityHosts(
    db,
    Prisma.sql`h.id = ANY(${hostIds}::uuid[])`,
    hostIds.length,
  );
  const byId = new Map(hosts.map((host) => [host.id, host]));
  const shown = firstPfs.flatMap(({ hostId, pfId }) => {
    const host = byId.get(hostId);
    const pf = host?.physicalNics.find((nic) => nic.id === pfId);
    return host && pf ? [{ host, pf }] : [];
  });
  const l2Ids = l2Rows.map((l2) => l2.id);
  const [states, totals, vfNics] = await Promise.all([
    vfStatesByPf(
      db,
      shown.map(({ pf }) => pf.id),
    ),
    l2Totals(db, l2Ids),
    vfNicsByL2(db, l2Ids),
  ]);
  const pfs: PfUsage[] = shown.map(({ host, pf }) => {
    const splitSlaves = pf.bondName
      ? host.physicalNics
          .filter((other) => other.bondName === pf.bondName && other.numVfs > 0)
          .flatMap((other) => other.name ?? [])
      : [];
    return {
      pfId: pf.id,
      hostId: host.id,
      hostName: host.name,
      name: pfLabel(pf),
      model: pf.model,
      bondName: pf.bondName,
      virtualizationState: pf.virtualizationState,
      totalVfs: pf.totalVfs,
      numVfs: pf.numVfs,
      desiredNumVfs: pf.desiredNumVfs,
      vfs: states.get(pf.id) ?? emptyStates(),
      warnings: [
        ...splitWarnings({ ...pf, name: pfLabel(pf) }, splitSlaves),
        // One sentence or none (spreading the string itself would list its characters).
        ...[linkDownWarning(pf, host.name)].filter((warning) => warning !== null),
      ],
    };
  });
  const l2s: L2Usage[] = l2Rows.map((l2) => {
    const total = totals.get(l2.id);
    return {
      l2Id: l2.id,
      name: l2.name,
      type: l2.type,
      sriovEnabled: l2.sriovEnabled,
      physicalInterface: l2.physicalInterface,
      hosts: total?.hosts ?? 0,
      vfTotal: total?.vfTotal ?? 0,
      vfAvailable: total?.vfAvailable ?? 0,
      vfNics: vfNics.get(l2.id) ?? 0,
    };
  });
  return {
    pfs,
    pfCount: pfCount.total,
    pfCountExact: pfCount.exact,
    l2s,
    warnings: noVfsAnywhereWarnings(l2s),
  };
}
