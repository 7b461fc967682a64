// One operation end to end (request → outbox → BullMQ → worker → agent → Succeeded) against the
// queue's own speed: a bare BullMQ round trip whose job makes one agent GET /v1/health, measured
// in the same run on the same Redis. `npm run bench -- oppath`.
// The agents run in a child process, as they run on their own hosts in production, so that
// neither the baseline's worker nor virtfn's shares its event loop with them. A second baseline
// makes, in its bare job, the same agent calls host.connect makes (health, facts and NICs at
// once), so that the control plane's own share can be read apart from the agent's work.
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { createAgentClient, type AgentClient } from "@virtfn/agent-client";
import { addHost, getOperation, reconnectHost, seedDemo, type Actor } from "@virtfn/core";
import { createDb } from "@virtfn/db";
import { startWorker } from "@virtfn/worker";
import { benchServices } from "./lib/services";
import { startFleetProcess } from "./lib/sim-fleet";
import { quantile, ratio, stats } from "./lib/stats";

const TOKEN = "bench-agent-token-0123456789";
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 200);
const PARALLEL = 32;
const PER_LANE = Number(process.env.BENCH_PER_LANE ?? 10);
const CONCURRENCY = 8;

const services = await benchServices("oppath");
const db = createDb(services.databaseUrl);
await seedDemo(db, []);
const adminUser = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
const actor: Actor = { userId: adminUser.id, username: "admin", role: "Admin", projectIds: [] };
const cluster = await db.cluster.findFirstOrThrow();
const fleet = await startFleetProcess({
  size: PARALLEL,
  profile: "kvm-i350-82599",
  perVfDelayMs: 0,
  token: TOKEN,
});
const clients: AgentClient[] = fleet.urls.map((url) =>
  createAgentClient({ baseUrl: url, token: TOKEN }),
);
const redis = (): Redis => new Redis(services.redisUrl, { maxRetriesPerRequest: null });
console.log(
  `virtfn bench oppath: ${os.cpus().length} cores, Node ${process.version}, worker concurrency ${CONCURRENCY}`,
);

// Baseline: Queue.add → Worker (one agent health call) → QueueEvents, nothing else.
const barePrefix = `bench-bare-${Date.now()}`;
const bareConnections = { queue: redis(), worker: redis(), events: redis() };
type BareJob = { agent: number; calls: "health" | "connect" };
const bareQueue = new Queue<BareJob, void, string>("bare", {
  connection: bareConnections.queue,
  prefix: barePrefix,
});
const bareWorker = new Worker<BareJob>(
  "bare",
  async (job) => {
    const client = clients[job.data.agent];
    if (!client) return;
    if (job.data.calls === "health") await client.health();
    else await Promise.all([client.health(), client.getFacts(), client.listPhysicalNics()]);
  },
  { connection: bareConnections.worker, prefix: barePrefix, concurrency: CONCURRENCY },
);
const bareEvents = new QueueEvents("bare", {
  connection: bareConnections.events,
  prefix: barePrefix,
});
await bareEvents.waitUntilReady();
async function bareRoundTrip(agent: number, calls: BareJob["calls"] = "health"): Promise<void> {
  const job = await bareQueue.add("ping", { agent, calls }, { removeOnComplete: true });
  await job.waitUntilFinished(bareEvents);
}
for (let i = 0; i < 20; i++) await bareRoundTrip(0);
const bareSeq: number[] = [];
const sameCallsSeq: number[] = [];
for (let i = 0; i < SEQUENTIAL; i++) {
  const t0 = performance.now();
  await bareRoundTrip(0);
  bareSeq.push(performance.now() - t0);
  const t1 = performance.now();
  await bareRoundTrip(0, "connect");
  sameCallsSeq.push(performance.now() - t1);
}
const bareStart = performance.now();
await Promise.all(
  clients.map(async (_, lane) => {
    for (let i = 0; i < PER_LANE; i++) await bareRoundTrip(lane);
  }),
);
const bareRate = (PARALLEL * PER_LANE * 1000) / (performance.now() - bareStart);
console.log(`baseline, bare BullMQ round trip + GET /v1/health, sequential: ${stats(bareSeq)}`);
console.log(
  `baseline, bare BullMQ round trip + host.connect's agent calls (health, facts, NICs at once), sequential: ${stats(sameCallsSeq)}`,
);
console.log(`baseline, ${PARALLEL}-way: ${bareRate.toFixed(1)}/s`);
await bareWorker.close();
await bareEvents.close();
await bareQueue.close();
for (const connection of Object.values(bareConnections)) connection.disconnect();

// virtfn: host reconnect (host.connect: health, facts and NICs from the agent, recorded in
// Postgres) through the real service, outbox, dispatcher, queue and worker, at default settings.
const queuePrefix = `bench-oppath-${Date.now()}`;
const worker = await startWorker(
  {
    databaseUrl: services.databaseUrl,
    redisUrl: services.redisUrl,
    queuePrefix,
    concurrency: CONCURRENCY,
    reconcileMs: 0,
    dispatchMs: 200,
    jobAttempts: 4,
    jobBackoffMs: 1000,
    lockMs: 30_000,
  },
  () => undefined,
);
// Completion comes from BullMQ's own events, as in the baseline: no polling of the database.
const eventsConnection = redis();
const events = new QueueEvents("hosts", { connection: eventsConnection, prefix: queuePrefix });
await events.waitUntilReady();
const finished = new Map<string, string>();
const waiters = new Map<string, (outcome: string) => void>();
const settle = (jobId: string, outcome: string) => {
  const waiter = waiters.get(jobId);
  if (waiter) waiter(outcome);
  else finished.set(jobId, outcome);
};
events.on("completed", ({ jobId }) => settle(jobId, "completed"));
events.on("failed", ({ jobId, failedReason }) => settle(jobId, `failed: ${failedReason}`));
function finishedOf(id: string): Promise<string> {
  const early = finished.get(id);
  if (early) return Promise.resolve(early);
  return new Promise((resolve) => waiters.set(id, resolve));
}

const hostIds: string[] = [];
for (const [i, url] of fleet.urls.entries()) {
  const { host, operation } = await addHost(db, actor, {
    name: `h${i}`,
    clusterId: cluster.id,
    agentUrl: url,
    agentToken: TOKEN,
    scanIommu: false,
  });
  await finishedOf(operation.id);
  hostIds.push(host.id);
}

let failures = 0;
async function reconnect(hostId: string): Promise<void> {
  const { operation } = await reconnectHost(db, actor, { hostId });
  const outcome = await finishedOf(operation.id);
  waiters.delete(operation.id);
  if (outcome !== "completed") failures++;
}
const first = hostIds[0] ?? "";
for (let i = 0; i < 20; i++) await reconnect(first);
const opSeq: number[] = [];
for (let i = 0; i < SEQUENTIAL; i++) {
  const t0 = performance.now();
  await reconnect(first);
  opSeq.push(performance.now() - t0);
}
// Where the time goes, from the rows' own timestamps (Postgres clock, millisecond precision).
const phases = await db.$queryRaw<{ dispatch: number; start: number; run: number }[]>`
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e."dispatchedAt" - o."createdAt") * 1000) AS dispatch,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o."startedAt" - o."createdAt") * 1000) AS start,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o."finishedAt" - o."startedAt") * 1000) AS run
    FROM "Operation" o JOIN "OutboxEntry" e ON e."operationId" = o.id WHERE o.kind = 'host.connect'`;
const phase = phases[0];
if (phase) {
  console.log(
    `virtfn phases (p50): commit → enqueued ${Number(phase.dispatch).toFixed(1)}ms, commit → worker started ${Number(phase.start).toFixed(1)}ms, worker run ${Number(phase.run).toFixed(1)}ms`,
  );
}
const opStart = performance.now();
await Promise.all(
  hostIds.map(async (hostId) => {
    for (let i = 0; i < PER_LANE; i++) await reconnect(hostId);
  }),
);
const opRate = (PARALLEL * PER_LANE * 1000) / (performance.now() - opStart);
const last = await db.operation.findFirstOrThrow({
  where: { kind: "host.connect" },
  orderBy: { createdAt: "desc" },
});
const check = await getOperation(db, actor, last.id);
console.log(`virtfn host.connect end to end (3 agent calls), sequential: ${stats(opSeq)}`);
console.log(
  `virtfn ${PARALLEL}-way: ${opRate.toFixed(1)}/s; failed operations: ${failures}; last status ${check.status}`,
);
console.log(
  ratio(
    "operation p50 vs bare round trip p50 (lower is better)",
    quantile(opSeq, 0.5),
    quantile(bareSeq, 0.5),
    "ms",
  ),
);
console.log(
  ratio(
    "operation p50 vs bare round trip making the same agent calls p50 (lower is better)",
    quantile(opSeq, 0.5),
    quantile(sameCallsSeq, 0.5),
    "ms",
  ),
);
console.log(
  ratio(
    "operation p95 vs bare round trip p95 (lower is better)",
    quantile(opSeq, 0.95),
    quantile(bareSeq, 0.95),
    "ms",
  ),
);
console.log(ratio(`${PARALLEL}-way throughput vs bare (higher is better)`, opRate, bareRate, "/s"));

await events.close();
eventsConnection.disconnect();
await worker.close();
await fleet.close();
await db.$disconnect();
await services.stop();
