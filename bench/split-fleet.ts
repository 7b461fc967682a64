// Split one PF on each of 200 hosts at once (63 VFs at 30 ms/VF on the sim), against the same
// splits sent straight to the agents in the same run. `npm run bench -- split-fleet`.
// The agents run in a child process and the worker in another, so that none shares an event loop.
import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { createAgentClient } from "@virtfn/agent-client";
import { addHost, isDomainError, seedDemo, splitPhysicalNic, type Actor } from "@virtfn/core";
import { createDb, type Db } from "@virtfn/db";
import { benchServices } from "./lib/services";
import { startFleetProcess } from "./lib/sim-fleet";
import { ratio } from "./lib/stats";

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "bench-agent-token-0123456789";
const HOSTS = Number(process.env.BENCH_HOSTS ?? 200);
const PER_VF_MS = 30;
const VFS = 63;
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

// Baseline: the agents alone, through agent-client, all at once (poll every 100 ms). Every
// split must succeed, or the figure is not a baseline.
const t0 = performance.now();
const baselineResults = await Promise.allSettled(
  clients.map((client, i) =>
    client.setVfCountAndWait(BASELINE_PCI, VFS, { operationId: `bench-split-${i}`, pollMs: 100 }),
  ),
);
const baselineSplit = performance.now() - t0;
const baselineFailed = baselineResults.filter((result) => result.status === "rejected");
console.log(
  `baseline, ${HOSTS} agents alone splitting at once: ${(baselineSplit / 1000).toFixed(2)}s, failed: ${baselineFailed.length}`,
);
if (baselineFailed.length > 0) {
  const first = baselineFailed[0];
  throw new Error(
    `the baseline is not valid: ${baselineFailed.length} agent splits failed (first: ${first?.status === "rejected" ? String(first.reason) : ""})`,
  );
}

/** The worker as its own process, as deployed: the requests here play the web app's part. */
async function withWorker<T>(concurrency: number, work: () => Promise<T>): Promise<T> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, "apps/worker/src/main.ts")],
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
      // BENCH_WORKER_LOG=<file prefix>: the worker's JSON log lines, one file per run, to see
      // where a run's time goes.
      stdio: [
        "ignore",
        process.env.BENCH_WORKER_LOG
          ? openSync(`${process.env.BENCH_WORKER_LOG}-${concurrency}.jsonl`, "w")
          : "ignore",
        "inherit",
      ],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    return await work();
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

async function waitAll(database: Db, ids: string[]): Promise<{ failed: number }> {
  for (;;) {
    const open = await database.operation.count({
      where: { id: { in: ids }, status: { in: ["Pending", "Running"] } },
    });
    if (open === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    failed: await database.operation.count({ where: { id: { in: ids }, status: "Failed" } }),
  };
}

// Setup (untimed): the hosts, added through virtfn itself, a few at a time.
const hostIds = await withWorker(8, async () => {
  const ids: string[] = [];
  for (let from = 0; from < fleet.urls.length; from += 10) {
    const added = await Promise.all(
      fleet.urls.slice(from, from + 10).map(async (url, i) => {
        for (;;) {
          try {
            return await addHost(db, actor, {
              name: `h${from + i}`,
              clusterId: cluster.id,
              agentUrl: url,
              agentToken: TOKEN,
              scanIommu: false,
            });
          } catch (error) {
            // Setup only: a loaded machine may not start a transaction in time; the measured runs count these.
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
      added.map((entry) => entry.operation.id),
    );
    ids.push(...added.map((entry) => entry.host.id));
  }
  return ids;
});
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
  return { ms: performance.now() - t0, refused, failed };
}

const describe = (outcome: Outcome): string => {
  const refused = [...outcome.refused].map(([code, n]) => `${code}×${n}`).join(", ") || "none";
  return `${(outcome.ms / 1000).toFixed(2)}s, refused: ${refused}, failed operations: ${outcome.failed}`;
};

for (const concurrency of [8, 64] as const) {
  const pfIds = await idlePfs(VIRTFN_PFS[concurrency]);
  await withWorker(concurrency, async () => {
    const split = await viaVirtfn(pfIds, (pfId) =>
      splitPhysicalNic(db, actor, { pfId, count: VFS }),
    );
    console.log(
      `virtfn split of ${HOSTS} PFs at worker concurrency ${concurrency}: ${describe(split)}`,
    );
    console.log(
      ratio(
        `split, worker concurrency ${concurrency}, vs agents alone (lower is better)`,
        split.ms / 1000,
        baselineSplit / 1000,
        "s",
      ),
    );
  });
}

await fleet.close();
await db.$disconnect();
await services.stop();
