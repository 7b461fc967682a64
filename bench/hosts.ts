// Host add and listing through the whole operation path: real Postgres, BullMQ and sim agents.
// `npm run bench -- hosts`.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startAgent, type RunningAgent } from "@virtfn/agent";
import { createAgentClient } from "@virtfn/agent-client";
import { addHost, getOperation, listHosts, refreshHost, seedDemo, type Actor } from "@virtfn/core";
import { createDb } from "@virtfn/db";
import { startWorker } from "@virtfn/worker";
import { benchServices } from "./lib/services";
import { stats } from "./lib/stats";

const TOKEN = "bench-agent-token-0123456789";
const HOSTS = Number(process.env.BENCH_HOSTS ?? 20);

async function waitDone(db: ReturnType<typeof createDb>, actor: Actor, id: string): Promise<void> {
  for (;;) {
    const op = await getOperation(db, actor, id);
    if (op.status === "Succeeded") return;
    if (op.status === "Failed") throw new Error(`${op.errorCode}: ${op.errorMessage}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const services = await benchServices("hosts");
const url = services.databaseUrl;
const db = createDb(url);
await seedDemo(db, []);
const adminUser = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
const actor: Actor = { userId: adminUser.id, username: "admin", role: "Admin", projectIds: [] };
const cluster = await db.cluster.findFirstOrThrow();
const tmp = mkdtempSync(path.join(os.tmpdir(), "virtfn-bench-"));
const agents: RunningAgent[] = [];
for (let i = 0; i < HOSTS * 2; i++) {
  agents.push(
    await startAgent({
      port: 0,
      token: TOKEN,
      backend: "sim",
      sim: { stateDir: path.join(tmp, `h${i}`), profile: "kvm-i350-82599", perVfDelayMs: 0 },
    }),
  );
}
const worker = await startWorker(
  {
    databaseUrl: url,
    redisUrl: services.redisUrl,
    queuePrefix: `bench-${Date.now()}`,
    concurrency: 8,
    reconcileMs: 0,
    dispatchMs: 20,
    jobAttempts: 3,
    jobBackoffMs: 100,
    lockMs: 30_000,
  },
  () => undefined,
);

console.log(`virtfn bench: ${os.cpus().length} cores, Node ${process.version}`);

// 1. Host add, one at a time: API service → outbox → BullMQ → agent (3 HTTP calls) → DB.
const sequential: number[] = [];
for (let i = 0; i < HOSTS; i++) {
  const agent = agents[i];
  if (!agent) break;
  const t0 = performance.now();
  const { operation } = await addHost(db, actor, {
    name: `seq-${i}`,
    clusterId: cluster.id,
    agentUrl: agent.url,
    agentToken: TOKEN,
    scanIommu: false,
  });
  await waitDone(db, actor, operation.id);
  sequential.push(performance.now() - t0);
}
console.log(`host add, sequential (request → operation Succeeded): ${stats(sequential)}`);

// 2. The same, all at once.
const t1 = performance.now();
await Promise.all(
  agents.slice(HOSTS).map(async (agent, i) => {
    const { operation } = await addHost(db, actor, {
      name: `par-${i}`,
      clusterId: cluster.id,
      agentUrl: agent.url,
      agentToken: TOKEN,
      scanIommu: false,
    });
    await waitDone(db, actor, operation.id);
  }),
);
const parallelMs = performance.now() - t1;
console.log(
  `host add, ${HOSTS} concurrent: ${parallelMs.toFixed(0)}ms total, ${((HOSTS * 1000) / parallelMs).toFixed(1)} hosts/s`,
);

// 3. Listing: one page of 25 hosts with NIC and VF counts.
const listing: number[] = [];
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  await listHosts(db, actor, { limit: 25, sort: "name" });
  listing.push(performance.now() - t0);
}
console.log(`listHosts (25 of ${HOSTS * 2} hosts, 4 PFs each): ${stats(listing)}`);

// 4. Split 256 VFs on a sim E810 with no per-VF delay: the agent's own cost, then recording them.
const e810 = await startAgent({
  port: 0,
  token: TOKEN,
  backend: "sim",
  sim: { stateDir: path.join(tmp, "e810"), profile: "kvm-e810", perVfDelayMs: 0 },
});
const client = createAgentClient({ baseUrl: e810.url, token: TOKEN });
const nics = await client.listPhysicalNics();
const pf = nics.find((nic) => nic.totalVfs === 256);
if (pf) {
  const t0 = performance.now();
  await client.setVfCountAndWait(pf.pciAddress, 256, { operationId: "bench-split", pollMs: 20 });
  const splitMs = performance.now() - t0;
  const { host } = await addHost(db, actor, {
    name: "e810",
    clusterId: cluster.id,
    agentUrl: e810.url,
    agentToken: TOKEN,
    scanIommu: false,
  });
  const row = await db.host.findUniqueOrThrow({ where: { id: host.id } });
  const t2 = performance.now();
  await refreshHost(db, row, client);
  const firstSync = performance.now() - t2;
  const t3 = performance.now();
  await refreshHost(db, row, client);
  const steadySync = performance.now() - t3;
  console.log(
    `split 256 VFs on sim E810 (0 ms/VF): agent ${splitMs.toFixed(0)}ms; record 256 new VFs ${firstSync.toFixed(0)}ms; re-sync unchanged ${steadySync.toFixed(0)}ms`,
  );
}

await worker.close();
await Promise.all([...agents, e810].map((agent) => agent.close()));
await db.$disconnect();
rmSync(tmp, { recursive: true, force: true });
await services.stop();
