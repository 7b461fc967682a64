// Reconcile lag and agent calls in flight for a fleet of sim hosts, with 1, 2 and 4 worker
// processes sharing the reconciles through their claims. `npm run bench -- reconcile-lag`.
// Every host starts due at once (a cold start, or a fleet that fell behind), the workers work it
// off, and each host's lag is how long after its due time its reconcile finished. The sim agents
// answer after BENCH_LATENCY_MS (what a real agent's answer costs in time, see LATENCY_MODEL);
// they run in BENCH_FLEET_PROCESSES processes of their own (a real fleet is thousands of
// machines), the workers each in their own. The hosts' state does not change between sweeps, the
// common case: each reconcile finds its agent's snapshot digest unchanged (BENCH_FULL_EVERY=1
// compares in full every time instead). The CPU time each kind of process used per host says
// where the time goes; each worker's own account of its reconciles in flight (peak, and mean
// while any was) comes from the line it logs when it stops. BENCH_CPU_PROF=<dir> writes a
// --cpu-prof profile of every worker there.
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { reconcileLag } from "@virtfn/core";
import { cpuSeconds, postmasterPid, treeCpuSeconds } from "./lib/cpu";
import { loadAverage, startObservedFleetBench } from "./lib/observed-fleet-bench";

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "bench-agent-token-0123456789";
const HOSTS = Number(process.env.BENCH_HOSTS ?? 2000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const FLEET_PROCESSES = Number(process.env.BENCH_FLEET_PROCESSES ?? 4);
const FULL_EVERY = process.env.BENCH_FULL_EVERY;
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
// Why the agents are slow: the time is the agent's, not the network's. A real agent answers
// snapshot/since by reading the host in full each time (the digest must see a change made by
// hand): a sysfs walk over every PF and its VFs, libvirt's domain list, and one `bridge fdb show`
// process per PF; those process spawns alone take tens of milliseconds. The sims skip the reading
// (nothing changes behind their back) but not the wait.
const LATENCY_MODEL = `${LATENCY_MS} ms per agent call (a real agent re-reads sysfs, libvirt and the bridge FDB for each snapshot/since; the sims wait instead)`;
// Longer than any sweep here, so each host is reconciled once per run.
const PERIOD_MS = 600_000;

const bench = await startObservedFleetBench({
  name: "reconcile_lag",
  hosts: HOSTS,
  hostPrefix: "lag-",
  processes: FLEET_PROCESSES,
  token: TOKEN,
  latencyMs: LATENCY_MS,
  profile: "kvm-e810",
});
const { services, db, fleet } = bench;
const postgresPid = postmasterPid(Number(new URL(services.databaseUrl).port || 5432));
await db.host.createMany({
  data: fleet.agents.map((agent) => ({
    name: agent.name,
    clusterId: bench.clusterId,
    agentUrl: agent.url,
    agentToken: TOKEN,
    connectionState: "Disconnected" as const,
  })),
});
console.log(
  `virtfn bench reconcile-lag: ${bench.describe()}, ${LATENCY_MODEL}, at most ${IN_FLIGHT} hosts in flight per worker, ${FULL_EVERY === "1" ? "every reconcile compared in full" : "unchanged snapshots skipped"}`,
);

interface InFlightReport {
  inFlightPeak: number;
  inFlightMean: number;
}

interface RunningWorker {
  child: ChildProcess;
  /** The worker's "reconciler: stopped" line, once it has logged it. */
  stopped: Promise<InFlightReport | null>;
}

/** Starts `count` worker processes and resolves once each has printed that it is ready. */
async function startWorkers(count: number): Promise<RunningWorker[]> {
  const profile =
    CPU_PROF_DIR === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF_DIR}`];
  const workers = Array.from({ length: count }, () =>
    spawn(
      process.execPath,
      [...profile, "--import", "tsx", path.join(repoRoot, "apps/worker/src/main.ts")],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          DATABASE_URL: services.databaseUrl,
          REDIS_URL: services.redisUrl,
          VIRTFN_QUEUE_PREFIX: `bench-lag-${Date.now()}`,
          VIRTFN_RECONCILE_MS: String(PERIOD_MS),
          VIRTFN_RECONCILE_IN_FLIGHT: String(IN_FLIGHT),
          ...(FULL_EVERY === undefined ? {} : { VIRTFN_RECONCILE_FULL_EVERY: FULL_EVERY }),
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    ),
  );
  const running = workers.map((child) => {
    if (!child.stdout) throw new Error("worker has no stdout");
    // Read to the end, not just to "ready": a full pipe would block the worker's logging.
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve, reject) => {
      lines.on("line", (line) => {
        if (line.includes('"ready"')) resolve();
      });
      child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
    });
    const stopped = new Promise<InFlightReport | null>((resolve) => {
      lines.on("line", (line) => {
        if (line.includes("reconciler: stopped")) resolve(JSON.parse(line) as InFlightReport);
      });
      child.once("exit", () => resolve(null));
    });
    return { child, ready, stopped };
  });
  await Promise.all(running.map((worker) => worker.ready));
  return running;
}

async function stopWorkers(workers: RunningWorker[]): Promise<Array<InFlightReport | null>> {
  await Promise.all(
    workers.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
  return Promise.all(workers.map((worker) => worker.stopped));
}

interface Sweep {
  seconds: number;
  /** Per host: how long after its due time its reconcile finished. */
  maxLag: number;
  p50Lag: number;
  p99Lag: number;
  peakInFlight: number;
  /** Per worker, its own account: the most reconciles in flight at once, and their mean. */
  workers: Array<InFlightReport | null>;
  calls: number;
  /** TCP connections the agents accepted in the sweep (the workers keep theirs alive). */
  connections: number;
  /** Hosts compared in full (the others' snapshots were unchanged). */
  full: number;
  /** CPU seconds used in the sweep by the workers, the sim fleet and Postgres. */
  cpu: { workers: number; fleet: number; postgres: number };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const perHost = (cpuSeconds: number) => `${((cpuSeconds * 1000) / HOSTS).toFixed(1)}`;
const secs = (value: number) => `${value.toFixed(1)}s`;

/** Makes every host due now, lets `count` workers work the fleet off, and measures the lag. */
async function sweep(count: number): Promise<Sweep> {
  // Nothing due while the workers load (seconds of TypeScript), which is not reconcile lag.
  await db.$executeRaw`UPDATE "Host" SET "reconcileDueAt" = now() + interval '1 day'`;
  await db.$executeRaw`UPDATE "HostReconcileLease" SET owner = NULL, "until" = NULL`;
  const running = await startWorkers(count);
  const workerPids = running.map((worker) => worker.child.pid ?? 0);
  const cpuBefore = {
    workers: sum(workerPids.map(cpuSeconds)),
    fleet: sum(fleet.pids.map(cpuSeconds)),
    postgres: postgresPid === null ? 0 : treeCpuSeconds(postgresPid),
  };
  const before = await fleet.stats();
  await fleet.reset();
  await db.$executeRaw`UPDATE "Host" SET "reconcileDueAt" = now()`;
  // As text, so that the lag is computed in SQL against the very value the hosts hold.
  const [due] = await db.$queryRaw<[{ at: string }]>`
    SELECT min("reconcileDueAt")::text AS at FROM "Host"`;
  const dueAt = due.at;
  const t0 = performance.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if ((await reconcileLag(db)).overdue === 0) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const stats = await fleet.stats();
  const cpu = {
    workers: sum(workerPids.map(cpuSeconds)) - cpuBefore.workers,
    fleet: sum(fleet.pids.map(cpuSeconds)) - cpuBefore.fleet,
    postgres: postgresPid === null ? 0 : treeCpuSeconds(postgresPid) - cpuBefore.postgres,
  };
  const [lag] = await db.$queryRaw<Array<{ max: number; p50: number; p99: number; full: number }>>`
    SELECT max(lag)::float8 AS max,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY lag)::float8 AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY lag)::float8 AS p99,
           count(*) FILTER (WHERE full_compare)::int AS full
      FROM (SELECT extract(epoch FROM "lastReconciledAt" - ${dueAt}::timestamp) AS lag,
                   "observedDigestAt" >= ${dueAt}::timestamp AS full_compare
              FROM "Host") AS hosts`;
  const workers = await stopWorkers(running);
  return {
    seconds,
    maxLag: lag?.max ?? 0,
    p50Lag: lag?.p50 ?? 0,
    p99Lag: lag?.p99 ?? 0,
    peakInFlight: stats.peakInFlight,
    workers,
    calls: stats.total - before.total,
    connections: stats.connections - before.connections,
    full: lag?.full ?? 0,
    cpu,
  };
}

// Not compared: the first reconcile of each host records its NICs and its snapshot's digest.
const first = await sweep(4);
console.log(
  `first sweep, 4 workers, every host compared in full (${first.full}) to record its digest: ${secs(first.seconds)}, lag p50 ${secs(first.p50Lag)}, max ${secs(first.maxLag)}; CPU per host: workers ${perHost(first.cpu.workers)} ms, sim agents ${perHost(first.cpu.fleet)} ms, Postgres ${perHost(first.cpu.postgres)} ms`,
);
const results = new Map<number, Sweep>();
for (const count of [1, 2, 4]) {
  const r = await sweep(count);
  results.set(count, r);
  const reports = r.workers.filter((w): w is InFlightReport => w !== null);
  const perWorker = reports.map((w) => `${w.inFlightPeak}/${w.inFlightMean.toFixed(1)}`).join(", ");
  console.log(
    `${count} worker${count === 1 ? " " : "s"}: all ${HOSTS} hosts due at once, worked off in ${secs(r.seconds)}; reconcile lag per host p50 ${secs(r.p50Lag)}, p99 ${secs(r.p99Lag)}, max ${secs(r.maxLag)}`,
  );
  console.log(
    `  agent calls in flight: per worker max/avg ${perWorker}${reports.length < count ? ` (${count - reports.length} worker(s) did not report)` : ""} (bound ${IN_FLIGHT} each); at the agents peak ${r.peakInFlight} (bound ${count * IN_FLIGHT}); ${r.calls} calls over ${r.connections} new connections, ${r.full} hosts compared in full`,
  );
  console.log(
    `  CPU per host: workers ${perHost(r.cpu.workers)} ms, sim agents ${perHost(r.cpu.fleet)} ms, Postgres ${perHost(r.cpu.postgres)} ms (${(r.cpu.workers + r.cpu.fleet + r.cpu.postgres).toFixed(1)} CPU-s in ${r.seconds.toFixed(1)} s on ${os.cpus().length} cores)`,
  );
  const one = results.get(1);
  if (one && count > 1)
    console.log(
      `  vs 1 worker: lag p50 ${(r.p50Lag / one.p50Lag).toFixed(3)}×, p99 ${(r.p99Lag / one.p99Lag).toFixed(3)}×, max ${(r.maxLag / one.maxLag).toFixed(3)}×`,
    );
}
console.log(`load after: ${loadAverage()}`);

await bench.stop();
