import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** Requests the fleet's agents served, by agent-client route name. */
export type RouteCounts = Record<string, number>;

export interface FleetProcess {
  urls: string[];
  /** The child process's pid, to read its CPU time (lib/cpu.ts). */
  pid: number;
  /** The requests served so far, by route, counted in the fleet's own process. */
  requests(): Promise<RouteCounts>;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** `after - before`, route by route, leaving out routes that got none. */
export function requestsBetween(before: RouteCounts, after: RouteCounts): RouteCounts {
  const delta: RouteCounts = {};
  for (const [route, n] of Object.entries(after)) {
    const d = n - (before[route] ?? 0);
    if (d > 0) delta[route] = d;
  }
  return delta;
}

/** Starts `size` sim agents in a child process (see sim-fleet-process.ts) and returns their URLs. */
export async function startFleetProcess(options: {
  size: number;
  profile: string;
  perVfDelayMs: number;
  token: string;
}): Promise<FleetProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "virtfn-fleet-"));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(here, "sim-fleet-process.ts")],
    {
      cwd: path.join(here, "..", ".."),
      env: {
        ...process.env,
        FLEET_DIR: dir,
        FLEET_SIZE: String(options.size),
        FLEET_PROFILE: options.profile,
        FLEET_PER_VF_MS: String(options.perVfDelayMs),
        FLEET_TOKEN: options.token,
        // Each agent stands for a host with its own disks; in one process they share libuv's
        // pool of 4 file-system threads, where one agent's VF writes would queue another's reads.
        UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? "64",
      },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const replies: Array<(line: string) => void> = [];
  const first = await new Promise<string>((resolve, reject) => {
    replies.push(resolve);
    child.once("exit", (code) => reject(new Error(`sim fleet exited with ${code}`)));
    lines.on("line", (line) => replies.shift()?.(line));
  });
  const { urls } = JSON.parse(first) as { urls: string[] };
  const pid = child.pid;
  if (pid === undefined) throw new Error("sim fleet has no pid");
  return {
    urls,
    pid,
    requests() {
      return new Promise<RouteCounts>((resolve) => {
        replies.push((line) => resolve((JSON.parse(line) as { requests: RouteCounts }).requests));
        child.stdin.write("requests\n");
      });
    },
    async close() {
      child.stdin.end();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
