// The whole system on one machine: Postgres, Redis, sim agents, the worker and the web app.
// `npm start` and the end-to-end half of `npm test` both use it, so they run the same thing.
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startSimFleet, type SimFleet } from "@virtfn/agent";
import { seedDemo, seedDemoNetworks, splitDemoPf, type DemoAgent } from "@virtfn/core";
import { createDb, migrateDeploy } from "@virtfn/db";
import { ensurePostgres, ensureRedis, type RunningService } from "@virtfn/db/services";
import { repoRoot } from "./paths";
import { spawnManaged, spawnTs, waitForHttp } from "./processes";
import { supervise, type Supervised } from "./supervisor";
import { distDirFor, ensureWebBuild } from "./web-build";

export const DEMO_FLEET = [
  { name: "kvm-01", profile: "kvm-i350-82599", cluster: "cluster-a", scanIommu: true },
  { name: "kvm-02", profile: "kvm-e810", cluster: "cluster-a", scanIommu: true },
  { name: "kvm-03", profile: "kvm-bond-82599", cluster: "cluster-b", scanIommu: true },
  { name: "kvm-04", profile: "kvm-no-iommu", cluster: "cluster-b", scanIommu: false },
  { name: "kvm-05", profile: "kvm-cx5-x710", cluster: "cluster-b", scanIommu: true },
] as const;

export interface StackOptions {
  dataDir: string;
  pgPort: number;
  redisPort: number;
  webPort: number;
  agentBasePort: number;
  database: string;
  queuePrefix: string;
  /** Extra sim agents that run but are not registered, for tests that add a host. */
  spareAgents?: Array<{ name: string; profile: string }>;
  perVfDelayMs?: number;
  reconcileMs?: number;
  log(line: string): void;
  quietChildren?: boolean;
  /** Where the worker's, web app's and build's output is written, one file each. */
  logDir?: string;
}

export interface Stack {
  webUrl: string;
  databaseUrl: string;
  redisUrl: string;
  agentToken: string;
  spare: Array<{ name: string; url: string }>;
  worker: Supervised;
  web: Supervised;
  stop(): Promise<void>;
}

/** Each demo host's own agent token, derived from the data folder's secret and the host's name. */
export function hostAgentToken(secret: string, hostName: string): string {
  return createHmac("sha256", secret).update(`agent-token:${hostName}`).digest("base64url");
}

/** A random agent secret per data folder: nothing secret lives in the repository. */
function agentTokenFor(dataDir: string): string {
  const file = path.join(dataDir, "agent-token");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString("base64url");
  writeFileSync(file, token, { mode: 0o600 });
  return token;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    const postgres: RunningService = await ensurePostgres({
      dataDir: path.join(options.dataDir, "pg"),
      port: options.pgPort,
      database: options.database,
      log: options.log,
    });
    stoppers.push(() => postgres.stop());
    const redis = await ensureRedis({
      dataDir: path.join(options.dataDir, "redis"),
      port: options.redisPort,
      log: options.log,
    });
    stoppers.push(() => redis.stop());
    options.log(
      `postgres ${postgres.owned ? "started" : "reused"}, redis ${redis.owned ? "started" : "reused"}`,
    );

    await migrateDeploy(postgres.url);
    options.log("database migrated");

    const agentToken = agentTokenFor(options.dataDir);
    const fleetHosts = [
      // Demo hosts each get their own token; spares keep the folder's, which the e2e tests type in.
      ...DEMO_FLEET.map((host, i) => ({
        name: host.name,
        profile: host.profile,
        port: options.agentBasePort + i,
        token: hostAgentToken(agentToken, host.name),
      })),
      ...(options.spareAgents ?? []).map((spare, i) => ({
        name: spare.name,
        profile: spare.profile,
        port: options.agentBasePort + DEMO_FLEET.length + i,
      })),
    ];
    const fleet: SimFleet = await startSimFleet({
      baseDir: path.join(options.dataDir, "sim"),
      hosts: fleetHosts,
      token: agentToken,
      ...(options.perVfDelayMs === undefined ? {} : { perVfDelayMs: options.perVfDelayMs }),
    });
    stoppers.push(() => fleet.close());
    options.log(
      `${fleet.agents.length} sim agents on ports ${fleetHosts[0]?.port}–${fleetHosts.at(-1)?.port}`,
    );

    const db = createDb(postgres.url, { max: 2 });
    const agents: DemoAgent[] = DEMO_FLEET.map((host, i) => ({
      name: host.name,
      url: `http://127.0.0.1:${options.agentBasePort + i}`,
      token: hostAgentToken(agentToken, host.name),
      cluster: host.cluster,
      scanIommu: host.scanIommu,
    }));
    const seeded = await seedDemo(db, agents);
    await seedDemoNetworks(db);
    stoppers.push(() => db.$disconnect());
    options.log(
      seeded.hostsAdded > 0
        ? `demo seeded (${seeded.hostsAdded} hosts)`
        : "demo data already present",
    );

    const env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      VIRTFN_QUEUE_PREFIX: options.queuePrefix,
      // JSON log lines are for machines; a person watching `npm start` gets them pretty.
      ...(process.stdout.isTTY ? { VIRTFN_LOG_PRETTY: "1" } : {}),
      ...(options.reconcileMs === undefined
        ? {}
        : { VIRTFN_RECONCILE_MS: String(options.reconcileMs) }),
    };
    const logFile = (name: string) =>
      options.logDir ? path.join(options.logDir, `${name}.log`) : undefined;
    const worker = supervise(
      "worker",
      () =>
        spawnTs("worker", path.join(repoRoot, "apps/worker/src/main.ts"), env, {
          quiet: options.quietChildren ?? false,
          logFile: logFile("worker"),
        }),
      { log: options.log },
    );
    stoppers.push(() => worker.stop());
    // The demo's SR-IOV PF can only be split once the worker has connected its host.
    const splitDeadline = Date.now() + 60_000;
    while (!(await splitDemoPf(db)) && Date.now() < splitDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    // VIRTFN_WEB_MODE=dev runs `next dev` with hot reload, for working on the UI.
    const devMode = process.env.VIRTFN_WEB_MODE === "dev";
    const distDir = distDirFor(options.dataDir);
    if (!devMode)
      await ensureWebBuild(distDir, options.log, options.quietChildren ?? false, logFile("build"));
    const web = supervise(
      "web",
      () =>
        spawnManaged(
          "web",
          path.join(repoRoot, "node_modules", ".bin", "next"),
          [
            devMode ? "dev" : "start",
            "--port",
            String(options.webPort),
            "--hostname",
            process.env.VIRTFN_WEB_HOST ?? "127.0.0.1",
          ],
          { ...env, NEXT_TELEMETRY_DISABLED: "1", VIRTFN_NEXT_DIST_DIR: distDir },
          {
            cwd: path.join(repoRoot, "apps/web"),
            quiet: options.quietChildren ?? false,
            logFile: logFile("web"),
          },
        ),
      { log: options.log },
    );
    stoppers.push(() => web.stop());
    const webUrl = `http://127.0.0.1:${options.webPort}`;
    // A web app that dies before it ever answered is a failed start, not a crash to restart.
    await waitForHttp(
      `${webUrl}/api/health`,
      180_000,
      () => web.restarts() === 0 && web.current().child.exitCode === null,
    );
    // `next start` loads each route on its first request: the login page and the tRPC route (the
    // whole server: Prisma, core) load now, not during the first sign-in a user or a test makes.
    for (const warm of ["/login", "/api/trpc/auth.warmup"]) {
      await fetch(`${webUrl}${warm}`, { signal: AbortSignal.timeout(120_000) }).catch(
        () => undefined,
      );
    }

    return {
      webUrl,
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      agentToken,
      spare: fleet.agents
        .filter((agent) => (options.spareAgents ?? []).some((spare) => spare.name === agent.name))
        .map((agent) => ({ name: agent.name, url: agent.url })),
      worker,
      web,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
