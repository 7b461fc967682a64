// Split one PF on each of 200 hosts at once (63 VFs at 30 ms/VF on the sim), against the same
// splits sent straight to the agents in the same run. `npm run bench -- split-fleet`.
// The agents run in a child process and the worker in another, so that none shares an event loop.
// BENCH_TIMELINE=1 prints each phase's CPU by process every 500 ms and when its operations were
// created, started and finished: where a run's time went (the requests and first job runs before
// the agents are busy, the read-backs after them).
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { z } from "zod";
import { createAgentClient } from "@virtfn/agent-client";
import {
  addHost,
  isDomainError,
  reconnectHost,
  restorePhysicalNic,
  seedDemo,
  splitPhysicalNic,
  TASK_WATCH_WAIT_MS,
  type Actor,
} from "@virtfn/core";
import { createDb, Prisma, queryRows, type Db } from "@virtfn/db";
import { cpuSeconds, postmasterPid, redisServerPid, treeCpuSeconds } from "./lib/cpu";
import { benchServices } from "./lib/services";
import { requestsBetween, startFleetProcess, type RouteCounts } from "./lib/sim-fleet";
import { quantile, ratio } from "./lib/stats";

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "bench-agent-token-0123456789";
const HOSTS = Number(process.env.BENCH_HOSTS ?? 200);
const PER_VF_MS = 30;
const VFS = 63;
/**
 * Rounds of the two virtfn runs, each bracketed by agents-alone runs: this machine's speed drifts
 * by up to 2× within minutes, and one round's figure moves by ±0.15 with it.
 */
const ROUNDS = Number(process.env.BENCH_SPLIT_ROUNDS ?? 3);
// kvm-cx5-x710 has three PFs of 127-128 VFs: one for the baseline and one for each virtfn run,
// so no run has to restore what the one before it split. Every split is to 63 VFs.
const PROFILE = "kvm-cx5-x710";
const BASELINE_PCI = "0000:5e:00.0";
const VIRTFN_PFS = { 8: "enp59s0f0np0", 64: "enp59s0f1np1" } as const;

const services = await benchServices("split_fleet");
const db = createDb(services.databaseUrl);
await seedDemo(db, []);
const adminUser = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
const actor: Actor = { userId: adminUser.id, username: "admin", role: "Admin", projectIds: [] };
const cluster = await db.cluster.findFirstOrThrow();
const fleet = await startFleetProcess({
  size: HOSTS,
  profile: PROFILE,
  perVfDelayMs: PER_VF_MS,
  token: TOKEN,
});
// 200 agents in one process on a loaded machine answer slower than one host's agent would:
// both sides get the same generous per-call timeout, so that neither measures timeouts.
const AGENT_TIMEOUT_MS = 60_000;
const clients = fleet.urls.map((url) =>
  createAgentClient({ baseUrl: url, token: TOKEN, timeoutMs: AGENT_TIMEOUT_MS }),
);
console.log(
  `virtfn bench split-fleet: ${os.cpus().length} cores, Node ${process.version}, ${HOSTS} sim agents in a child process, ${VFS} VFs at ${PER_VF_MS} ms/VF`,
);

/**
 * Where a phase's time went: CPU seconds of the sim agents' process, the worker's, Postgres (all
 * backends), Redis and this process, and the requests the agents served, by route. On 2 cores
 * the agents' process is the bottleneck, so what each side costs it decides the ratio.
 */
interface PhaseCost {
  cpu: { agents: number; worker: number; postgres: number; redis: number; bench: number };
  requests: RouteCounts;
}

const postgresPid = postmasterPid(Number(new URL(services.databaseUrl).port || 5432));
const redisPid = redisServerPid(Number(new URL(services.redisUrl).port || 6379));

async function costOf<T>(
  workerPid: number | null,
  work: () => Promise<T>,
): Promise<{ value: T; cost: PhaseCost }> {
  const sample = () => ({
    agents: cpuSeconds(fleet.pid),
    worker: workerPid === null ? 0 : cpuSeconds(workerPid),
    postgres: postgresPid === null ? 0 : treeCpuSeconds(postgresPid),
    redis: redisPid === null ? 0 : cpuSeconds(redisPid),
    bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
  });
  const requestsBefore = await fleet.requests();
  const before = sample();
  const timeline = process.env.BENCH_TIMELINE ? printCoresEvery(500, sample) : null;
  const value = await work();
  if (timeline) clearInterval(timeline);
  const after = sample();
  const requests = requestsBetween(requestsBefore, await fleet.requests());
  return {
    value,
    cost: {
      cpu: {
        agents: after.agents - before.agents,
        worker: after.worker - before.worker,
        postgres: after.postgres - before.postgres,
        redis: after.redis - before.redis,
        bench: after.bench - before.bench,
      },
      requests,
    },
  };
}

/** "t=1.5s cores: agents 1.52, worker 0.10, …": what each process used of the last interval. */
function printCoresEvery(
  intervalMs: number,
  sample: () => PhaseCost["cpu"],
): ReturnType<typeof setInterval> {
  const t0 = performance.now();
  let last = sample();
  return setInterval(() => {
    const now = sample();
    const cores = (Object.keys(now) as Array<keyof PhaseCost["cpu"]>)
      .map((name) => `${name} ${((now[name] - last[name]) / (intervalMs / 1000)).toFixed(2)}`)
      .join(", ");
    console.log(`  t=${((performance.now() - t0) / 1000).toFixed(1)}s cores: ${cores}`);
    last = now;
  }, intervalMs);
}

/** "CPU per PF: agents 123ms, worker 45ms, …; agent requests per PF: getTask 20.1, …" */
function describeCost(cost: PhaseCost): string {
  const perPf = (seconds: number) => `${((seconds * 1000) / HOSTS).toFixed(1)}ms`;
  const cpu = Object.entries(cost.cpu)
    .map(([name, seconds]) => `${name} ${perPf(seconds)}`)
    .join(", ");
  const requests = Object.entries(cost.requests)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, n]) => `${route} ${(n / HOSTS).toFixed(1)}`)
    .join(", ");
  return `CPU per PF: ${cpu}; agent requests per PF: ${requests || "none"}`;
}

/**
 * Both sides wait on the agent's task the same way, the agent's long-poll held for core's
 * TASK_WATCH_WAIT_MS at a time (what virtfn's task watcher holds): no polling schedule, so
 * neither spends the agents' CPU, the bottleneck here, on looks at a task still running.
 */
const waitLikeVirtfn = TASK_WATCH_WAIT_MS;

/**
 * The baseline: the agents alone, through agent-client, all at once. Every split must succeed,
 * or the figure is not a baseline. Run right before and right after each virtfn phase, on the
 * same PF restored in between, and that phase is counted against their mean: this machine's
 * speed drifts within a run (the same baseline took 29.9 s and, minutes later, 14.3 s), and a
 * baseline far from a phase would favour one side.
 */
async function baselineSplit(run: string): Promise<number> {
  const t0 = performance.now();
  const { value: results, cost } = await costOf(null, () =>
    Promise.allSettled(
      clients.map((client, i) =>
        client.setVfCountAndWait(BASELINE_PCI, VFS, {
          operationId: `bench-split-${run}-${i}`,
          waitMs: waitLikeVirtfn,
        }),
      ),
    ),
  );
  const ms = performance.now() - t0;
  const failed = results.filter((result) => result.status === "rejected");
  console.log(
    `baseline (${run}), ${HOSTS} agents alone splitting at once: ${(ms / 1000).toFixed(2)}s, failed: ${failed.length}; ${describeCost(cost)}`,
  );
  if (failed.length > 0) {
    const first = failed[0];
    throw new Error(
      `the baseline is not valid: ${failed.length} agent splits failed (first: ${first?.status === "rejected" ? String(first.reason) : ""})`,
    );
  }
  return ms;
}

/** Untimed: the baseline PF back to 0 VFs, straight through the agents, for the next run. */
async function restoreBaselinePf(run: string): Promise<void> {
  await Promise.all(
    clients.map((client, i) =>
      client.setVfCountAndWait(BASELINE_PCI, 0, {
        operationId: `bench-restore-${run}-${i}`,
        pollMs: 100,
      }),
    ),
  );
}

/** The worker as its own process, as deployed: the requests here play the web app's part. */
async function withWorker<T>(
  concurrency: number,
  work: (workerPid: number | null) => Promise<T>,
): Promise<T> {
  const child = spawn(
    process.execPath,
    [
      // BENCH_WORKER_PROF=<dir>: a V8 CPU profile of each run's worker, written when it stops.
      ...(process.env.BENCH_WORKER_PROF
        ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_WORKER_PROF]
        : []),
      "--import",
      "tsx",
      path.join(repoRoot, "apps/worker/src/main.ts"),
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: services.databaseUrl,
        REDIS_URL: services.redisUrl,
        VIRTFN_QUEUE_PREFIX: `bench-split-${concurrency}-${Date.now()}`,
        VIRTFN_WORKER_CONCURRENCY: String(concurrency),
        VIRTFN_RECONCILE_MS: "0",
        VIRTFN_AGENT_TIMEOUT_MS: String(AGENT_TIMEOUT_MS),
      },
      // Stdout is read for the worker's "ready" line; BENCH_WORKER_LOG=<file prefix> keeps its
      // JSON log lines, one file per run, to see where a run's time goes.
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const logFile = process.env.BENCH_WORKER_LOG
    ? createWriteStream(`${process.env.BENCH_WORKER_LOG}-${concurrency}.jsonl`)
    : null;
  // Timed work starts once the worker is up: loading its TypeScript takes seconds of CPU, which
  // a deployed worker spent long before any request, and the baseline's agents never pay.
  const ready = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before ready`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      logFile?.write(`${line}\n`);
      if (line.includes('"msg":"ready"')) resolve();
    });
  });
  try {
    await ready;
    return await work(child.pid ?? null);
  } finally {
    child.kill("SIGTERM");
    await exited;
    logFile?.end();
  }
}

/** The count columns of the harness's poll, checked (a raw row is unknown). */
function openCounts(row: unknown): { open: number; failed: number } {
  if (
    typeof row === "object" &&
    row !== null &&
    "open" in row &&
    "failed" in row &&
    typeof row.open === "number" &&
    typeof row.failed === "number"
  )
    return { open: row.open, failed: row.failed };
  throw new Error(`unexpected poll row ${JSON.stringify(row)}`);
}

/**
 * The harness's own polling, not virtfn's: one plain statement per 100 ms tick for all the
 * operations (through the pool's pg client, not Prisma's query compiler), so its cost stays out of
 * the figure as far as it can.
 */
async function waitAll(database: Db, ids: string[]): Promise<{ failed: number }> {
  for (;;) {
    const [row] = await queryRows(
      database,
      Prisma.sql`
      SELECT count(*) FILTER (WHERE status IN ('Pending', 'Running'))::int AS open,
             count(*) FILTER (WHERE status = 'Failed')::int AS failed
        FROM "Operation" WHERE id = ANY(${ids}::uuid[])`,
    );
    const counts = openCounts(row);
    if (counts.open === 0) return { failed: counts.failed };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ten at a time through virtfn, each ten waited for: the hosts' setup (untimed). */
async function tenAtATime<T extends { operation: { id: string } }>(
  count: number,
  send: (i: number) => Promise<T>,
): Promise<T[]> {
  const done: T[] = [];
  for (let from = 0; from < count; from += 10) {
    const sent = await Promise.all(
      Array.from({ length: Math.min(10, count - from) }, async (_, k) => {
        for (;;) {
          try {
            return await send(from + k);
          } catch (error) {
            // Untimed work only: a loaded machine may not start a transaction in time; the
            // measured runs count these.
            if (!(
              typeof error === "object" &&
              error !== null &&
              "code" in error &&
              error.code === "P2028"
            ))
              throw error;
          }
        }
      }),
    );
    await waitAll(
      db,
      sent.map((entry) => entry.operation.id),
    );
    done.push(...sent);
  }
  return done;
}

/** Untimed: the PFs a virtfn run split, back to 0 VFs through virtfn, all at once. */
async function restoreThroughVirtfn(name: string): Promise<void> {
  const pfs = await db.physicalNic.findMany({
    where: { hostId: { in: hostIds }, name, numVfs: { gt: 0 } },
    select: { id: true },
  });
  const restored = await Promise.all(
    pfs.map((pf) => restorePhysicalNic(db, actor, { pfId: pf.id, force: false })),
  );
  const { failed } = await waitAll(
    db,
    restored.map((entry) => entry.operation.id),
  );
  if (failed > 0) throw new Error(`${failed} restores of ${name} failed`);
}

async function idlePfs(name: string): Promise<string[]> {
  const pfs = await db.physicalNic.findMany({
    where: { hostId: { in: hostIds }, name, numVfs: 0 },
    select: { id: true },
  });
  if (pfs.length !== HOSTS)
    throw new Error(`expected ${HOSTS} idle ${name} PFs, found ${pfs.length}`);
  return pfs.map((pf) => pf.id);
}

interface Outcome {
  ms: number;
  refused: Map<string, number>;
  failed: number;
}

/** Sends every request at once and times until the last operation finished. */
async function viaVirtfn(
  pfIds: string[],
  send: (pfId: string) => Promise<{ operation: { id: string } }>,
): Promise<Outcome> {
  const refused = new Map<string, number>();
  const t0 = performance.now();
  const results = await Promise.allSettled(pfIds.map(send));
  const ids: string[] = [];
  for (const result of results) {
    if (result.status === "fulfilled") ids.push(result.value.operation.id);
    else {
      const error: unknown = result.reason;
      const code = isDomainError(error)
        ? error.code
        : typeof error === "object" && error !== null && "code" in error
          ? String(error.code)
          : "UNKNOWN";
      refused.set(code, (refused.get(code) ?? 0) + 1);
    }
  }
  const { failed } = await waitAll(db, ids);
  if (process.env.BENCH_TIMELINE)
    await printOperationTimes(ids, Date.now() - (performance.now() - t0));
  return { ms: performance.now() - t0, refused, failed };
}

/** "startedAt, s from the phase's start, quantiles 0/10/50/90/100: 0.20 0.72 2.05 2.62 2.73" */
async function printOperationTimes(ids: string[], startMs: number): Promise<void> {
  for (const column of ["createdAt", "startedAt", "finishedAt"]) {
    const [row] = await queryRows(
      db,
      Prisma.sql`
      SELECT percentile_cont(ARRAY[0, 0.1, 0.5, 0.9, 1]::float8[])
               WITHIN GROUP (ORDER BY extract(epoch FROM ${Prisma.raw(`"${column}"`)})) AS at
        FROM "Operation" WHERE id = ANY(${ids}::uuid[])`,
    );
    const at = z.object({ at: z.array(z.number()) }).parse(row).at;
    console.log(
      `  ${column}, s from the phase's start, quantiles 0/10/50/90/100: ${at.map((s) => (s - startMs / 1000).toFixed(2)).join(" ")}`,
    );
  }
}

const describe = (outcome: Outcome): string => {
  const refused = [...outcome.refused].map(([code, n]) => `${code}×${n}`).join(", ") || "none";
  return `${(outcome.ms / 1000).toFixed(2)}s, refused: ${refused}, failed operations: ${outcome.failed}`;
};

/** pg_stat_statements, when the server preloads it: the statements a phase ran, per split. */
const statements = await db
  .$executeRawUnsafe(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`)
  .then(() => db.$queryRawUnsafe(`SELECT 1 FROM pg_stat_statements LIMIT 1`))
  .then(
    () => true,
    () => false,
  );
async function printStatements(): Promise<void> {
  if (!statements) return;
  const rows = await db.$queryRawUnsafe<
    Array<{ calls: number; total: number; plan: number; rows: number; query: string }>
  >(`SELECT calls::int, total_exec_time::float8 AS total, total_plan_time::float8 AS plan, rows::int, query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`);
  // Planning time is 0 unless the server runs with pg_stat_statements.track_planning = on.
  for (const row of rows)
    console.log(
      `  pg: ${(row.calls / HOSTS).toFixed(2)} calls/PF, ${(row.total / HOSTS).toFixed(2)} ms/PF (+${(row.plan / HOSTS).toFixed(2)} planning), ${(row.rows / HOSTS).toFixed(1)} rows/PF: ${row.query.replace(/\s+/g, " ").slice(0, 160)}`,
    );
}

let hostIds: string[] = [];
/** Each virtfn run's baseline is the mean of the one before it and the one after it. */
const baselines: number[] = [];
const virtfnRuns: Array<{ round: number; concurrency: number; ms: number }> = [];
for (let round = 1; round <= ROUNDS; round += 1)
  for (const concurrency of [8, 64] as const) {
    const ms = await withWorker(concurrency, async (workerPid) => {
      // The setup (untimed): the hosts, added through virtfn itself by the first worker.
      if (hostIds.length === 0)
        hostIds = (
          await tenAtATime(fleet.urls.length, (i) =>
            addHost(db, actor, {
              name: `h${i}`,
              clusterId: cluster.id,
              agentUrl: fleet.urls[i] ?? "",
              agentToken: TOKEN,
              scanIommu: false,
            }),
          )
        ).map((added) => added.host.id);
      // Each worker has seen a burst before it is timed, as a deployed one has: all 200 hosts
      // reconnected at once (untimed). A connection's first statements cost Postgres tens of ms
      // (catalog caches), which a deployed worker paid long before an admin splits a fleet, and
      // keeps paid (VIRTFN_DB_POOL_MIN); a worker started for the run would pay it in the timed
      // phase, for all the connections the burst opens.
      const reconnected = await Promise.all(
        hostIds.map((hostId) => reconnectHost(db, actor, { hostId })),
      );
      await waitAll(
        db,
        reconnected.map((entry) => entry.operation.id),
      );
      // Untimed: a later round splits again the PFs an earlier one split, restored through virtfn.
      if (round > 1) await restoreThroughVirtfn(VIRTFN_PFS[concurrency]);
      if (baselines.length > 0) await restoreBaselinePf(String(baselines.length));
      baselines.push(await baselineSplit(String(baselines.length + 1)));
      const pfIds = await idlePfs(VIRTFN_PFS[concurrency]);
      if (statements) await db.$queryRawUnsafe(`SELECT pg_stat_statements_reset()`);
      const { value: split, cost } = await costOf(workerPid, () =>
        viaVirtfn(pfIds, (pfId) => splitPhysicalNic(db, actor, { pfId, count: VFS })),
      );
      console.log(
        `virtfn split of ${HOSTS} PFs at worker concurrency ${concurrency}: ${describe(split)}; ${describeCost(cost)}`,
      );
      await printStatements();
      return split.ms;
    });
    virtfnRuns.push({ round, concurrency, ms });
  }
await restoreBaselinePf(String(baselines.length));
baselines.push(await baselineSplit(String(baselines.length + 1)));

const ratios = new Map<number, number[]>();
for (const [i, run] of virtfnRuns.entries()) {
  const baselineMs = ((baselines[i] ?? NaN) + (baselines[i + 1] ?? NaN)) / 2;
  console.log(
    ratio(
      `split, worker concurrency ${run.concurrency}, round ${run.round}, vs agents alone (mean of the runs just before and after it; lower is better)`,
      run.ms / 1000,
      baselineMs / 1000,
      "s",
    ),
  );
  ratios.set(run.concurrency, [...(ratios.get(run.concurrency) ?? []), run.ms / baselineMs]);
}
// One figure per concurrency: the median round, so that one round on a machine whose speed
// changed in the middle of it neither makes nor breaks the figure. Every round is printed above.
for (const [concurrency, each] of ratios)
  console.log(
    `split, worker concurrency ${concurrency}, vs agents alone, median of ${each.length} rounds: ${quantile(each, 0.5).toFixed(3)}× (rounds: ${each.map((r) => `${r.toFixed(3)}×`).join(", ")})`,
  );

await fleet.close();
await db.$disconnect();
await services.stop();
