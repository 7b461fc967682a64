#!/usr/bin/env -S node --import tsx
import { z } from "zod";
import { parseConfig, usage } from "./config";
import { startAgent } from "./server/start";

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

async function main(): Promise<void> {
  if (process.argv.includes("--help")) {
    process.stdout.write(usage);
    return;
  }
  let options;
  try {
    options = parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    const message =
      error instanceof z.ZodError
        ? error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("\n")
        : String(error);
    process.stderr.write(`${message}\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const agent = await startAgent({ ...options, log });
  log(`virtfn-agent (${options.backend}) listening on ${agent.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    agent.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  log(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
