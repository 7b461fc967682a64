// Issue 14's replica test: 2 web and 3 worker processes on one Postgres and one Redis, a mixed
// load of a few hundred operations through the REST API of both webs, a web or worker SIGKILLed
// every few seconds (started again at once; one of each kind is always up) and a Redis SIGKILLed
// and restarted mid-load. Then: every operation finished, no change applied twice at a host for
// one operation (the sim hosts' own record), no VF held twice, each host reconciled by one worker
// per period (the hosts' record of the reconciler's calls), and one key's rate limit held across
// both webs.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentClient } from "@virtfn/agent-client";
import {
  addHost,
  createApiKey,
  createUser,
  splitPhysicalNic,
  type Actor,
  type L3View,
} from "@virtfn/core";
import {
  AGENT_TOKEN,
  createFixture,
  waitForOperation,
  type Fixture,
} from "../apps/worker/test/helpers";
import { freePort, startRedisProcess, type RedisProcess } from "../apps/worker/test/faults";
import { pfNamed } from "../apps/worker/test/sriov-helpers";
import { catalog, network, vfConsistency, type Catalog } from "../apps/worker/test/vms-helpers";
import { dataRoot, repoRoot } from "./lib/paths";
import { distDirFor, ensureWebBuild } from "./lib/web-build";
import {
  appliedTwice,
  reconcilesPerPeriod,
  serverErrorKinds,
  unexpectedServerErrors,
} from "./replicas/checks";
import { startReplicaFleet, type ReplicaFleet } from "./replicas/fleet";
import { emptyStats, laneTokens, runSplitLane, runVmLane, type LoadContext } from "./replicas/load";
import { bundleWorker, ReplicaSet, type Replica } from "./replicas/replica-set";

const HOSTS = 4;
const VM_PF = "p1p1";
const VM_VFS = 8;
const SPLIT_PF = "p1p2";
const VM_LANES = 8;
const LIFECYCLES = 5;
const PERIOD_MS = 3000;
const JITTER = 0.1;
/** Burst and per-minute refill of every API key's bucket: 50 requests per 10 minutes. */
const KEY_LIMIT = 50;
/**
 * Generous: a loaded CI machine, five Node processes and their restarts on two cores (a shared
 * machine at a load average of 40 took 40 s per restart and 10 minutes for the load).
 */
const READY_MS = 300_000;
const OPERATION_MS = 300_000;
/** The set-up (a web build included) and the test each; vitest's own limit, not an expectation. */
const TEST_MS = 1_800_000;

const log = (line: string) => console.log(`[replicas] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

/** Ports from the test run's block when it has one (VIRTFN_TEST_AGENT_BASE_PORT), else free ones. */
async function port(offset: number): Promise<number> {
  const base = process.env.VIRTFN_TEST_AGENT_BASE_PORT;
  return base ? Number(base) + 50 + offset : freePort();
}

describe("replicas: 2 web and 3 worker processes under SIGKILL and a Redis restart", () => {
  let fx: Fixture;
  let redis: RedisProcess;
  let fleet: ReplicaFleet;
  let replicas: ReplicaSet;
  let cat: Catalog;
  let l3: L3View;
  const splitPfIds: string[] = [];
  let adminToken = "";
  const laneKeys: string[][] = [];
  let burstToken = "";
  let fleetDir = "";
  const logDir = path.join(repoRoot, "test-results", "replicas");
  const bundle = path.join(
    repoRoot,
    "node_modules",
    ".cache",
    "virtfn-replicas",
    `worker-${process.pid}.mjs`,
  );

  beforeAll(async () => {
    const started = Date.now();
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
    fx = await createFixture("replicas");
    fleetDir = mkdtempSync(
      path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-replicas-"),
    );
    const names = Array.from({ length: HOSTS }, (_, i) => `replica-host-${i}`);
    // The web build is the e2e stack's (same data folder): `npm test` builds it once for both.
    const testDataDir = process.env.VIRTFN_TEST_DATA_DIR ?? path.join(dataRoot, "test");
    const webDistDir = distDirFor(path.join(testDataDir, "e2e"));
    const webPorts = [await port(0), await port(1)];
    [redis, fleet] = await Promise.all([
      startRedisProcess("replicas", await port(2)),
      startReplicaFleet({
        dir: fleetDir,
        names,
        profile: "kvm-i350-82599",
        token: AGENT_TOKEN,
        port: await port(3),
      }),
      bundleWorker(bundle),
      ensureWebBuild(webDistDir, log, true, path.join(logDir, "build.log")),
    ]);
    log(
      `web build, worker bundle, Redis and sim hosts ready in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );

    replicas = new ReplicaSet({
      env: {
        DATABASE_URL: fx.database.url,
        REDIS_URL: redis.url,
        VIRTFN_QUEUE_PREFIX: fx.config.queuePrefix,
      },
      workerEnv: {
        VIRTFN_WORKER_CONCURRENCY: "4",
        VIRTFN_RECONCILE_MS: String(PERIOD_MS),
        VIRTFN_RECONCILE_JITTER: String(JITTER),
        VIRTFN_RECONCILE_IN_FLIGHT: "4",
        // Far longer than a period, as in the sharded reconciler's test: a worker starved of CPU
        // for longer than its lease loses its claims to another (a loaded machine stalled every
        // process here for 15 s), and a dead worker's hosts wait this long for another.
        VIRTFN_RECONCILE_LEASE_MS: "30000",
        VIRTFN_DISPATCH_MS: "1000",
        VIRTFN_JOB_BACKOFF_MS: "500",
        // A killed worker's jobs are taken over once their lock runs out.
        VIRTFN_LOCK_MS: "10000",
        VIRTFN_REQUEUE_MS: "3000",
        // The sim hosts answer in milliseconds when the machine is idle, in seconds under this
        // load: a timeout that retried them would be the test's own fault.
        VIRTFN_AGENT_TIMEOUT_MS: "30000",
      },
      webEnv: {
        VIRTFN_RATE_LIMIT_KEY: `${KEY_LIMIT}/5`,
        // A killed web's Idempotency-Keys are free for the client's retry after this.
        VIRTFN_IDEMPOTENCY_LEASE_MS: "5000",
      },
      workerBundle: bundle,
      webDistDir,
      webPorts,
      workers: 3,
      logDir,
      log,
    });
    await replicas.startAll(READY_MS);
    log(`2 web and 3 worker processes ready after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    // The hosts, their VFs and networks, through core (the load under test comes later).
    const added = await Promise.all(
      fleet.agents.map((agent) =>
        addHost(fx.db, fx.admin, {
          name: agent.name,
          clusterId: fx.clusterId,
          agentUrl: agent.url,
          agentToken: AGENT_TOKEN,
        }),
      ),
    );
    for (const { host, operation } of added) {
      const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, OPERATION_MS);
      expect(done.status, done.errorMessage ?? "").toBe("Succeeded");
      const pf = await pfNamed(fx.db, host.id, VM_PF);
      const split = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: VM_VFS });
      const splitDone = await waitForOperation(
        fx.db,
        fx.admin,
        split.operation.id,
        undefined,
        OPERATION_MS,
      );
      expect(splitDone.status, splitDone.errorMessage ?? "").toBe("Succeeded");
      splitPfIds.push((await pfNamed(fx.db, host.id, SPLIT_PF)).id);
    }
    l3 = await network(fx, { name: "replicas", iface: VM_PF, cidr: "10.46.0.0/24", sriov: true });
    cat = await catalog(fx.db);
    adminToken = (await createApiKey(fx.db, fx.admin, { name: "replicas-admin" })).token;
    burstToken = (
      await createApiKey(fx.db, fx.tenant, { name: "replicas-burst", projectId: cat.projectId })
    ).token;
    // A tenant per lane: a user may hold 25 API keys, and each lifecycle has a key of its own.
    for (let i = 0; i < VM_LANES; i += 1) {
      const user = await createUser(fx.db, fx.admin, {
        username: `replicas-lane-${i}`,
        password: `replicas-lane-${i}-password`,
        role: "Tenant",
        projectIds: [cat.projectId],
      });
      const tenant: Actor = {
        userId: user.id,
        username: user.username,
        role: "Tenant",
        projectIds: [cat.projectId],
      };
      laneKeys.push(await laneTokens(fx.db, tenant, cat.projectId, `lane-${i}`, LIFECYCLES));
    }
    log(`set up in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }, TEST_MS);

  afterAll(async () => {
    await replicas?.stopAll();
    await fleet?.close();
    await redis?.stop();
    if (fleetDir) rmSync(fleetDir, { recursive: true, force: true });
    rmSync(bundle, { force: true });
    await fx?.cleanup();
  });

  it(
    "finishes every operation, applies nothing twice, holds no VF twice, reconciles each host once per period and shares the rate limit",
    async () => {
      const started = Date.now();
      const ctx: LoadContext = {
        db: fx.db,
        webUrls: replicas.webUrls(),
        stats: emptyStats(),
        operations: [],
        deadlineMs: OPERATION_MS,
      };
      const plannedOps = VM_LANES * (LIFECYCLES * 5 - 1);

      // No VF held twice at any moment: sampled all along, not only at the end.
      const worstVfState = { doubles: 0, heldWithoutHolder: 0, holderOfFreeVf: 0 };
      let loadDone = false;
      const sampler = (async () => {
        while (!loadDone) {
          const now = await vfConsistency(fx.db);
          worstVfState.doubles = Math.max(worstVfState.doubles, now.doubles);
          worstVfState.heldWithoutHolder = Math.max(
            worstVfState.heldWithoutHolder,
            now.heldWithoutHolder,
          );
          worstVfState.holderOfFreeVf = Math.max(worstVfState.holderOfFreeVf, now.holderOfFreeVf);
          await sleep(1000);
        }
      })();

      // Chaos: every 2–4.5 s a SIGKILL of a web or worker whose kind keeps another one up, started
      // again at once (the next kill waits for it); once a third of the load is through, Redis is
      // SIGKILLed and restarted.
      const kills: string[] = [];
      const restarts = new Set<Promise<void>>();
      const chaosErrors: string[] = [];
      let redisRestarted = false;
      const chaos = (async () => {
        while (!loadDone) {
          await sleep(2000 + Math.random() * 2500);
          // One process down at a time: a loaded machine restarts slowly, and kills piling up
          // on restarts would measure the machine, not the control plane.
          await Promise.all(restarts);
          if (loadDone) break;
          if (!redisRestarted && ctx.operations.length >= plannedOps / 3) {
            redisRestarted = true;
            log(`${((Date.now() - started) / 1000).toFixed(1)} s: SIGKILL redis`);
            await redis.kill();
            await sleep(1000);
            await redis.start();
            log(`${((Date.now() - started) / 1000).toFixed(1)} s: redis started again`);
            continue;
          }
          const candidates: Replica[] = (["web", "worker"] as const).flatMap((kind) => {
            const ready = replicas.ready(kind);
            return ready.length >= 2 ? ready : [];
          });
          const victim = pick(candidates);
          if (!victim) continue;
          kills.push(victim.name);
          log(
            `${((Date.now() - started) / 1000).toFixed(1)} s: SIGKILL ${victim.name} (pid ${victim.process?.child.pid})`,
          );
          const restart = replicas
            .killAndRestart(victim, READY_MS)
            .catch((error: unknown) => {
              chaosErrors.push(`${victim.name}: ${String(error)}`);
            })
            .finally(() => restarts.delete(restart));
          restarts.add(restart);
        }
      })();

      let vmLanesDone = false;
      try {
        await Promise.all([
          (async () => {
            await Promise.all(
              Array.from({ length: VM_LANES }, (_, i) =>
                runVmLane(ctx, {
                  name: `lane-${i}`,
                  tokens: laneKeys[i] ?? [],
                  projectId: cat.projectId,
                  offeringId: cat.offeringId,
                  imageId: cat.imageId,
                  l3Id: l3.id,
                }),
              ),
            );
            vmLanesDone = true;
          })(),
          runSplitLane(ctx, {
            name: "splitter",
            token: adminToken,
            pfIds: splitPfIds,
            vfs: 4,
            keepGoing: () => !vmLanesDone,
          }),
        ]);
      } finally {
        loadDone = true;
        await Promise.all([chaos, sampler, ...restarts]);
      }
      log(
        `load done in ${((Date.now() - started) / 1000).toFixed(0)} s: ${ctx.operations.length} operations asked for, ` +
          `${kills.length} kills (${kills.filter((k) => k.startsWith("web")).length} web), redis restarted: ${redisRestarted}; ` +
          `client: ${JSON.stringify({ ...ctx.stats, serverErrors: ctx.stats.serverErrors.length })}`,
      );
      log(
        `server errors by kind: ${serverErrorKinds(ctx.stats.serverErrors).join(", ") || "none"}`,
      );
      expect(chaosErrors).toEqual([]);
      // A killed web or Redis restart may cost an answer (a lost connection) or a 503 with
      // Retry-After from a live web whose database calls ran out of time; never a 500.
      expect(unexpectedServerErrors(ctx.stats.serverErrors)).toEqual([]);
      expect(redisRestarted).toBe(true);
      expect(kills.filter((k) => k.startsWith("web")).length).toBeGreaterThan(0);
      expect(kills.filter((k) => k.startsWith("worker")).length).toBeGreaterThan(0);

      // Every operation, the lanes' and any the reconciler or a sweep started, finishes.
      const deadline = Date.now() + OPERATION_MS;
      let unfinished = await fx.db.operation.findMany({
        where: { status: { in: ["Pending", "Running"] } },
        select: { id: true, kind: true, status: true, progressMessage: true },
      });
      while (unfinished.length > 0 && Date.now() < deadline) {
        await sleep(500);
        unfinished = await fx.db.operation.findMany({
          where: { status: { in: ["Pending", "Running"] } },
          select: { id: true, kind: true, status: true, progressMessage: true },
        });
      }
      expect(unfinished).toEqual([]);
      const byStatus = await fx.db.operation.groupBy({ by: ["kind", "status"], _count: true });
      log(
        `operations: ${byStatus.map((row) => `${row.kind} ${row.status} ${row._count}`).join(", ")}`,
      );
      const failed = await fx.db.operation.findMany({
        where: { status: { not: "Succeeded" } },
        select: { kind: true, status: true, errorCode: true, errorMessage: true },
      });
      expect(failed).toEqual([]);
      const refused = ctx.operations.filter((op) => op.operationId === null);
      expect(refused).toEqual([]);
      expect(ctx.operations.length).toBeGreaterThanOrEqual(plannedOps);

      // No VF held twice, during the load or after it; nothing left reserved or releasing.
      expect(worstVfState).toEqual({ doubles: 0, heldWithoutHolder: 0, holderOfFreeVf: 0 });
      expect(await vfConsistency(fx.db)).toEqual({
        doubles: 0,
        heldWithoutHolder: 0,
        holderOfFreeVf: 0,
      });
      expect(
        await fx.db.virtualFunction.count({ where: { state: { in: ["Reserved", "Releasing"] } } }),
      ).toBe(0);
      // The hosts' own record, taken before the test reads the hosts itself below: those reads carry
      // no reconcile claim and would count as passes.
      const records = await fleet.records();
      // The hosts agree: each kept VM's VF is in its running domain, and in no other.
      const vms = await fx.db.vm.findMany({
        include: { host: true, nics: { include: { vf: true } } },
      });
      expect(vms.length).toBe(VM_LANES);
      const vfsInDomains: string[] = [];
      for (const agent of fleet.agents) {
        const snapshot = await createAgentClient({
          baseUrl: agent.url,
          token: AGENT_TOKEN,
        }).snapshot();
        for (const domain of snapshot.domains)
          if (domain.state === "running")
            vfsInDomains.push(...domain.vfs.map((vf) => `${agent.name} ${vf}`));
        for (const vm of vms.filter((row) => row.host?.name === agent.name)) {
          expect(vm.state, vm.name).toBe("Running");
          const domain = snapshot.domains.find((d) => d.name === vm.id);
          expect(domain?.state, vm.name).toBe("running");
          for (const nic of vm.nics.filter((n) => n.type === "VF"))
            expect(domain?.vfs, vm.name).toContain(nic.vf?.pciAddress);
        }
      }
      expect(vfsInDomains.length).toBe(new Set(vfsInDomains).size);
      expect(vfsInDomains.length).toBe(VM_LANES);

      // Nothing applied twice for one operation, one reconcile per period.
      const reconciled = reconcilesPerPeriod(
        records.calls,
        fleet.agents.map((agent) => agent.name),
        PERIOD_MS,
        JITTER,
      );
      log(
        `at the hosts: ${records.calls.length} calls, ${records.applied.length} changes applied ` +
          `(${records.applied.filter((a) => a.operationId === null).length} by the reconciler); ` +
          `reconcile passes per host: ${[...reconciled.passes.values()].join(", ")}`,
      );
      expect(appliedTwice(records.applied)).toEqual([]);
      expect(reconciled.tooSoon).toEqual([]);
      for (const [host, passes] of reconciled.passes)
        expect(passes, host).toBeGreaterThanOrEqual(5);

      // One key's limit over both webs: a burst of twice the limit and more, alternating between
      // them, is allowed exactly the limit in total (per-process limits would allow it twice).
      for (const replica of replicas.replicas) expect(replica.ready, replica.name).toBe(true);
      const webs = replicas.webUrls();
      const answers = await Promise.all(
        Array.from({ length: KEY_LIMIT * 2 + 10 }, (_, i) =>
          fetch(`${webs[i % webs.length]}/api/v1/me`, {
            headers: { authorization: `Bearer ${burstToken}` },
            signal: AbortSignal.timeout(OPERATION_MS),
          }).then((response) => response.status),
        ),
      );
      const allowed = answers.filter((status) => status === 200).length;
      const limited = answers.filter((status) => status === 429).length;
      log(`rate limit burst: ${allowed} allowed, ${limited} limited of ${answers.length}`);
      expect(allowed).toBe(KEY_LIMIT);
      expect(limited).toBe(answers.length - KEY_LIMIT);
      log(`the test took ${((Date.now() - started) / 1000).toFixed(0)} s after set-up`);
    },
    TEST_MS,
  );
});
