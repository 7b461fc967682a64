import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface FleetProcess {
  urls: string[];
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

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
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`sim fleet exited with ${code}`)));
  });
  const { urls } = JSON.parse(first) as { urls: string[] };
  return {
    urls,
    async close() {
      child.stdin.end();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
