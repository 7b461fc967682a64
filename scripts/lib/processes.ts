import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import path from "node:path";
import { repoRoot } from "./paths";

export interface SpawnOptions {
  /** Keep the output off this terminal (it still goes to logFile). */
  quiet?: boolean;
  cwd?: string;
  /** Appends the process's stdout and stderr to this file. */
  logFile?: string;
}

/** One `[name]` prefix per line, also when the process already prefixes its own lines with it. */
export function prefixLine(name: string, line: string): string {
  return line.startsWith(`[${name}]`) ? line : `[${name}] ${line}`;
}

function openLog(file: string | undefined): WriteStream | undefined {
  if (!file) return undefined;
  mkdirSync(path.dirname(file), { recursive: true });
  return createWriteStream(file, { flags: "a" });
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns a TypeScript entry point with tsx, prefixing its output with the process name. */
export function spawnTs(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  options: SpawnOptions = {},
): ManagedProcess {
  // node --import tsx rather than the tsx binary, which forks: signals must reach the process itself.
  return spawnManaged(name, process.execPath, ["--import", "tsx", entry], env, options);
}

export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: SpawnOptions = {},
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logFile = openLog(options.logFile);
  // "close", not "exit": it comes after the last output has been read.
  child.once("close", () => logFile?.end());
  const relay = (chunk: Buffer) => {
    logFile?.write(chunk);
    if (options.quiet) return;
    for (const line of chunk.toString().split("\n"))
      if (line.trim()) console.log(prefixLine(name, line));
  };
  child.stdout?.on("data", relay);
  child.stderr?.on("data", relay);
  return {
    name,
    child,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill(signal);
      const timeout = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

export async function waitForHttp(
  url: string,
  timeoutMs: number,
  isAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process serving ${url} exited before it answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
}
