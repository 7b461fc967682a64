import { randomUUID } from "node:crypto";
import {
  Prisma,
  queryRows,
  type Db,
  type DbOrTx,
  type Operation,
  type VfNumaPolicy,
  type Vm,
} from "@virtfn/db";
import { z } from "zod";
import { VmState } from "@virtfn/db/enums";
import { OperationKinds } from "../operations/kinds";
import { writtenOperation } from "../operations/written";
import { givePciDevices, hostOfPciDevices } from "../passthru/reserve";
import type { Actor } from "../shared/actor";
import { isUniqueViolation, retryTransaction } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { requireProjectWriter, TX_OPTIONS } from "./access";
import { rebuildFdbRows } from "./fdb";
import { hostHint, notePlacement, noteRefusal, refreshHint } from "./hint";
import { numaNodeFor, wantsNumaNode } from "./numa";
import {
  judgeHost,
  pickQualifyingHost,
  placementError,
  reservationCalls,
  reservationCtes,
  reservationOutcome,
  reservationResult,
  tryOrder,
  type CreateDemand,
  type HostReason,
  type VfNetwork,
  type VfRequest,
} from "./placement";
import { addressSegments, randomMac, type ReservedVf } from "./reserve";
import { defaultNicIndex, queuesFor } from "./rules";
import { placementHosts, type PlacementHost } from "./scheduler";
import { createVmInput, type CreateVmInput } from "./schemas";

// createVm, the hot path of placement. Per create: one statement for what the request names, a
// host snapshot shared by concurrent creates for a moment (a hint: the locked re-check decides),
// and one statement that locks the host, re-checks, reserves the VFs and writes the VM, its NICs,
// the operation with its outbox entry and the audit event, all or nothing. Only when that host
// refuses does the create fall back to a fresh snapshot and try every qualifying host in turn.

export interface VmOperation {
  vm: Pick<Vm, "id" | "name" | "projectId" | "state" | "desiredState" | "hostId" | "clusterId">;
  operation: Operation;
}

export function noHost(rejected: Array<{ host: string; reason: string }>, why?: string) {
  const detail =
    why ??
    (rejected.length === 0
      ? "there are no hosts"
      : rejected.map((r) => `${r.host}: ${r.reason}`).join("; "));
  return new DomainError(
    ErrorCode.NO_HOST_AVAILABLE,
    "CONFLICT",
    `No host can run this VM: ${detail}.`,
    { rejected },
  );
}

/** A VF NIC needs SR-IOV on its L3 and on the L3's L2 (R1, R2). */
export function requireSriovL3(l3: {
  name: string;
  sriovEnabled: boolean;
  l2: { name: string; sriovEnabled: boolean };
}): void {
  if (!l3.sriovEnabled || !l3.l2.sriovEnabled) {
    const where = l3.l2.sriovEnabled ? `L3 ${l3.name}` : `L2 ${l3.l2.name} of L3 ${l3.name}`;
    throw new DomainError(
      ErrorCode.L3_SRIOV_DISABLED,
      "BAD_REQUEST",
      `SR-IOV is not enabled on ${where}: a NIC there cannot be a VF.`,
      {
        l3: l3.name,
      },
    );
  }
}

const l3Row = z.object({
  id: z.string(),
  name: z.string(),
  sriovEnabled: z.boolean(),
  gateway: z.string().nullable(),
  l2Id: z.string(),
  ipRanges: z.array(z.object({ startIp: z.string(), endIp: z.string() })),
  l2: z.object({
    name: z.string(),
    sriovEnabled: z.boolean(),
    physicalInterface: z.string(),
    clusterIds: z.array(z.string()),
  }),
});
type L3Row = z.infer<typeof l3Row>;

const named = z.object({ id: z.string(), name: z.string() });
const references = z.object({
  project: z.object({ id: z.string() }).nullable(),
  offering: named
    .extend({
      vcpus: z.number(),
      memoryMiB: z.number(),
      vfNumaPolicy: z.enum(["none", "preferred", "required"]),
    })
    .nullable(),
  image: named.nullable(),
  l3s: z.array(l3Row),
});

/** What a create names (project, offering, image, L3s with their L2 and its clusters), at once. */
async function loadReferences(db: Db, input: z.output<typeof createVmInput>) {
  const l3Ids = [...new Set(input.nics.map((nic) => nic.l3Id))];
  const [row] = await queryRows(
    db,
    Prisma.sql`
    SELECT
      (SELECT jsonb_build_object('id', id) FROM "Project" WHERE id = ${input.projectId}::uuid) AS project,
      (SELECT jsonb_build_object('id', id, 'name', name, 'vcpus', vcpus, 'memoryMiB', "memoryMiB",
                                 'vfNumaPolicy', "vfNumaPolicy")
       FROM "InstanceOffering" WHERE id = ${input.offeringId}::uuid) AS offering,
      (SELECT jsonb_build_object('id', id, 'name', name) FROM "Image" WHERE id = ${input.imageId}::uuid) AS image,
      (SELECT COALESCE(jsonb_agg(jsonb_build_object(
         'id', l3.id, 'name', l3.name, 'sriovEnabled', l3."sriovEnabled", 'gateway', l3.gateway,
         'l2Id', l3."l2Id",
         'ipRanges', (SELECT COALESCE(jsonb_agg(jsonb_build_object('startIp', r."startIp", 'endIp', r."endIp")), '[]')
                      FROM "IpRange" r WHERE r."l3Id" = l3.id),
         'l2', jsonb_build_object(
           'name', l2.name, 'sriovEnabled', l2."sriovEnabled", 'physicalInterface', l2."physicalInterface",
           'clusterIds', (SELECT COALESCE(jsonb_agg(a."clusterId"), '[]')
                          FROM "L2ClusterAttachment" a WHERE a."l2Id" = l2.id)))), '[]')
       FROM "L3Network" l3 JOIN "L2Network" l2 ON l2.id = l3."l2Id"
       WHERE l3.id = ANY (${l3Ids}::uuid[])) AS l3s`,
  );
  const refs = references.parse(row);
  if (!refs.project) throw notFound("Project", input.projectId);
  if (!refs.offering) throw notFound("Instance offering", input.offeringId);
  if (!refs.image) throw notFound("Image", input.imageId);
  const byId = new Map(refs.l3s.map((l3) => [l3.id, l3]));
  for (const id of l3Ids) if (!byId.has(id)) throw notFound("L3 network", id);
  return { project: refs.project, offering: refs.offering, image: refs.image, l3s: byId };
}

/** The networks a create needs, one per L2, with the VF NICs wanted on each (in NIC order). */
function createDemand(
  offering: { vcpus: number; memoryMiB: number; vfNumaPolicy: VfNumaPolicy },
  nics: Array<{ l3: L3Row; sriov: boolean }>,
): CreateDemand {
  const networks = new Map<string, VfNetwork>();
  for (const nic of nics) {
    const network = networks.get(nic.l3.l2Id) ?? {
      l2Id: nic.l3.l2Id,
      physicalInterface: nic.l3.l2.physicalInterface,
      clusterIds: new Set(nic.l3.l2.clusterIds),
      l3Name: nic.l3.name,
      vfs: 0,
    };
    if (nic.sriov && network.vfs === 0) network.l3Name = nic.l3.name;
    if (nic.sriov) network.vfs += 1;
    networks.set(nic.l3.l2Id, network);
  }
  return {
    vcpus: offering.vcpus,
    memoryMiB: offering.memoryMiB,
    networks: [...networks.values()],
    numaPolicy: offering.vfNumaPolicy,
  };
}

const isoDate = z.coerce.date();
const operationRow = writtenOperation.extend({
  projectId: z.string().nullable(),
  requesterId: z.string().nullable(),
  input: z.json(),
  idempotencyKey: z.string().nullable(),
  updatedAt: isoDate,
});
const vmState = z.enum(VmState);
const placedRow = z.object({
  vm: z
    .object({
      id: z.string(),
      name: z.string(),
      projectId: z.string(),
      state: vmState,
      desiredState: vmState,
      hostId: z.string().nullable(),
      clusterId: z.string().nullable(),
    })
    .nullable(),
  operation: operationRow.nullable(),
  nics: z.number(),
});

interface Plan {
  actor: Actor;
  name: string;
  projectId: string;
  offering: { id: string; name: string; vcpus: number; memoryMiB: number };
  image: { id: string; name: string };
  nics: Array<{ l3: L3Row; sriov: boolean }>;
  defaultIndex: number;
  demand: CreateDemand;
  requests: VfRequest[];
  /** Whole devices to hold (issue 17); they pin the VM to their host. */
  pciDeviceIds: string[];
}

type Attempt =
  | {
      ok: true;
      result: VmOperation;
      reserved: Map<number, ReservedVf>;
      numaNode: number | null;
    }
  | { ok: false; refusal: HostReason; numaNode: number | null };

/**
 * One statement: lock the host and its PFs, re-check and reserve (reservationCtes), and only if
 * that reserved everything, insert the VM, its NICs holding their VFs, the vm.create operation,
 * the audit event and (the top-level INSERT, whose rule wakes the dispatchers) the outbox entry.
 * A refusal writes nothing; a taken name or address fails the whole statement.
 */
async function placeOnHost(
  db: DbOrTx,
  plan: Plan,
  host: PlacementHost,
  numaNode: number | null,
): Promise<Attempt> {
  const calls = reservationCalls(host, plan.demand, numaNode);
  const vmId = randomUUID();
  const operationId = randomUUID();
  const vfNicOrder = new Map<string, number[]>();
  for (const request of plan.requests) {
    const list = vfNicOrder.get(request.network.l2Id) ?? [];
    list.push(request.index);
    vfNicOrder.set(request.network.l2Id, list);
  }
  // Which reservation (call) and which of its VFs (1-based) each VF NIC takes; NICs on one L3
  // share a random starting address and take the 1st, 2nd, … free one from there.
  const starts = new Map<string, Array<{ lo: number; hi: number }>>();
  const onL3 = new Map<string, number>();
  const nics = plan.nics.map((nic, index) => {
    const callIndex = calls.findIndex((call) => call.network?.l2Id === nic.l3.l2Id);
    const slot = nic.sriov ? (vfNicOrder.get(nic.l3.l2Id) ?? []).indexOf(index) + 1 : 0;
    const segments = starts.get(nic.l3.id) ?? addressSegments(nic.l3.ipRanges);
    starts.set(nic.l3.id, segments);
    const skip = onL3.get(nic.l3.id) ?? 0;
    onL3.set(nic.l3.id, skip + 1);
    return {
      id: randomUUID(),
      deviceIndex: index,
      l3Id: nic.l3.id,
      l3Name: nic.l3.name,
      type: nic.sriov ? "VF" : "VNIC",
      isDefault: index === plan.defaultIndex,
      queues: nic.sriov ? 1 : queuesFor(plan.offering.vcpus),
      mac: randomMac(),
      gateway: nic.l3.gateway,
      segments,
      skip,
      call: nic.sriov ? callIndex : -1,
      slot,
    };
  });
  const vfs = calls.map(
    (_, i) =>
      Prisma.sql`SELECT ${i}::int AS call, x.ord::int AS slot, (x.e->>'id')::uuid AS id,
                        x.e->>'pciAddress' AS "pciAddress"
                 FROM ${Prisma.raw(`reserved_${i}`)} rv,
                      jsonb_array_elements(rv.r->'vfs') WITH ORDINALITY AS x(e, ord)`,
  );
  const ok = Prisma.join(
    calls.map(
      (_, i) =>
        Prisma.sql`(SELECT r IS NOT NULL AND r->>'refusal' IS NULL FROM ${Prisma.raw(`reserved_${i}`)})`,
    ),
    " AND ",
  );
  const { actor } = plan;
  // Addresses are picked before the host is locked, and nothing is reserved unless every NIC got
  // one. They are only candidates: one a concurrent create took fails the statement on the
  // (l3Id, ip) unique index, and the create runs again.
  const rows = await queryRows(
    db,
    Prisma.sql`
    WITH wanted AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(nics)}::jsonb) AS w(
        id uuid, "deviceIndex" int, "l3Id" uuid, "l3Name" text, type text, "isDefault" boolean,
        queues int, mac text, gateway text, segments jsonb, skip int, call int, slot int)),
    addr AS MATERIALIZED (
      SELECT w.id, a.ip FROM wanted w
      -- generate_series in the select list runs value per call, so the LIMIT stops at the first
      -- free addresses; OFFSET 0 keeps each NOT EXISTS a per-address index probe.
      CROSS JOIN LATERAL (
        SELECT host('0.0.0.0'::inet + x.g) AS ip
        FROM (SELECT generate_series(s.lo, s.hi) AS g
              FROM jsonb_to_recordset(w.segments) AS s(lo bigint, hi bigint)) AS x
        WHERE NOT EXISTS (SELECT 1 FROM "VmNic" o
                          WHERE o."l3Id" = w."l3Id" AND o.ip = host('0.0.0.0'::inet + x.g) OFFSET 0)
          AND NOT EXISTS (SELECT 1 FROM "Eip" e
                          WHERE e."vipL3Id" = w."l3Id" AND e.ip = host('0.0.0.0'::inet + x.g) OFFSET 0)
          AND host('0.0.0.0'::inet + x.g) IS DISTINCT FROM w.gateway
        LIMIT 1 OFFSET w.skip) a),
    ${reservationCtes(host, plan.demand, calls, Prisma.sql`(SELECT count(*) FROM addr) = ${nics.length}`)},
    placed AS (SELECT ${ok} AS ok),
    vf AS (${Prisma.join(vfs, " UNION ALL ")}),
    vm AS (
      INSERT INTO "Vm" (id, "projectId", name, "offeringId", "imageId", state, "desiredState",
                        "hostId", "clusterId", "numaNode", "updatedAt")
      SELECT ${vmId}::uuid, ${plan.projectId}::uuid, ${plan.name}, ${plan.offering.id}::uuid,
             ${plan.image.id}::uuid, 'Creating', 'Running', ${host.id}::uuid, ${host.clusterId}::uuid,
             ${numaNode}::int, now()
      FROM placed WHERE placed.ok
      RETURNING id, name, "projectId", state, "desiredState", "hostId", "clusterId"),
    nic AS (
      INSERT INTO "VmNic" (id, "vmId", "l3Id", "deviceIndex", ip, mac, type, queues, "isDefault", "vfId")
      SELECT w.id, vm.id, w."l3Id", w."deviceIndex", addr.ip, w.mac, w.type::"NicType", w.queues,
             w."isDefault", vf.id
      FROM vm CROSS JOIN wanted w JOIN addr ON addr.id = w.id
      LEFT JOIN vf ON vf.call = w.call AND vf.slot = w.slot
      RETURNING id, "deviceIndex", ip, mac, "vfId"),
    op AS (
      INSERT INTO "Operation" (id, kind, "targetType", "targetId", "targetName", "projectId",
                               "requesterId", input, "updatedAt")
      SELECT ${operationId}::uuid, 'vm.create', 'Vm', vm.id::text, vm.name, vm."projectId",
             ${actor.userId}::uuid, '{}'::jsonb, now()
      FROM vm
      RETURNING *),
    audit AS (
      INSERT INTO "AuditEvent" ("actorId", "actorName", "apiKeyId", "sourceIp", action, "targetType",
                                "targetId", "projectId", outcome, details)
      SELECT ${actor.userId}::uuid, ${actor.username}, ${actor.apiKeyId ?? null}::uuid,
             ${actor.sourceIp ?? null}, 'vm.create', 'Vm', vm.id::text, vm."projectId", 'Success',
             jsonb_build_object(
               'name', vm.name, 'host', ${host.name}::text, 'offering', ${plan.offering.name}::text,
               'image', ${plan.image.name}::text,
               'nics', (SELECT jsonb_agg(jsonb_build_object(
                          'id', w.id, 'ip', addr.ip, 'mac', w.mac, 'l3', w."l3Name", 'type', w.type,
                          'vf', vf."pciAddress") ORDER BY w."deviceIndex")
                        FROM wanted w JOIN addr ON addr.id = w.id
                        LEFT JOIN vf ON vf.call = w.call AND vf.slot = w.slot))
      FROM vm
      RETURNING id)
    SELECT
      (SELECT to_jsonb(vm) FROM vm) AS vm,
      (SELECT to_jsonb(op) FROM op) AS operation,
      (SELECT count(*)::int FROM nic) AS nics,
      (SELECT count(*)::int FROM audit) AS audited,
      (SELECT count(virtfn_enqueue(id, ${OperationKinds["vm.create"]})) FROM op) AS enqueued,
      to_jsonb(ARRAY(SELECT id FROM addr)) AS addressed,
      ${Prisma.join(calls.map((_, i) => Prisma.sql`(SELECT r FROM ${Prisma.raw(`reserved_${i}`)}) AS ${Prisma.raw(`r${i}`)}`))}`,
  );
  const row = z.record(z.string(), z.unknown()).parse(rows[0]);
  const addressed = new Set(z.array(z.string()).parse(row.addressed));
  const lacking = nics.find((nic) => !addressed.has(nic.id));
  if (lacking) {
    throw new DomainError(
      ErrorCode.NO_IP_AVAILABLE,
      "CONFLICT",
      `no free IP address on L3 ${lacking.l3Name}`,
      { l3: lacking.l3Name },
    );
  }
  const results = calls.map((_, i) => reservationResult.parse(row[`r${i}`]));
  const outcome = reservationOutcome(host, plan.demand, plan.requests, calls, results);
  if (!outcome.ok) return { ...outcome, numaNode };
  const placed = placedRow.parse(row);
  if (!placed.vm || !placed.operation || placed.nics !== nics.length)
    throw new Error("create wrote no VM, or not all its NICs, although the host took it");
  return {
    ok: true,
    result: { vm: placed.vm, operation: placed.operation },
    reserved: outcome.reserved,
    numaNode,
  };
}

/**
 * The node this host should place the VM on by the snapshot (vms/numa.ts), and whether a refusal
 * there may be retried anywhere on the host: with policy preferred, a node that no longer fits
 * under the lock falls back to the host as a whole, as when no node fit in the first place.
 */
function numaPlan(plan: Plan, host: PlacementHost) {
  const node = numaNodeFor(host, plan.demand);
  // Required but no node by this snapshot (the judge should have refused the host): node -1,
  // which no host has, so the locked reservation refuses instead of placing it anywhere.
  if (node === null && plan.demand.numaPolicy === "required" && wantsNumaNode(plan.demand))
    return { node: -1, fallback: false };
  return { node, fallback: node !== null && plan.demand.numaPolicy === "preferred" };
}

/** The host snapshot of the hint, judged: hosts that qualify, and why the others do not. */
function judge(hosts: PlacementHost[], demand: CreateDemand) {
  const refused: HostReason[] = [];
  const qualifying: PlacementHost[] = [];
  for (const host of hosts) {
    const refusal = judgeHost(host, demand);
    if (refusal) refused.push(refusal);
    else qualifying.push(host);
  }
  return { refused, qualifying };
}

/**
 * Creates a VM (R7, all or nothing). The fast path: one host of the shared snapshot by power of
 * two choices, one statement (placeOnHost). If that host refuses (the snapshot was stale), the
 * slow path reads a fresh snapshot and, in one transaction, tries the qualifying hosts in
 * tryOrder, each behind a savepoint that a refusal rolls back (releasing that host's locks). If
 * none can serve every VF NIC, the error's code fits the cause and lists each host's reason. A
 * transaction that cannot start in time, or loses a deadlock, is run again; then DATABASE_BUSY.
 */
export async function createVm(
  db: Db,
  actor: Actor,
  rawInput: CreateVmInput,
): Promise<VmOperation> {
  const input = createVmInput.parse(rawInput);
  requireProjectWriter(actor, input.projectId);
  const refs = await retryTransaction(() => loadReferences(db, input));
  const nics = input.nics.map((nic) => {
    const l3 = refs.l3s.get(nic.l3Id);
    if (!l3) throw notFound("L3 network", nic.l3Id);
    if (nic.sriov) requireSriovL3(l3);
    return { l3, sriov: nic.sriov };
  });
  const demand = { ...createDemand(refs.offering, nics), projectId: refs.project.id };
  const clusterIds = [...(demand.networks[0]?.clusterIds ?? [])].filter((id) =>
    demand.networks.every((network) => network.clusterIds.has(id)),
  );
  if (clusterIds.length === 0)
    throw noHost([], "no cluster is attached to the L2 of every chosen L3");
  const deviceHost =
    input.pciDeviceIds.length > 0 ? await hostOfPciDevices(db, actor, input.pciDeviceIds) : null;
  const requests: VfRequest[] = nics.flatMap((nic, index) => {
    const network = demand.networks.find((n) => n.l2Id === nic.l3.l2Id);
    return nic.sriov && network ? [{ index, network }] : [];
  });
  const plan: Plan = {
    actor,
    name: input.name,
    projectId: refs.project.id,
    offering: refs.offering,
    image: refs.image,
    nics,
    defaultIndex: defaultNicIndex(input.nics),
    demand,
    requests,
    pciDeviceIds: input.pciDeviceIds,
  };
  const vfNetworks = demand.networks.filter((network) => network.vfs > 0).length;
  // vNICs on an SR-IOV L2 need FDB rows for the chosen host, written in the same transaction.
  const needsFdb = nics.some((nic) => !nic.sriov && nic.l3.l2.sriovEnabled);

  const place = () =>
    retryTransaction(async () => {
      // One VF network at most: a refusal writes nothing, so no transaction is needed.
      // Only the hosts drawn are judged: a create costs the same on 64 hosts as on 10,000.
      const first = pickQualifyingHost(await hostHint(db, clusterIds), demand);
      // Preferred with no node by the hint: the hint may predate a stop that freed a node, so
      // only a fresh snapshot (slow path) may settle for the host as a whole.
      const numa = first ? numaPlan(plan, first) : null;
      const unboundByHint =
        numa?.node === null && plan.demand.numaPolicy === "preferred" && wantsNumaNode(plan.demand);
      const fast = vfNetworks <= 1 && !needsFdb && !unboundByHint && deviceHost === null;
      if (first && numa && fast) {
        let attempt = await placeOnHost(db, plan, first, numa.node);
        // A refusal wrote nothing (one VF network at most), so the host can be tried again.
        if (!attempt.ok && numa.fallback) attempt = await placeOnHost(db, plan, first, null);
        if (attempt.ok) {
          notePlacement(db, clusterIds, first, demand, attempt.reserved, attempt.numaNode);
          return attempt.result;
        }
        noteRefusal(db, clusterIds, first, attempt.refusal);
      }
      return slowPath(db, plan, clusterIds, needsFdb, deviceHost);
    });
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await place();
    } catch (error) {
      if (isUniqueViolation(error, "Vm_projectId_name_key"))
        throw alreadyExists("VM", "name", input.name);
      // A concurrent create took the address (or, once in 2^24, the MAC) this one picked: the
      // statement changed nothing, and the next try starts from another random address.
      const taken =
        isUniqueViolation(error, "VmNic_l3Id_ip_key") || isUniqueViolation(error, "VmNic_mac_key");
      if (!taken || attempt >= 8) throw error;
    }
  }
}

/**
 * A fresh snapshot, every qualifying host in turn, each behind a savepoint. With whole devices
 * only their host, and the devices are held in the same transaction as the VFs.
 */
async function slowPath(
  db: Db,
  plan: Plan,
  clusterIds: string[],
  needsFdb: boolean,
  deviceHost: { id: string; name: string } | null,
): Promise<VmOperation> {
  const inReach = await placementHosts(db, { clusterIds });
  refreshHint(db, clusterIds, inReach);
  const hosts = deviceHost ? inReach.filter((host) => host.id === deviceHost.id) : inReach;
  if (deviceHost && hosts.length === 0)
    throw noHost(
      [],
      `${deviceHost.name}, the host of the chosen devices, is not in a cluster attached to the L2 of every chosen L3`,
    );
  const { refused: snapshot, qualifying } = judge(hosts, plan.demand);
  const firstVfL3 = plan.requests[0]?.network.l3Name ?? null;
  if (qualifying.length === 0) throw placementError(snapshot, firstVfL3);
  const order = tryOrder(qualifying, plan.demand);
  return db.$transaction(async (tx) => {
    const refused: HostReason[] = [];
    for (const host of order) {
      await tx.$executeRawUnsafe("SAVEPOINT place_vm");
      const numa = numaPlan(plan, host);
      let attempt = await placeOnHost(tx, plan, host, numa.node);
      if (!attempt.ok && numa.fallback) {
        await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT place_vm");
        attempt = await placeOnHost(tx, plan, host, null);
      }
      if (attempt.ok) {
        if (needsFdb) await rebuildFdbRows(tx, attempt.result.vm.id);
        // A device that cannot be held throws: nothing of the VM stays.
        if (plan.pciDeviceIds.length > 0)
          await givePciDevices(tx, attempt.result.vm, host, plan.pciDeviceIds);
        notePlacement(db, clusterIds, host, plan.demand, attempt.reserved, attempt.numaNode);
        return attempt.result;
      }
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT place_vm");
      refused.push(attempt.refusal);
    }
    throw placementError([...snapshot, ...refused], firstVfL3);
  }, TX_OPTIONS);
}
