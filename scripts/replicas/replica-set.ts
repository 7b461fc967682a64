// The replica test's control plane: web and worker processes that the test SIGKILLs and starts
// again. Workers run from one esbuild bundle and the web from `next build` output (the e2e stack's
// build, reused), so that a restart costs about a second of CPU instead of tsx compiling the
// sources again, which under load stalled every restart for a minute.
import path from "node:path";
import { build } from "esbuild";
import { repoRoot } from "../lib/paths";
import { spawnManaged, waitForHttp, type ManagedProcess } from "../lib/processes";

export type ReplicaKind = "web" | "worker";

export interface Replica {
  kind: ReplicaKind;
  name: string;
  /** The web's base URL; null for a worker. */
  url: string | null;
  process: ManagedProcess | null;
  /** Answering (web) or logged "ready" (worker) since its last start. */
  ready: boolean;
  starts: number;
}

/** Bundles the worker's entry point and the workspace packages into one ESM file. */
export async function bundleWorker(outfile: string): Promise<void> {
  await build({
    entryPoints: [path.join(repoRoot, "apps/worker/src/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    // Only the workspace's TypeScript packages go in; npm packages load from node_modules as
    // usual (the bundle lives inside the repository, so they resolve).
    plugins: [
      {
        name: "external-npm-packages",
        setup(context) {
          context.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith("@virtfn/") ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
}

export interface ReplicaSetOptions {
  /** Shared by every process: DATABASE_URL, REDIS_URL, VIRTFN_QUEUE_PREFIX, … */
  env: Record<string, string>;
  workerEnv: Record<string, string>;
  webEnv: Record<string, string>;
  workerBundle: string;
  /** The `next build` output directory, relative to apps/web. */
  webDistDir: string;
  webPorts: number[];
  workers: number;
  logDir: string;
  log(line: string): void;
}

const READY_LINE = /"msg":"ready"/;

export class ReplicaSet {
  readonly replicas: Replica[];
  private stopping = false;

  constructor(private readonly options: ReplicaSetOptions) {
    this.replicas = [
      ...options.webPorts.map((port, i): Replica => ({
        kind: "web",
        name: `web-${i + 1}`,
        url: `http://127.0.0.1:${port}`,
        process: null,
        ready: false,
        starts: 0,
      })),
      ...Array.from({ length: options.workers }, (_, i): Replica => ({
        kind: "worker",
        name: `worker-${i + 1}`,
        url: null,
        process: null,
        ready: false,
        starts: 0,
      })),
    ];
  }

  /** Starts every replica and waits until each is ready. */
  async startAll(timeoutMs: number): Promise<void> {
    await Promise.all(this.replicas.map((replica) => this.start(replica, timeoutMs)));
  }

  /** Starts one replica and resolves once it is ready. */
  async start(replica: Replica, timeoutMs: number): Promise<void> {
    replica.ready = false;
    replica.starts += 1;
    const logFile = path.join(this.options.logDir, `${replica.name}.log`);
    const spawned =
      replica.kind === "worker"
        ? spawnManaged(
            replica.name,
            process.execPath,
            [this.options.workerBundle],
            { ...this.options.env, ...this.options.workerEnv },
            { quiet: true, logFile },
          )
        : spawnManaged(
            replica.name,
            // Node itself, not the .bin shim: SIGKILL must hit the server process.
            process.execPath,
            [
              path.join(repoRoot, "node_modules/next/dist/bin/next"),
              "start",
              "--port",
              new URL(replica.url ?? "").port,
              "--hostname",
              "127.0.0.1",
            ],
            {
              ...this.options.env,
              ...this.options.webEnv,
              NEXT_TELEMETRY_DISABLED: "1",
              // Not vitest's NODE_ENV=test: the web runs as it does in production.
              NODE_ENV: "production",
              VIRTFN_NEXT_DIST_DIR: this.options.webDistDir,
            },
            { quiet: true, logFile, cwd: path.join(repoRoot, "apps/web") },
          );
    replica.process = spawned;
    const alive = () => spawned.child.exitCode === null && spawned.child.signalCode === null;
    if (replica.kind === "worker") {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${replica.name} did not log "ready" in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const seen = (chunk: Buffer) => {
          if (!READY_LINE.test(chunk.toString())) return;
          clearTimeout(timer);
          spawned.child.stdout?.off("data", seen);
          resolve();
        };
        spawned.child.stdout?.on("data", seen);
        spawned.child.once("exit", (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`${replica.name} exited (${signal ?? code}) before it was ready`));
        });
      });
    } else {
      const url = replica.url ?? "";
      await waitForHttp(`${url}/api/health`, timeoutMs, alive);
      // `next start` loads a route on its first request: the REST route (the whole server) now.
      await fetch(`${url}/api/v1/me`, { signal: AbortSignal.timeout(timeoutMs) });
    }
    if (replica.process === spawned && alive()) replica.ready = true;
  }

  /** SIGKILLs the replica and starts it again (resolves once the new one is ready). */
  async killAndRestart(replica: Replica, timeoutMs: number): Promise<void> {
    const running = replica.process;
    replica.ready = false;
    if (running) await running.stop("SIGKILL");
    if (this.stopping) return;
    await this.start(replica, timeoutMs);
  }

  /** Ready replicas of a kind. */
  ready(kind: ReplicaKind): Replica[] {
    return this.replicas.filter((replica) => replica.kind === kind && replica.ready);
  }

  webUrls(): string[] {
    return this.replicas.flatMap((replica) =>
      replica.kind === "web" && replica.url ? [replica.url] : [],
    );
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.replicas.map((replica) => replica.process?.stop("SIGTERM")));
  }
}
