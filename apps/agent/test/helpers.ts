import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { createAgentClient, type AgentClient } from "@virtfn/agent-client";
import { startAgent } from "../src/index";

const dirs: string[] = [];
const agentsToClose: Array<() => Promise<void>> = [];

/**
 * Sim trees are thousands of tiny files; tmpfs keeps them as cheap as real sysfs, where a
 * VM's disk can take milliseconds per syscall.
 */
const base = process.env.VIRTFN_TEST_TMPDIR ?? (existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir());

/** A fresh temp dir, removed after the test. */
export async function tempDir(prefix = "virtfn-agent-"): Promise<string> {
  const dir = await mkdtemp(path.join(base, prefix));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  // The agents first: a sim agent still running would write into a state dir being removed.
  for (const close of agentsToClose.splice(0).reverse()) await close();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export const TOKEN = "test-token-0123456789abcdef";

/**
 * A sim agent of `profile` on a free port with a fresh state dir, VFs appearing at once, closed
 * after the test; answers a client for it.
 */
export async function simAgentClient(profile: string): Promise<AgentClient> {
  const agent = await startAgent({
    port: 0,
    token: TOKEN,
    backend: "sim",
    sim: { stateDir: await tempDir(), profile, perVfDelayMs: 0, vfPollMs: 2 },
  });
  agentsToClose.push(() => agent.close());
  return createAgentClient({ baseUrl: agent.url, token: TOKEN, retryDelayMs: 1 });
}

/** Polls until `check` returns a value; no wall-clock assertion, just a bounded wait. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  tries = 500,
  everyMs = 10,
): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error("condition not reached");
}
