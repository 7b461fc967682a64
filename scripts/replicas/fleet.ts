import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import type { AppliedCall, ObservedCall } from "@virtfn/agent";
import { repoRoot } from "../lib/paths";

export interface FleetRecords {
  calls: ObservedCall[];
  applied: AppliedCall[];
}

export interface ReplicaFleet {
  agents: Array<{ name: string; url: string }>;
  /** Every agent call and every applied change so far, as the fleet's process recorded them. */
  records(): Promise<FleetRecords>;
  close(): Promise<void>;
}

/** Starts the observed sim fleet of `names` in its own process (fleet-process.ts) on `port`. */
export async function startReplicaFleet(options: {
  dir: string;
  names: string[];
  profile: string;
  token: string;
  port: number;
}): Promise<ReplicaFleet> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, "scripts/replicas/fleet-process.ts")],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        FLEET_DIR: options.dir,
        FLEET_NAMES: options.names.join(","),
        FLEET_PROFILE: options.profile,
        FLEET_TOKEN: options.token,
        FLEET_PORT: String(options.port),
      },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Answers come in the order the commands went out: one waiter per line.
  const waiting: Array<{ resolve(line: string): void; reject(error: Error): void }> = [];
  createInterface({ input: child.stdout }).on("line", (line) => waiting.shift()?.resolve(line));
  void exited.then(() => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error("the sim fleet exited"));
  });
  const next = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  const { agents } = JSON.parse(await next()) as { agents: ReplicaFleet["agents"] };
  return {
    agents,
    async records() {
      const answer = next();
      child.stdin.write("records\n");
      return JSON.parse(await answer) as FleetRecords;
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
