import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startAgent, type RunningAgent } from "@virtfn/agent";
import { getOperation, seedDemo, type Actor, type OperationView } from "@virtfn/core";
import type { Db } from "@virtfn/db";
import {
  createTestDatabase,
  testQueuePrefix,
  testRedisUrl,
  type TestDatabase,
} from "@virtfn/db/testing";
import { startWorker, type RunningWorker, type WorkerConfig } from "../src/index";

export const AGENT_TOKEN = "test-agent-token-0123456789";
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Fixture {
  database: TestDatabase;
  db: Db;
  config: WorkerConfig;
  admin: Actor;
  tenant: Actor;
  clusterId: string;
  cleanup(): Promise<void>;
}

/**
 * A fresh database with the demo zone, clusters and users, plus a private queue prefix. A test
 * that must kill its Postgres hands in a database on a server of its own.
 */
export async function createFixture(label: string, ownDatabase?: TestDatabase): Promise<Fixture> {
  const database = ownDatabase ?? (await createTestDatabase(label));
  const { db } = database;
  await seedDemo(db, []);
  const admin = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
  const tenant = await db.user.findUniqueOrThrow({
    where: { username: "tenant" },
    include: { memberships: true },
  });
  const cluster = await db.cluster.findFirstOrThrow({ where: { name: "cluster-a" } });
  const config: WorkerConfig = {
    databaseUrl: database.url,
    redisUrl: testRedisUrl(),
    queuePrefix: testQueuePrefix(label),
    concurrency: 4,
    reconcileMs: 0,
    dispatchMs: 50,
    jobAttempts: 3,
    jobBackoffMs: 100,
    lockMs: 2000,
    // Short, so tests of an agent that stays down fail in time; outage tests set their own.
    agentOutageMs: 2000,
  };
  return {
    database,
    db,
    config,
    admin: { userId: admin.id, username: admin.username, role: "Admin", projectIds: [] },
    tenant: {
      userId: tenant.id,
      username: tenant.username,
      role: "Tenant",
      projectIds: tenant.memberships.map((m) => m.projectId),
    },
    clusterId: cluster.id,
    cleanup: () => database.drop(),
  };
}

export async function startSimAgent(profile: string): Promise<RunningAgent & { stateDir: string }> {
  const stateDir = mkdtempSync(
    path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-agent-"),
  );
  const agent = await startAgent({
    port: 0,
    token: AGENT_TOKEN,
    backend: "sim",
    sim: { stateDir, profile, perVfDelayMs: 0 },
  });
  return {
    ...agent,
    stateDir,
    close: async () => {
      await agent.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export async function startInProcessWorker(config: WorkerConfig): Promise<RunningWorker> {
  return startWorker(config, () => undefined);
}

/** The worker as a separate process, so that a test can kill it for real. */
export function spawnWorkerProcess(
  config: WorkerConfig,
  extraEnv: Record<string, string> = {},
): ChildProcess {
  // node --import tsx, not the tsx binary: tsx forks a child, and SIGKILL must hit the worker itself.
  return spawn(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, "apps/worker/src/main.ts")],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: config.databaseUrl,
        REDIS_URL: config.redisUrl,
        VIRTFN_QUEUE_PREFIX: config.queuePrefix,
        VIRTFN_RECONCILE_MS: "0",
        VIRTFN_DISPATCH_MS: String(config.dispatchMs),
        VIRTFN_JOB_ATTEMPTS: String(config.jobAttempts),
        VIRTFN_JOB_BACKOFF_MS: String(config.jobBackoffMs),
        VIRTFN_LOCK_MS: String(config.lockMs),
        ...extraEnv,
      },
      stdio: "ignore",
    },
  );
}

export interface SlowProxy {
  url: string;
  /**
   * From now on every request is held `before` ms on its way to the agent and its answer
   * `after` ms on its way back: `after` past the client's timeout is an agent that did the work
   * but whose answer never arrived in time.
   */
  setDelay(before: number, after?: number): void;
  close(): Promise<void>;
}

/** One agent call held in the proxy until the test lets it go. */
export interface Gate {
  /** Resolves once the held call reached the gate (its request, or the agent's answer). */
  reached: Promise<void>;
  release(): void;
}

export interface GateProxy extends SlowProxy {
  /**
   * Holds the next call whose method and path match: `request` before it reaches the agent,
   * `answer` after the agent answered and before the worker hears it. One call per gate.
   */
  hold(method: string, path: RegExp, at: "request" | "answer"): Gate;
}

/**
 * An HTTP proxy that holds every request for `delayMs` (a slow network to the agent) and can
 * hold one chosen call: the way to put an agent call exactly on either side of a fault, with
 * the real agent behind it.
 */
export async function startSlowProxy(targetUrl: string, delayMs: number): Promise<GateProxy> {
  const target = new URL(targetUrl);
  let before = delayMs;
  let after = 0;
  const gates: Array<{
    method: string;
    path: RegExp;
    at: "request" | "answer";
    reach(): void;
    opened: Promise<void>;
  }> = [];
  const gateFor = (req: http.IncomingMessage, at: "request" | "answer") => {
    const i = gates.findIndex(
      (g) => g.at === at && g.method === req.method && g.path.test(req.url ?? ""),
    );
    const [gate] = i < 0 ? [] : gates.splice(i, 1);
    if (!gate) return Promise.resolve();
    gate.reach();
    return gate.opened;
  };
  const server = http.createServer((req, res) => {
    const answerDelay = after;
    const forward = async () => {
      await gateFor(req, "request");
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          void gateFor(req, "answer").then(() =>
            setTimeout(() => {
              if (res.destroyed) return answer.resume();
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
            }, answerDelay),
          );
        },
      );
      upstream.on("error", () => {
        if (res.destroyed) return;
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    };
    setTimeout(() => void forward(), before);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    setDelay(nextBefore, nextAfter = 0) {
      before = nextBefore;
      after = nextAfter;
    },
    hold(method, path, at) {
      let reach = (): void => undefined;
      let release = (): void => undefined;
      const reached = new Promise<void>((resolve) => (reach = resolve));
      const opened = new Promise<void>((resolve) => (release = resolve));
      gates.push({ method, path, at, reach, opened });
      return { reached, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function waitForOperation(
  db: Db,
  actor: Actor,
  operationId: string,
  until: (operation: OperationView) => boolean = (op) =>
    op.status === "Succeeded" || op.status === "Failed",
  timeoutMs = 30_000,
): Promise<OperationView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const operation = await getOperation(db, actor, operationId);
    if (until(operation)) return operation;
    if (Date.now() > deadline) {
      throw new Error(
        `operation ${operationId} still ${operation.status} (${operation.progressMessage})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
