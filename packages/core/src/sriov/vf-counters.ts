// Per-VF traffic counters (issue 16). Workers collect each connected host that has VF NICs once
// per period (a claim on VfCounterCollection shares the hosts between workers), ask its agent
// for the counters and keep a ring of VF_COUNTER_RING samples per VF NIC: the latest feeds the
// Prometheus series, the ring the charts. A counter the driver does not keep stays null, never 0.
import type { VfCountersReport } from "@virtfn/agent-client";
import { Prisma, queryRows, type Db } from "@virtfn/db";
import type { AgentTarget } from "../runtime/context";
import { requireInventoryReader, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
import { vmVisibleWhere } from "../vms/access";
import { nicLabel } from "../vms/rules";
import { nicIdInput, type NicIdInput } from "../vms/schemas";
import { pfIdInput, type PfIdInput } from "./schemas";

/** Samples kept per VF NIC: half an hour at the default 30 s period. */
export const VF_COUNTER_RING = 60;

export const VF_COUNTER_NAMES = [
  "rxBytes",
  "rxPackets",
  "txBytes",
  "txPackets",
  "rxDropped",
  "txDropped",
] as const;
export type VfCounterName = (typeof VF_COUNTER_NAMES)[number];

/** One sample's counters; null where the PF driver keeps no such counter. */
export type VfCounterValues = Record<VfCounterName, number | null>;

export type VfCounterHost = AgentTarget & { hostId: string; name: string };

/**
 * Claims up to `limit` connected hosts that have VF NICs and whose counters are due, and moves
 * their due time one period on, in one statement: a host another worker claimed a moment ago is
 * not due any more (ON CONFLICT re-checks the row it waited for), so each period collects a host
 * once whatever the number of workers.
 */
export async function claimVfCounterHosts(
  db: Db,
  options: {
    periodMs: number;
    limit: number;
    /** Hosts not to claim (those a sweep has already read). */
    exclude?: readonly string[];
  },
): Promise<VfCounterHost[]> {
  if (options.limit <= 0) return [];
  const rows = (await queryRows(
    db,
    Prisma.sql`
    WITH nic_hosts AS MATERIALIZED (
      -- From the NICs that hold VFs, once: probing every host's VFs for a NIC instead cost a
      -- claim one index descent per VF (25k in a 200-host split bench, 2.5M at fleet size).
      SELECT DISTINCT v."hostId" FROM "VmNic" n JOIN "VirtualFunction" v ON v.id = n."vfId"
    ), candidates AS (
      SELECT h.id FROM nic_hosts nh
      JOIN "Host" h ON h.id = nh."hostId"
      LEFT JOIN "VfCounterCollection" c ON c."hostId" = h.id
      WHERE h."connectionState" = 'Connected'
        AND (c."dueAt" IS NULL OR c."dueAt" <= now())
        AND NOT (h.id = ANY(${options.exclude ?? []}::uuid[]))
      ORDER BY c."dueAt" NULLS FIRST
      LIMIT ${options.limit}
    ), claimed AS (
      INSERT INTO "VfCounterCollection" ("hostId", "dueAt")
      SELECT id, now() + ${options.periodMs / 1000} * interval '1 second' FROM candidates
      ON CONFLICT ("hostId") DO UPDATE SET "dueAt" = EXCLUDED."dueAt"
        WHERE "VfCounterCollection"."dueAt" <= now()
      RETURNING "hostId"
    )
    SELECT h.id AS "hostId", h.name, h."agentUrl", h."agentToken"
    FROM claimed JOIN "Host" h ON h.id = claimed."hostId"`,
  )) as VfCounterHost[];
  return rows;
}

/**
 * Stores a host's report as one sample per VF NIC that holds a reported VF, in one statement:
 * each goes to the slot after its NIC's last one. VFs no NIC holds are not kept.
 */
export async function recordVfCounters(
  db: Db,
  hostId: string,
  report: VfCountersReport,
  takenAt: Date = new Date(),
): Promise<number> {
  if (report.vfs.length === 0) return 0;
  const values = Prisma.join(
    report.vfs.map(
      (vf) =>
        Prisma.sql`(${vf.pciAddress}, ${vf.rxBytes}::bigint, ${vf.rxPackets}::bigint,
          ${vf.txBytes}::bigint, ${vf.txPackets}::bigint, ${vf.rxDropped}::bigint,
          ${vf.txDropped}::bigint)`,
    ),
  );
  const rows = await queryRows(
    db,
    Prisma.sql`
    INSERT INTO "VfCounterSample" AS s ("nicId", "slot", "seq", "vfId", "takenAt", "rxBytes",
      "rxPackets", "txBytes", "txPackets", "rxDropped", "txDropped")
    SELECT n.id, (last.seq + 1) % ${VF_COUNTER_RING}, last.seq + 1, v.id,
      (${takenAt.toISOString()}::timestamptz AT TIME ZONE 'UTC'), x.rx_bytes,
      x.rx_packets, x.tx_bytes, x.tx_packets, x.rx_dropped, x.tx_dropped
    FROM (VALUES ${values}) AS x(pci, rx_bytes, rx_packets, tx_bytes, tx_packets, rx_dropped, tx_dropped)
    JOIN "VirtualFunction" v ON v."hostId" = ${hostId}::uuid AND v."pciAddress" = x.pci
    JOIN "VmNic" n ON n."vfId" = v.id
    CROSS JOIN LATERAL (
      SELECT coalesce(max(p.seq), -1) AS seq FROM "VfCounterSample" p WHERE p."nicId" = n.id
    ) last
    ON CONFLICT ("nicId", "slot") DO UPDATE SET "seq" = EXCLUDED."seq", "vfId" = EXCLUDED."vfId",
      "takenAt" = EXCLUDED."takenAt", "rxBytes" = EXCLUDED."rxBytes",
      "rxPackets" = EXCLUDED."rxPackets", "txBytes" = EXCLUDED."txBytes",
      "txPackets" = EXCLUDED."txPackets", "rxDropped" = EXCLUDED."rxDropped",
      "txDropped" = EXCLUDED."txDropped"
    RETURNING 1`,
  );
  return rows.length;
}

/** The labels of a VF NIC's series, as the metrics endpoint names them. */
export interface VfCounterLabels {
  host: string;
  pf: string;
  vf: string;
  vm: string;
  nic: string;
  project: string;
}

export interface VfCounterSeries {
  labels: VfCounterLabels;
  values: VfCounterValues;
}

const counterColumns = Prisma.raw(
  VF_COUNTER_NAMES.map((name) => `s."${name}"::float8 AS "${name}"`).join(", "),
);

function valuesOf(row: Record<string, unknown>): VfCounterValues {
  const values = {} as VfCounterValues;
  for (const name of VF_COUNTER_NAMES) {
    const v = row[name];
    values[name] = typeof v === "number" ? v : null;
  }
  return values;
}

/**
 * The latest sample of every VF NIC that still holds the VF it was taken on, with the series'
 * labels: one row per VF in use, whatever the ring size. `nic` is the NIC's device name in the
 * guest order as the console names it (eth0, eth1, …), `vf` the VF index on its PF.
 */
export async function latestVfCounters(db: Db): Promise<VfCounterSeries[]> {
  const rows = (await queryRows(
    db,
    Prisma.sql`
    SELECT h.name AS host, coalesce(pf.name, pf."pciAddress") AS pf, v.index AS vf,
      vm.name AS vm, n."deviceIndex" AS "deviceIndex", p.name AS project, ${counterColumns}
    FROM "VmNic" n
    JOIN LATERAL (
      SELECT * FROM "VfCounterSample" s WHERE s."nicId" = n.id ORDER BY s.seq DESC LIMIT 1
    ) s ON s."vfId" = n."vfId"
    JOIN "VirtualFunction" v ON v.id = n."vfId"
    JOIN "PhysicalNic" pf ON pf.id = v."pfId"
    JOIN "Host" h ON h.id = v."hostId"
    JOIN "Vm" vm ON vm.id = n."vmId"
    JOIN "Project" p ON p.id = vm."projectId"
    WHERE n."vfId" IS NOT NULL
    ORDER BY h.name, pf.name, v.index`,
  )) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    labels: {
      host: String(row.host),
      pf: String(row.pf),
      vf: String(row.vf),
      vm: String(row.vm),
      nic: nicLabel({ deviceIndex: Number(row.deviceIndex) }),
      project: String(row.project),
    },
    values: valuesOf(row),
  }));
}

/** A sample of a NIC's ring, oldest first. */
export interface VfCounterSample {
  takenAt: Date;
  values: VfCounterValues;
}

/** What a chart draws between two samples: per-second rates, null where a counter is absent. */
export interface VfCounterRate {
  at: Date;
  perSecond: VfCounterValues;
}

/**
 * Per-second rates between consecutive samples taken on the same VF. A counter that went down
 * (the driver was reloaded, the VF was reset) starts anew: that step has no rate rather than a
 * negative one.
 */
export function vfCounterRates(
  samples: ReadonlyArray<VfCounterSample & { vfId: string }>,
): VfCounterRate[] {
  const rates: VfCounterRate[] = [];
  for (let i = 1; i < samples.length; i += 1) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a === undefined || b === undefined || a.vfId !== b.vfId) continue;
    const seconds = (b.takenAt.getTime() - a.takenAt.getTime()) / 1000;
    if (seconds <= 0) continue;
    const perSecond = {} as VfCounterValues;
    for (const name of VF_COUNTER_NAMES) {
      const from = a.values[name];
      const to = b.values[name];
      perSecond[name] = from === null || to === null || to < from ? null : (to - from) / seconds;
    }
    rates.push({ at: b.takenAt, perSecond });
  }
  return rates;
}

function sampleOf(row: {
  takenAt: Date;
  vfId: string;
  rxBytes: bigint;
  rxPackets: bigint;
  txBytes: bigint;
  txPackets: bigint;
  rxDropped: bigint | null;
  txDropped: bigint | null;
}): VfCounterSample & { vfId: string } {
  const n = (v: bigint | null) => (v === null ? null : Number(v));
  return {
    takenAt: row.takenAt,
    vfId: row.vfId,
    values: {
      rxBytes: n(row.rxBytes),
      rxPackets: n(row.rxPackets),
      txBytes: n(row.txBytes),
      txPackets: n(row.txPackets),
      rxDropped: n(row.rxDropped),
      txDropped: n(row.txDropped),
    },
  };
}

/** What the VM page charts for one NIC. */
export interface NicCounterHistory {
  nicId: string;
  /** The newest sample; null before the first collection or for a NIC that never held a VF. */
  latest: VfCounterSample | null;
  rates: VfCounterRate[];
}

/**
 * A VF NIC's ring, oldest first, with the rates between its samples (the VM page's chart). Same
 * visibility as the VM: a NIC of a VM the actor cannot see is NOT_FOUND.
 */
export async function nicCounterHistory(
  db: Db,
  actor: Actor,
  rawInput: NicIdInput,
): Promise<NicCounterHistory> {
  const { nicId } = nicIdInput.parse(rawInput);
  const nic = await db.vmNic.findFirst({
    where: { id: nicId, vm: vmVisibleWhere(actor) },
    select: { id: true },
  });
  if (nic === null) throw notFound("NIC", nicId);
  const rows = await db.vfCounterSample.findMany({ where: { nicId }, orderBy: { seq: "asc" } });
  const samples = rows.map(sampleOf);
  const last = samples.at(-1);
  return {
    nicId,
    latest: last === undefined ? null : { takenAt: last.takenAt, values: last.values },
    rates: vfCounterRates(samples),
  };
}

/** One VF of a PF in the per-PF counters view. */
export interface PfVfCounterRow {
  vfIndex: number;
  pciAddress: string;
  vmId: string;
  vm: string;
  nic: string;
  latest: VfCounterSample;
  /** Per-second rates over the last two samples; null before there are two on this VF. */
  rate: VfCounterValues | null;
}

/**
 * The latest counters of every VF of a PF that a NIC holds, with its rate over the last two
 * samples (the per-PF view). Admins and auditors, like the rest of the physical inventory.
 */
export async function pfVfCounters(
  db: Db,
  actor: Actor,
  rawInput: PfIdInput,
): Promise<{ pfId: string; vfs: PfVfCounterRow[] }> {
  requireInventoryReader(actor);
  const { pfId } = pfIdInput.parse(rawInput);
  const pf = await db.physicalNic.findUnique({ where: { id: pfId }, select: { id: true } });
  if (pf === null) throw notFound("PhysicalNic", pfId);
  const vfs = await db.virtualFunction.findMany({
    where: { pfId, heldBy: { isNot: null } },
    orderBy: { index: "asc" },
    select: {
      id: true,
      index: true,
      pciAddress: true,
      heldBy: {
        select: {
          deviceIndex: true,
          vm: { select: { id: true, name: true } },
          counterSamples: { orderBy: { seq: "desc" }, take: 2 },
        },
      },
    },
  });
  const rows: PfVfCounterRow[] = [];
  for (const vf of vfs) {
    const nic = vf.heldBy;
    const [newest, before] = (nic?.counterSamples ?? []).map(sampleOf);
    if (nic === null || newest === undefined || newest.vfId !== vf.id) continue;
    const rate = before === undefined ? undefined : vfCounterRates([before, newest])[0];
    rows.push({
      vfIndex: vf.index,
      pciAddress: vf.pciAddress,
      vmId: nic.vm.id,
      vm: nic.vm.name,
      nic: nicLabel(nic),
      latest: { takenAt: newest.takenAt, values: newest.values },
      rate: rate?.perSecond ?? null,
    });
  }
  return { pfId, vfs: rows };
}
