import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { addHost, getHost, getOperation } from "@virtfn/core";
import type { RunningAgent } from "@virtfn/agent";
import {
  AGENT_TOKEN,
  createFixture,
  spawnWorkerProcess,
  startInProcessWorker,
  startSimAgent,
  startSlowProxy,
  waitForOperation,
  type Fixture,
} from "./helpers";

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe("crashes lose nothing", () => {
  let fx: Fixture;
  let agent: RunningAgent;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    fx = await createFixture("crash");
    agent = await startSimAgent("kvm-i350-82599");
  });
  afterAll(async () => {
    await Promise.all(children.map(kill));
    await agent?.close();
    await fx?.cleanup();
  });

  it("a worker killed while a host-add runs is replaced, and the operation completes", async () => {
    // Every agent call takes 700 ms, so the operation is surely mid-flight when the kill lands.
    const proxy = await startSlowProxy(agent.url, 700);
    try {
      const { host, operation } = await addHost(fx.db, fx.admin, {
        name: "kvm-crash",
        clusterId: fx.clusterId,
        agentUrl: proxy.url,
        agentToken: AGENT_TOKEN,
      });
      const first = spawnWorkerProcess(fx.config);
      children.push(first);
      await waitForOperation(
        fx.db,
        fx.admin,
        operation.id,
        (op) => op.status === "Running" && op.progress > 0,
      );
      await kill(first);
      expect((await getOperation(fx.db, fx.admin, operation.id)).status).toBe("Running");

      const second = spawnWorkerProcess(fx.config);
      children.push(second);
      const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
      expect(done.status).toBe("Succeeded");
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      const detail = await getHost(fx.db, fx.admin, host.id);
      expect(detail.connectionState).toBe("Connected");
      expect(detail.nics).toHaveLength(4);
      await kill(second);
    } finally {
      await proxy.close();
    }
  });

  it("an operation committed while no worker runs is dispatched from the outbox when one starts", async () => {
    const { operation } = await addHost(fx.db, fx.admin, {
      name: "kvm-outbox",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
    });
    const entry = await fx.db.outboxEntry.findUniqueOrThrow({
      where: { operationId: operation.id },
    });
    expect(entry.dispatchedAt).toBeNull();
    const worker = await startInProcessWorker(fx.config);
    try {
      expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
      // Dispatching again (a crash between enqueue and marking) must not run it twice.
      await fx.db.outboxEntry.update({
        where: { operationId: operation.id },
        data: { dispatchedAt: null },
      });
      await worker.dispatchNow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await getOperation(fx.db, fx.admin, operation.id);
      expect(after.status).toBe("Succeeded");
      expect(after.attempts).toBe(1);
    } finally {
      await worker.close();
    }
  });
});
