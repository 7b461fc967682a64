import { z } from "zod";
import { Prisma, queryRows, type Db } from "@virtfn/db";
import { HostConnectionState, VfState, VirtualizationState } from "@virtfn/db/enums";
import { emptyStates } from "../sriov/queries";

// What the host list and the host page are made of: a host with its cluster's and zone's names,
// its PFs by name with their VF rows by state, its passthrough devices counted and its VMs
// counted, for a page of hosts in one statement through the pool (queryRows). Through Prisma 6.19
// a page of 25 hosts was a findMany with three relations, a count and a raw statement, 15-25 ms
// of Node CPU (it compiles each query in WebAssembly on the event loop and maps the rows there),
// against a few ms in Postgres: the part of these reads a busy machine stretches (issue 9).

const int = z.number().int();

const pfRow = z.object({
  id: z.string(),
  name: z.string().nullable(),
  pciAddress: z.string(),
  model: z.string(),
  driver: z.string(),
  mac: z.string().nullable(),
  linkUp: z.boolean(),
  speedMbps: int.nullable(),
  virtualizationState: z.enum(VirtualizationState),
  totalVfs: int,
  numVfs: int,
  desiredNumVfs: int.nullable(),
  bondName: z.string().nullable(),
  bondSlaves: z.array(z.string()),
  numaNode: int.nullable(),
  /** VF rows by state (Missing: held by NICs, not reported by the host); none absent. */
  vfStates: z
    .partialRecord(z.enum(VfState), int)
    .nullable()
    .transform((states) => ({ ...emptyStates(), ...states })),
});

export type HostPfRow = z.infer<typeof pfRow>;

const hostRow = z.object({
  id: z.string(),
  name: z.string(),
  clusterId: z.string(),
  clusterName: z.string(),
  zoneName: z.string(),
  agentUrl: z.string(),
  connectionState: z.enum(HostConnectionState),
  connectionReason: z.string().nullable(),
  lastSeenAt: z.date().nullable(),
  agentVersion: z.string().nullable(),
  agentBackend: z.string().nullable(),
  cpuModel: z.string().nullable(),
  cpuCount: int,
  memoryMiB: int,
  cpuVirtualization: z.string().nullable(),
  iommuEnabled: z.boolean(),
  iommuKernelArgSet: z.boolean(),
  iommuActive: z.boolean(),
  interruptRemapping: z.boolean(),
  allowUnsafeInterrupts: z.boolean(),
  rebootRequired: z.boolean(),
  maintenance: z.boolean(),
  maintenanceSince: z.date().nullable(),
  createdAt: z.date(),
  physicalNics: z.array(pfRow),
  /** Whole PCI devices marked assignable, and how many of them a VM holds. */
  pciAssignable: int,
  pciHeld: int,
  vmCount: int,
});

export type HostRow = z.infer<typeof hostRow>;

/**
 * The hosts `where` selects (a condition on `h`, a "Host" row), in `order` (over `h`), at most
 * `take`: one statement.
 */
export async function readHosts(
  db: Db,
  where: Prisma.Sql,
  order: Prisma.Sql,
  take: number,
): Promise<HostRow[]> {
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT h.id::text AS id, h.name, h."clusterId"::text AS "clusterId", c.name AS "clusterName",
           z.name AS "zoneName", h."agentUrl", h."connectionState", h."connectionReason",
           -- Prisma keeps timestamps as UTC in columns without a zone.
           h."lastSeenAt" AT TIME ZONE 'UTC' AS "lastSeenAt", h."agentVersion", h."agentBackend",
           h."cpuModel", h."cpuCount", h."memoryMiB", h."cpuVirtualization", h."iommuEnabled",
           h."iommuKernelArgSet", h."iommuActive", h."interruptRemapping",
           h."allowUnsafeInterrupts", h."rebootRequired", h.maintenance,
           h."maintenanceSince" AT TIME ZONE 'UTC' AS "maintenanceSince",
           h."createdAt" AT TIME ZONE 'UTC' AS "createdAt",
           COALESCE((
             SELECT json_agg(json_build_object(
                      'id', pf.id, 'name', pf.name, 'pciAddress', pf."pciAddress", 'model', pf.model,
                      'driver', pf.driver, 'mac', pf.mac, 'linkUp', pf."linkUp",
                      'speedMbps', pf."speedMbps", 'virtualizationState', pf."virtualizationState",
                      'totalVfs', pf."totalVfs", 'numVfs', pf."numVfs",
                      'desiredNumVfs', pf."desiredNumVfs", 'bondName', pf."bondName",
                      'bondSlaves', pf."bondSlaves", 'numaNode', pf."numaNode",
                      'vfStates', (SELECT json_object_agg(s.state, s.n)
                                     FROM (SELECT state, sum(n)::int AS n FROM "VfStateCount"
                                            WHERE "pfId" = pf.id GROUP BY state HAVING sum(n) <> 0) s))
                    ORDER BY pf.name)
               FROM "PhysicalNic" pf WHERE pf."hostId" = h.id), '[]'::json) AS "physicalNics",
           d.assignable AS "pciAssignable", d.held AS "pciHeld",
           (SELECT count(*)::int FROM "Vm" v WHERE v."hostId" = h.id) AS "vmCount"
      -- The page first, then its names and counts: joined before the limit, Postgres would
      -- join every host that matches and sort them all.
      FROM (SELECT * FROM "Host" h WHERE ${where} ORDER BY ${order} LIMIT ${take}) h
      JOIN "Cluster" c ON c.id = h."clusterId"
      JOIN "Zone" z ON z.id = c."zoneId"
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS assignable,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "VmPciDevice" v WHERE v."heldId" = p.id))::int AS held
          FROM "PciDevice" p WHERE p."hostId" = h.id AND p.assignable) d
     ORDER BY ${order}`,
  );
  return z.array(hostRow).parse(rows);
}

/** VFs of a PF that exist now (Missing ones are remembered, not counted) and how many are free. */
export function vfCountsOf(states: HostPfRow["vfStates"]): { total: number; available: number } {
  return {
    total: states.Available + states.Reserved + states.Attached + states.Releasing,
    available: states.Available,
  };
}
