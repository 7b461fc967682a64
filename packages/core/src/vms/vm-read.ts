import { z } from "zod";
import { Prisma, queryRows, type Db } from "@virtfn/db";
import {
  L3Category,
  NicType,
  VfLinkState,
  VfState,
  VmState,
  VnicModel,
  VnicMode,
} from "@virtfn/db/enums";
import { canSeeInventory, type Actor } from "../shared/actor";

// What the VM page is made of: the VM with its project, host, offering and image names, its NICs
// with their L3 and L2, VF, QoS, security groups and EIP, its passthrough devices, its last
// failed and its active operation, in one statement through the pool (queryRows). Through
// Prisma 6.19 this was a findFirst nested four deep and two more queries, about 12.5 ms of Node
// CPU per call (each query compiled in WebAssembly on the event loop): issue 9's tail.

const int = z.number().int();
/** A timestamp inside json_build_object: text with its offset (read AT TIME ZONE 'UTC'). */
const jsonDate = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

const nicRow = z.object({
  id: z.string(),
  deviceIndex: int,
  type: z.enum(NicType),
  mac: z.string(),
  ip: z.string(),
  isDefault: z.boolean(),
  model: z.enum(VnicModel),
  mode: z.enum(VnicMode),
  queues: int,
  migratable: z.boolean(),
  vfTrust: z.boolean(),
  vfLinkState: z.enum(VfLinkState),
  vfQueryRss: z.boolean(),
  l3: z.object({
    id: z.string(),
    name: z.string(),
    category: z.enum(L3Category),
    sriovEnabled: z.boolean(),
    vfAllowTrust: z.boolean().nullable(),
    vfSpoofCheck: z.boolean().nullable(),
    l2: z.object({
      name: z.string(),
      sriovEnabled: z.boolean(),
      vlanId: int.nullable(),
      vfAllowTrust: z.boolean(),
      vfSpoofCheck: z.boolean(),
    }),
  }),
  vf: z
    .object({
      id: z.string(),
      pciAddress: z.string(),
      state: z.enum(VfState),
      numaNode: int.nullable(),
      portObserved: z.json().nullable(),
      portObservedAt: jsonDate.nullable(),
    })
    .nullable(),
  qos: z.object({ inboundKbps: int.nullable(), outboundKbps: int.nullable() }).nullable(),
  securityGroups: z.array(z.object({ id: z.string(), name: z.string() })),
  eip: z.object({ id: z.string(), name: z.string(), ip: z.string() }).nullable(),
});

export type VmNicRow = z.infer<typeof nicRow>;

const vmRow = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  state: z.enum(VmState),
  desiredState: z.enum(VmState),
  hostId: z.string().nullable(),
  hostName: z.string().nullable(),
  clusterId: z.string().nullable(),
  numaNode: int.nullable(),
  createdAt: z.date(),
  offering: z.object({ id: z.string(), name: z.string(), vcpus: int, memoryMiB: int }),
  image: z.object({ id: z.string(), name: z.string() }),
  nics: z.array(nicRow),
  pciAddresses: z.array(z.string()),
  lastError: z
    .object({
      operationId: z.string(),
      kind: z.string(),
      code: z.string().nullable(),
      message: z.string().nullable(),
    })
    .nullable(),
  activeOperation: z
    .object({
      id: z.string(),
      kind: z.string(),
      status: z.string(),
      progress: int,
      progressMessage: z.string(),
      progressPhase: z.string().nullable(),
      progressDone: int.nullable(),
      progressTotal: int.nullable(),
    })
    .nullable(),
});

export type VmRow = z.infer<typeof vmRow>;

/** The VM `vmId` if `actor` may see it (R15), else null: one statement. */
export async function readVm(db: Db, actor: Actor, vmId: string): Promise<VmRow | null> {
  const visible = canSeeInventory(actor)
    ? Prisma.sql`TRUE`
    : Prisma.sql`v."projectId" = ANY(${actor.projectIds}::uuid[])`;
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT v.id::text AS id, v.name, v."projectId"::text AS "projectId", p.name AS "projectName",
           v.state, v."desiredState", v."hostId"::text AS "hostId", h.name AS "hostName",
           v."clusterId"::text AS "clusterId", v."numaNode",
           -- Prisma keeps timestamps as UTC in columns without a zone.
           v."createdAt" AT TIME ZONE 'UTC' AS "createdAt",
           json_build_object('id', o.id, 'name', o.name, 'vcpus', o.vcpus,
                             'memoryMiB', o."memoryMiB") AS offering,
           json_build_object('id', i.id, 'name', i.name) AS image,
           COALESCE((
             SELECT json_agg(json_build_object(
                      'id', n.id, 'deviceIndex', n."deviceIndex", 'type', n.type, 'mac', n.mac,
                      'ip', n.ip, 'isDefault', n."isDefault", 'model', n.model, 'mode', n.mode,
                      'queues', n.queues, 'migratable', n.migratable, 'vfTrust', n."vfTrust",
                      'vfLinkState', n."vfLinkState", 'vfQueryRss', n."vfQueryRss",
                      'l3', json_build_object(
                        'id', l3.id, 'name', l3.name, 'category', l3.category,
                        'sriovEnabled', l3."sriovEnabled", 'vfAllowTrust', l3."vfAllowTrust",
                        'vfSpoofCheck', l3."vfSpoofCheck",
                        'l2', json_build_object(
                          'name', l2.name, 'sriovEnabled', l2."sriovEnabled", 'vlanId', l2."vlanId",
                          'vfAllowTrust', l2."vfAllowTrust", 'vfSpoofCheck', l2."vfSpoofCheck")),
                      'vf', CASE WHEN vf.id IS NULL THEN NULL ELSE json_build_object(
                        'id', vf.id, 'pciAddress', vf."pciAddress", 'state', vf.state,
                        'numaNode', pf."numaNode", 'portObserved', vf."portObserved",
                        'portObservedAt', vf."portObservedAt" AT TIME ZONE 'UTC') END,
                      'qos', CASE WHEN q."nicId" IS NULL THEN NULL ELSE json_build_object(
                        'inboundKbps', q."inboundKbps", 'outboundKbps', q."outboundKbps") END,
                      'securityGroups', COALESCE((
                        SELECT json_agg(json_build_object('id', sg.id, 'name', sg.name)
                                        ORDER BY sg.name, sg.id)
                          FROM "SecurityGroupMember" m
                          JOIN "SecurityGroup" sg ON sg.id = m."securityGroupId"
                         WHERE m."nicId" = n.id), '[]'::json),
                      'eip', (SELECT json_build_object('id', e.id, 'name', e.name, 'ip', e.ip)
                                FROM "Eip" e WHERE e."nicId" = n.id))
                    ORDER BY n."deviceIndex")
               FROM "VmNic" n
               JOIN "L3Network" l3 ON l3.id = n."l3Id"
               JOIN "L2Network" l2 ON l2.id = l3."l2Id"
               LEFT JOIN "VirtualFunction" vf ON vf.id = n."vfId"
               LEFT JOIN "PhysicalNic" pf ON pf.id = vf."pfId"
               LEFT JOIN "NicQos" q ON q."nicId" = n.id
              WHERE n."vmId" = v.id), '[]'::json) AS nics,
           ARRAY(SELECT d."pciAddress" FROM "VmPciDevice" a
                   JOIN "PciDevice" d ON d.id = a."pciDeviceId"
                  WHERE a."vmId" = v.id ORDER BY a."createdAt", a.id) AS "pciAddresses",
           (SELECT json_build_object('operationId', f.id, 'kind', f.kind, 'code', f."errorCode",
                                     'message', f."errorMessage")
              FROM "Operation" f
             WHERE f."targetType" = 'Vm' AND f."targetId" = v.id::text AND f.status = 'Failed'
             ORDER BY f."createdAt" DESC LIMIT 1) AS "lastError",
           (SELECT json_build_object('id', a.id, 'kind', a.kind, 'status', a.status,
                                     'progress', a.progress, 'progressMessage', a."progressMessage",
                                     'progressPhase', a."progressPhase",
                                     'progressDone', a."progressDone",
                                     'progressTotal', a."progressTotal")
              FROM "Operation" a
             WHERE a."targetType" = 'Vm' AND a."targetId" = v.id::text
               AND a.status IN ('Pending', 'Running')
             ORDER BY a."createdAt" LIMIT 1) AS "activeOperation"
      FROM "Vm" v
      JOIN "Project" p ON p.id = v."projectId"
      JOIN "InstanceOffering" o ON o.id = v."offeringId"
      JOIN "Image" i ON i.id = v."imageId"
      LEFT JOIN "Host" h ON h.id = v."hostId"
     WHERE v.id = ${vmId}::uuid AND ${visible}`,
  );
  const [row] = z.array(vmRow).parse(rows);
  return row ?? null;
}
