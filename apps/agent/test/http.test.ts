import { AgentError, MAX_TASK_WAIT_MS, createAgentClient } from "@virtfn/agent-client";
import { afterEach, describe, expect, it } from "vitest";
import { startAgent, type RunningAgent } from "../src/index";
import { TOKEN, tempDir } from "./helpers";

let running: RunningAgent | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function startSim(profile = "kvm-i350-82599", perVfDelayMs = 1): Promise<RunningAgent> {
  running = await startAgent({
    port: 0,
    token: TOKEN,
    backend: "sim",
    sim: { stateDir: await tempDir(), profile, perVfDelayMs, vfPollMs: 5 },
  });
  return running;
}

describe("agent over HTTP", { timeout: 30_000 }, () => {
  it("serves health without a token and everything else only with it", async () => {
    const agent = await startSim();
    const anonymous = createAgentClient({
      baseUrl: agent.url,
      token: "wrong-token-xxxxxxxxxxxx",
      retries: 0,
    });
    const health = await anonymous.health();
    expect(health).toMatchObject({ backend: "sim", hostname: "kvm-a", version: "0.1.0" });
    const err = await anonymous.getFacts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect(err).toMatchObject({ code: "UNAUTHORIZED", status: 401, isTransient: false });

    const raw = await fetch(`${agent.url}/v1/nics`);
    expect(raw.status).toBe(401);
  });

  it("maps a kernel ERANGE to AgentError code ERANGE and changes nothing", async () => {
    const agent = await startSim();
    const client = createAgentClient({ baseUrl: agent.url, token: TOKEN, retries: 0 });
    const err = await client
      .setVfCount("0000:01:00.0", 8, { operationId: "op-erange" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect(err).toMatchObject({
      code: "ERANGE",
      status: 422,
      details: { totalVfs: 7, requested: 8 },
    });
    const nic = (await client.listPhysicalNics()).find((n) => n.pciAddress === "0000:01:00.0");
    expect(nic?.numVfs).toBe(0);
  });

  it("maps an unreachable agent to UNREACHABLE, transient, after retries", async () => {
    const agent = await startSim();
    const url = agent.url;
    await agent.close();
    running = undefined;
    const client = createAgentClient({ baseUrl: url, token: TOKEN, retries: 2, retryDelayMs: 1 });
    const err = await client.getFacts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect(err).toMatchObject({ code: "UNREACHABLE", isTransient: true });
  });

  it("splits a PF through a task and reports progress", async () => {
    const agent = await startSim();
    const client = createAgentClient({ baseUrl: agent.url, token: TOKEN });
    const seen: number[] = [];
    const task = await client.setVfCountAndWait("0000:04:00.0", 16, {
      operationId: "op-split-1",
      pollMs: 5,
      onProgress: (t) => seen.push(t.progress.done),
    });
    expect(task).toMatchObject({
      id: "op-split-1",
      state: "succeeded",
      progress: { done: 16, total: 16 },
      error: null,
    });
    expect(seen.at(-1)).toBe(16);
    // Same operation id: the same task, nothing redone.
    expect(await client.setVfCount("0000:04:00.0", 16, { operationId: "op-split-1" })).toEqual({
      taskId: "op-split-1",
    });
    const nic = (await client.listPhysicalNics()).find((n) => n.pciAddress === "0000:04:00.0");
    expect(nic).toMatchObject({
      name: "p1p1",
      driver: "ixgbe",
      numVfs: 16,
      totalVfs: 63,
      sriovCapable: true,
    });
    expect(nic?.vfs.map((v) => v.index)).toEqual([...Array(16).keys()]);
    expect(nic?.vfs[0]).toMatchObject({
      pciAddress: "0000:04:10.0",
      driver: "ixgbevf",
      domain: null,
    });
  });

  it(
    "holds a task long-poll until the task ends, not until its wait runs out",
    { timeout: 15_000 },
    async () => {
      const agent = await startSim("kvm-i350-82599", 20);
      const client = createAgentClient({ baseUrl: agent.url, token: TOKEN, retries: 0 });
      const { taskId } = await client.setVfCount("0000:04:00.0", 16, { operationId: "op-poll" });
      // A wait that runs out first answers with the task as it is.
      expect((await client.waitForTask(taskId, { waitMs: 1 })).state).toBe("running");
      // A progress step answers before the end.
      const stepped = await client.waitForTask(taskId, { waitMs: MAX_TASK_WAIT_MS, untilDone: 4 });
      expect(stepped.state).toBe("running");
      expect(stepped.progress.done).toBeGreaterThanOrEqual(4);
      // A wait twice this test's timeout: only the task's end can answer it in time.
      const ended = await client.waitForTask(taskId, { waitMs: MAX_TASK_WAIT_MS });
      expect(ended).toMatchObject({ state: "succeeded", progress: { done: 16, total: 16 } });
      // An ended task answers at once, whatever the wait.
      expect((await client.waitForTask(taskId, { waitMs: 30_000 })).state).toBe("succeeded");
    },
  );

  it("reads one PF as the NIC list reports it, and answers NOT_FOUND for an address with none", async () => {
    const agent = await startSim();
    const client = createAgentClient({ baseUrl: agent.url, token: TOKEN, retries: 0 });
    await client.setVfCountAndWait("0000:04:00.0", 4, { operationId: "op-one-pf", pollMs: 5 });
    const listed = (await client.listPhysicalNics()).find((n) => n.pciAddress === "0000:04:00.0");
    const one = await client.getPhysicalNic("0000:04:00.0");
    expect(one).toEqual(listed);
    expect(one.vfs).toHaveLength(4);
    const err = await client.getPhysicalNic("0000:aa:00.0").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NOT_FOUND", status: 404 });
  });

  it("validates input with field paths before anything runs", async () => {
    const agent = await startSim();
    const res = await fetch(`${agent.url}/v1/nics/${encodeURIComponent("0000:01:00.0")}/sriov`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ count: -1 }),
    });
    expect(res.status).toBe(400);
    const body: unknown = await res.json();
    expect(body).toMatchObject({ error: { code: "VALIDATION" } });
  });

  it("times out slow calls with TIMEOUT", async () => {
    const agent = await startSim();
    const slowFetch: typeof fetch = (input, init) =>
      new Promise((resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        setTimeout(() => resolve(fetch(input, init)), 1_000);
      });
    const client = createAgentClient({
      baseUrl: agent.url,
      token: TOKEN,
      timeoutMs: 20,
      retries: 0,
      fetch: slowFetch,
    });
    await expect(client.health()).rejects.toMatchObject({ code: "TIMEOUT", isTransient: true });
  });
});
