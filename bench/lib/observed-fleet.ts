import { spawn, type ChildProcessByStdio } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";

export interface FleetStats {
  /** Agent calls started since the fleet started. */
  total: number;
  /** TCP connections the fleet accepted since it started (keep-alive makes them few). */
  connections: number;
  /**
   * The most calls in flight at once over the whole fleet since the last reset: per window of
   * FLEET_WINDOW_MS, the shares' peaks added up (so never below the true peak).
   */
  peakInFlight: number;
}

export interface ObservedFleetProcesses {
  agents: Array<{ name: string; url: string }>;
  /** The fleet's processes, for their CPU time. */
  pids: number[];
  stats(): Promise<FleetStats>;
  /** Starts a new peak. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const WINDOW_MS = 50;

interface Share {
  child: ChildProcessByStdio<Writable, Readable, null>;
  next(): Promise<string>;
  exited: Promise<void>;
}

interface ShareStats {
  total: number;
  connections: number;
  peak: number;
  windows: Array<[number, number]>;
}

/**
 * Starts an observed sim fleet (startObservedSimFleet) of `names` spread round-robin over
 * `processes` child processes (observed-fleet-process.ts), each answering for its share.
 */
export async function startObservedFleetProcesses(options: {
  processes: number;
  names: string[];
  profile: string;
  token: string;
  latencyMs: number;
}): Promise<ObservedFleetProcesses> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "virtfn-observed-fleet-"));
  const count = Math.max(1, Math.min(options.processes, options.names.length));
  const shares: Share[] = Array.from({ length: count }, (_, i) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(here, "observed-fleet-process.ts")],
      {
        cwd: path.join(here, "..", ".."),
        env: {
          ...process.env,
          FLEET_DIR: path.join(dir, String(i)),
          FLEET_NAMES: options.names.filter((_, n) => n % count === i).join(","),
          FLEET_PROFILE: options.profile,
          FLEET_TOKEN: options.token,
          FLEET_LATENCY_MS: String(options.latencyMs),
          FLEET_WINDOW_MS: String(WINDOW_MS),
          // Each agent stands for a host with its own disks (see sim-fleet.ts).
          UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? "16",
        },
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // Answers come in the order the commands went out: one waiter per line.
    const waiting: Array<(line: string) => void> = [];
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    });
    const next = () => {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      return new Promise<string>((resolve, reject) => {
        waiting.push(resolve);
        void exited.then(() => reject(new Error("sim fleet process exited")));
      });
    };
    return { child, next, exited };
  });
  const starts = await Promise.all(
    shares.map(
      async (share) =>
        JSON.parse(await share.next()) as { agents: ObservedFleetProcesses["agents"] },
    ),
  );
  const byName = new Map(starts.flatMap((start) => start.agents.map((a) => [a.name, a] as const)));
  const agents = options.names.map((name) => {
    const agent = byName.get(name);
    if (!agent) throw new Error(`sim fleet did not start ${name}`);
    return agent;
  });

  async function ask(command: string): Promise<ShareStats[]> {
    return Promise.all(
      shares.map(async (share) => {
        share.child.stdin.write(`${command}\n`);
        return JSON.parse(await share.next()) as ShareStats;
      }),
    );
  }

  return {
    agents,
    pids: shares.map((share) => share.child.pid ?? 0),
    async stats() {
      const answers = await ask("stats");
      const windows = new Map<number, number>();
      for (const answer of answers)
        for (const [start, peak] of answer.windows)
          windows.set(start, (windows.get(start) ?? 0) + peak);
      return {
        total: answers.reduce((sum, answer) => sum + answer.total, 0),
        connections: answers.reduce((sum, answer) => sum + answer.connections, 0),
        peakInFlight: Math.max(0, ...windows.values()),
      };
    },
    async reset() {
      await ask("reset");
    },
    async close() {
      for (const share of shares) share.child.stdin.end();
      await Promise.all(shares.map((share) => share.exited));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
