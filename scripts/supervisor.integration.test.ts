// `npm start` supervises its worker: SIGKILL it and a new worker process takes the next operation.
import path from "node:path";
import { addHost } from "@virtfn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_TOKEN,
  createFixture,
  startSimAgent,
  waitForOperation,
  type Fixture,
} from "../apps/worker/test/helpers";
import { repoRoot } from "./lib/paths";
import { spawnTs } from "./lib/processes";
import { supervise, type Supervised } from "./lib/supervisor";

describe("npm start's supervisor", () => {
  let fx: Fixture;
  let agents: Array<Awaited<ReturnType<typeof startSimAgent>>> = [];
  const agentUrl = (i: number) => agents[i]?.url ?? "http://127.0.0.1:9";
  let worker: Supervised | undefined;
  const logged: string[] = [];

  beforeAll(async () => {
    fx = await createFixture("supervise");
    // One agent per host: a host is added once per agent URL.
    agents = [await startSimAgent("kvm-i350-82599"), await startSimAgent("kvm-i350-82599")];
  });
  afterAll(async () => {
    await worker?.stop();
    for (const agent of agents) await agent.close();
    await fx?.cleanup();
  });

  it("restarts a worker killed by SIGKILL, logs it, and the new worker takes an operation", async () => {
    const env = {
      DATABASE_URL: fx.config.databaseUrl,
      REDIS_URL: fx.config.redisUrl,
      VIRTFN_QUEUE_PREFIX: fx.config.queuePrefix,
      VIRTFN_RECONCILE_MS: "0",
      VIRTFN_DISPATCH_MS: String(fx.config.dispatchMs),
    };
    worker = supervise(
      "worker",
      () => spawnTs("worker", path.join(repoRoot, "apps/worker/src/main.ts"), env, { quiet: true }),
      {
        log: (line) => logged.push(line),
        delaysMs: [200],
      },
    );
    const add = (name: string, agentUrl: string) =>
      addHost(fx.db, fx.admin, {
        name,
        clusterId: fx.clusterId,
        agentUrl,
        agentToken: AGENT_TOKEN,
      });

    const first = await add("kvm-before-kill", agentUrl(0));
    expect(
      (await waitForOperation(fx.db, fx.admin, first.operation.id, undefined, 60_000)).status,
    ).toBe("Succeeded");

    const killed = worker.current().child;
    const exited = new Promise((resolve) => killed.once("exit", resolve));
    killed.kill("SIGKILL");
    await exited;
    await expect.poll(() => worker?.restarts(), { timeout: 30_000 }).toBe(1);
    expect(worker.current().child.pid).not.toBe(killed.pid);
    expect(logged.join("\n")).toContain(
      `worker (pid ${killed.pid}) exited unexpectedly (signal SIGKILL)`,
    );

    const second = await add("kvm-after-kill", agentUrl(1));
    expect(
      (await waitForOperation(fx.db, fx.admin, second.operation.id, undefined, 60_000)).status,
    ).toBe("Succeeded");
    expect(worker.current().child.exitCode).toBeNull();
  });
});
