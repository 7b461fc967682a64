// Reconcile lag and agent calls in flight for a fleet of sim hosts, with 1, 2 and 4 worker
// processes sharing the reconciles through their claims. `npm run bench -- reconcile-lag`.
// Every host starts due at once (a cold start, or a fleet that fell behind), the workers work it
// off, and the lag (how long past its due time the most overdue host waits) is sampled until no
// host is overdue. The sim agents answer after BENCH_LATENCY_MS (a real agent reads sysfs over a
// network); they run in this process, the workers each in their own.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { startObservedSimFleet } from "@virtfn/agent";
import { reconcileLag, seedDemo } from "@virtfn/core";
import { createDb } from "@virtfn/db";
import { benchServices } from "./lib/services";
import { ratio } from "./lib/stats";

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "bench-agent-token-0123456789";
const HOSTS = Number(process.env.BENCH_HOSTS ?? 2000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
// Longer than any sweep here, so each host is reconciled once per run.
const PERIOD_MS = 600_000;

const services = await benchServices("reconcile_lag");
const db = createDb(services.databaseUrl);
await seedDemo(db, []);
const cluster = await db.cluster.findFirstOrThrow();
const stateDir = mkdtempSync(path.join(os.tmpdir(), "virtfn-bench-lag-"));
const fleet = await startObservedSimFleet({
  baseDir: stateDir,
  token: TOKEN,
  latencyMs: LATENCY_MS,
  countOnly: true,
  hosts: Array.from({ length: HOSTS }, (_, i) => ({ name: `lag-${i}`, profile: "kvm-e810" })),
});
await db.host.createMany({
  data: fleet.agents.map((agent) => ({
    name: agent.name,
    clusterId: cluster.id,
    agentUrl: agent.url,
    agentToken: TOKEN,
    connectionState: "Disconnected" as const,
  })),
});
console.log(
  `virtfn bench reconcile-lag: ${os.cpus().length} cores, Node ${process.version}, ${HOSTS} sim hosts, ${LATENCY_MS} ms per agent call, at most ${IN_FLIGHT} hosts in flight per worker`,
);

/** Starts `count` worker processes and resolves once each has printed that it is ready. */
async function startWorkers(count: number): Promise<ChildProcess[]> {
  const workers = Array.from({ length: count }, () =>
    spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "apps/worker/src/main.ts")], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: services.databaseUrl,
        REDIS_URL: services.redisUrl,
        VIRTFN_QUEUE_PREFIX: `bench-lag-${Date.now()}`,
        VIRTFN_RECONCILE_MS: String(PERIOD_MS),
        VIRTFN_RECONCILE_IN_FLIGHT: String(IN_FLIGHT),
      },
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          if (!worker.stdout) throw new Error("worker has no stdout");
          // Read to the end, not just to "ready": a full pipe would block the worker's logging.
          const lines = createInterface({ input: worker.stdout });
          lines.on("line", (line) => {
            if (line.includes("ready")) resolve();
          });
          worker.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
        }),
    ),
  );
  return workers;
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.exitCode !== null) return resolve();
          worker.once("exit", () => resolve());
          worker.kill("SIGTERM");
        }),
    ),
  );
}

interface Sweep {
  seconds: number;
  maxLag: number;
  p99Lag: number;
  peakInFlight: number;
  calls: number;
}

/** Makes every host due now, lets `count` workers work the fleet off, and samples the lag. */
async function sweep(count: number): Promise<Sweep> {
  // Nothing due while the workers load (seconds of TypeScript), which is not reconcile lag.
  await db.$executeRaw`UPDATE "Host" SET "reconcileDueAt" = now() + interval '1 day', "reconcileLeaseOwner" = NULL, "reconcileLeaseUntil" = NULL`;
  const running = await startWorkers(count);
  await db.$executeRaw`UPDATE "Host" SET "reconcileDueAt" = now()`;
  const callsBefore = fleet.total();
  fleet.resetPeak();
  const t0 = performance.now();
  let maxLag = 0;
  let p99Lag = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const lag = await reconcileLag(db);
    maxLag = Math.max(maxLag, lag.maxSeconds);
    p99Lag = Math.max(p99Lag, lag.p99Seconds);
    if (lag.overdue === 0) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const result = {
    seconds,
    maxLag,
    p99Lag,
    peakInFlight: fleet.peakInFlight(),
    calls: fleet.total() - callsBefore,
  };
  await stopWorkers(running);
  return result;
}

// Untimed: the first reconcile of each host records its NICs, which later ones only compare.
await sweep(4);
const results = new Map<number, Sweep>();
for (const count of [1, 2, 4]) {
  const result = await sweep(count);
  results.set(count, result);
  console.log(
    `${count} worker${count === 1 ? " " : "s"}: all ${HOSTS} hosts due at once, worked off in ${result.seconds.toFixed(1)}s; reconcile lag max ${result.maxLag.toFixed(1)}s, p99 ${result.p99Lag.toFixed(1)}s; agent calls in flight peak ${result.peakInFlight} (bound ${count * IN_FLIGHT}), ${result.calls} calls`,
  );
}
const one = results.get(1);
for (const count of [2, 4]) {
  const result = results.get(count);
  if (one && result)
    console.log(ratio(`max reconcile lag, ${count} workers vs 1`, result.maxLag, one.maxLag, "s"));
}

await fleet.close();
rmSync(stateDir, { recursive: true, force: true });
await db.$disconnect();
await services.stop();
