// The VF counter collector (apps/worker/src/counters/vf-counters.ts) over a fleet of sim hosts,
// against a same-run baseline: the same agents' GET /v1/vf-counters read alone, as many at once
// as the collector reads. `npm run bench -- vf-counters`. Each host has BENCH_VFS VFs on its
// e810, every one held by a VF NIC of a running VM, so every reported VF becomes a sample. The
// agents run in BENCH_FLEET_PROCESSES processes of their own and answer after BENCH_LATENCY_MS
// (a real agent runs `ip -s -j link` per PF); the collector runs in this process, one sweep at a
// time, and the figures are its cycle (every host read and stored once) and what it wrote to
// Postgres: statements (transactions committed in the bench's database) and rows.
import { performance } from "node:perf_hooks";
import { createAgentClient, type AgentClient } from "@virtfn/agent-client";
import type { AgentTarget } from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { startVfCounterCollector } from "../apps/worker/src/counters/vf-counters";
import { startObservedFleetBench } from "./lib/observed-fleet-bench";
import { ratio } from "./lib/stats";

const TOKEN = "bench-agent-token-0123456789";
const HOSTS = Number(process.env.BENCH_HOSTS ?? 2000);
const VFS = Number(process.env.BENCH_VFS ?? 8);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const FLEET_PROCESSES = Number(process.env.BENCH_FLEET_PROCESSES ?? 4);
const SWEEPS = Number(process.env.BENCH_SWEEPS ?? 2);
const PROFILE = "kvm-e810";
const PF = { name: "ens1f0", pci: "0000:af:00.0" };

const bench = await startObservedFleetBench({
  name: "vf_counters",
  hosts: HOSTS,
  hostPrefix: "ctr-",
  processes: FLEET_PROCESSES,
  token: TOKEN,
  latencyMs: LATENCY_MS,
  profile: PROFILE,
});
const { db, fleet } = bench;
const clients = fleet.agents.map((agent) =>
  createAgentClient({ baseUrl: agent.url, token: TOKEN, timeoutMs: 60_000 }),
);
console.log(
  `virtfn bench vf-counters: ${bench.describe()}, ${VFS} held VFs each, ${LATENCY_MS} ms per agent call, ${IN_FLIGHT} hosts read at once`,
);

/** Runs `task` over `items` with at most `limit` at once (a sliding window). */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await task(item);
      }
    }),
  );
}

// Every agent splits its e810 (the sims start with no VFs).
const splitStart = performance.now();
await pool(clients, 64, (client) =>
  client.setVfCountAndWait(PF.pci, VFS, { operationId: "bench-split", pollMs: 50 }),
);
const [first] = clients;
if (!first) throw new Error("no agents");
const vfAddresses =
  (await first.listPhysicalNics()).find((nic) => nic.pciAddress === PF.pci)?.vfs ?? [];
if (vfAddresses.length !== VFS) throw new Error(`expected ${VFS} VFs, got ${vfAddresses.length}`);
console.log(`split ${HOSTS} agents to ${VFS} VFs in ${secs(performance.now() - splitStart)}`);

await seedFleetRows(db);

/** Hosts, their PF and VFs, one running VM per host whose VF NICs hold every VF. */
async function seedFleetRows(database: Db) {
  const [project, offering, image, zone] = await Promise.all([
    database.project.findFirstOrThrow(),
    database.instanceOffering.findFirstOrThrow(),
    database.image.findFirstOrThrow(),
    database.zone.findFirstOrThrow(),
  ]);
  const l2 = await database.l2Network.create({
    data: { zoneId: zone.id, name: "bench-l2", type: "NoVlan", physicalInterface: PF.name },
  });
  const l3 = await database.l3Network.create({
    data: { l2Id: l2.id, name: "bench-l3", category: "Flat" },
  });
  const t0 = performance.now();
  const BATCH = 200;
  for (let start = 0; start < HOSTS; start += BATCH) {
    const agents = fleet.agents.slice(start, start + BATCH);
    const hosts = await database.host.createManyAndReturn({
      data: agents.map((agent) => ({
        name: agent.name,
        clusterId: bench.clusterId,
        agentUrl: agent.url,
        agentToken: TOKEN,
        connectionState: "Connected" as const,
      })),
      select: { id: true, name: true },
    });
    const pfs = await database.physicalNic.createManyAndReturn({
      data: hosts.map((host) => ({
        hostId: host.id,
        name: PF.name,
        pciAddress: PF.pci,
        vendorId: "8086",
        deviceId: "159b",
        model: "E810",
        driver: "ice",
      })),
      select: { id: true, hostId: true },
    });
    const vfs = await database.virtualFunction.createManyAndReturn({
      data: pfs.flatMap((pf) =>
        vfAddresses.map((vf, index) => ({
          pfId: pf.id,
          hostId: pf.hostId,
          index,
          pciAddress: vf.pciAddress,
          state: "Attached" as const,
        })),
      ),
      select: { id: true, hostId: true },
    });
    const vms = await database.vm.createManyAndReturn({
      data: hosts.map((host) => ({
        name: `vm-${host.name}`,
        projectId: project.id,
        offeringId: offering.id,
        imageId: image.id,
        state: "Running" as const,
        desiredState: "Running" as const,
        hostId: host.id,
        clusterId: bench.clusterId,
      })),
      select: { id: true, hostId: true },
    });
    const vmOf = new Map(vms.map((vm) => [vm.hostId, vm.id]));
    const deviceIndex = new Map<string, number>();
    await database.vmNic.createMany({
      data: vfs.map((vf, i) => {
        const n = start * VFS + i;
        const index = deviceIndex.get(vf.hostId) ?? 0;
        deviceIndex.set(vf.hostId, index + 1);
        const hex = n.toString(16).padStart(6, "0");
        return {
          vmId: vmOf.get(vf.hostId) ?? "",
          l3Id: l3.id,
          deviceIndex: index,
          ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
          mac: `52:54:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`,
          type: "VF" as const,
          vfId: vf.id,
        };
      }),
    });
  }
  console.log(`seeded ${HOSTS} hosts, ${HOSTS * VFS} held VFs in ${secs(performance.now() - t0)}`);
}

function secs(ms: number) {
  return `${(ms / 1000).toFixed(2)}s`;
}

const STATS_FLUSH_MS = 1500;

/** Transactions committed and rows written in the bench's database so far (pg_stat_database). */
async function writes() {
  // The statistics are a snapshot per transaction: a fresh one each time.
  await db.$executeRawUnsafe("SELECT pg_stat_clear_snapshot()");
  const [row] = await db.$queryRaw<Array<{ commits: bigint; inserted: bigint; updated: bigint }>>`
    SELECT xact_commit AS commits, tup_inserted AS inserted, tup_updated AS updated
    FROM pg_stat_database WHERE datname = current_database()`;
  return {
    commits: Number(row?.commits ?? 0),
    rows: Number(row?.inserted ?? 0) + Number(row?.updated ?? 0),
  };
}

/** The baseline: every agent's /v1/vf-counters read once, IN_FLIGHT at once, nothing stored. */
async function baseline() {
  const t0 = performance.now();
  let vfs = 0;
  await pool(clients, IN_FLIGHT, async (client) => {
    const report = await client.vfCounters();
    vfs += report.vfs.length;
  });
  return { ms: performance.now() - t0, vfs };
}

const agentClients = new Map<string, AgentClient>();
const agentFor = (target: AgentTarget): AgentClient => {
  const known = agentClients.get(target.agentUrl);
  if (known) return known;
  const client = createAgentClient({
    baseUrl: target.agentUrl,
    token: target.agentToken,
    timeoutMs: 60_000,
  });
  agentClients.set(target.agentUrl, client);
  return client;
};

/** One collector sweep: every host claimed, read and stored once. */
async function collectorSweep() {
  await db.$executeRaw`DELETE FROM "VfCounterCollection"`;
  await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
  const problems: string[] = [];
  const collector = startVfCounterCollector({
    db,
    agentFor,
    // 0: no timer of its own beside this sweep; runOnce still reads each host once.
    periodMs: 0,
    maxInFlight: IN_FLIGHT,
    log: (line) => problems.push(line),
  });
  const before = await writes();
  const t0 = performance.now();
  const hosts = await collector.runOnce();
  const ms = performance.now() - t0;
  // Backends report their statistics at most once a second.
  await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
  const after = await writes();
  await collector.stop();
  return {
    ms,
    hosts,
    problems,
    commits: after.commits - before.commits,
    rows: after.rows - before.rows,
  };
}

for (let sweep = 1; sweep <= SWEEPS; sweep++) {
  const base = await baseline();
  const run = await collectorSweep();
  const samples = await db.vfCounterSample.count();
  console.log(
    `sweep ${sweep}: baseline (agents alone): ${secs(base.ms)} for ${HOSTS} hosts, ${base.vfs} VFs; ` +
      `collector: ${secs(run.ms)} for ${run.hosts} hosts (${ratio("cycle", run.ms / 1000, base.ms / 1000, "s")}), ` +
      `${run.commits} statements (${(run.commits / Math.max(1, run.hosts)).toFixed(2)} per host), ` +
      `${run.rows} rows written (${Math.round(run.rows / (run.ms / 1000))}/s), ${samples} samples stored, ` +
      `${run.problems.length} failed reads${run.problems[0] ? ` (first: ${run.problems[0]})` : ""}`,
  );
}

await bench.stop();
