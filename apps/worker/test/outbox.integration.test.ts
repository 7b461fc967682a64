import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import { addHost, claimOutbox, markDispatched } from "@virtfn/core";
import { createDb, type Db } from "@virtfn/db";
import {
  AGENT_TOKEN,
  createFixture,
  startInProcessWorker,
  startSimAgent,
  waitForOperation,
  type Fixture,
} from "./helpers";

describe("the outbox: woken on commit, claimed once by one of several dispatchers", () => {
  let fx: Fixture;
  let agent: RunningAgent;
  const dispatchers: Db[] = [];

  beforeAll(async () => {
    fx = await createFixture("outbox");
    agent = await startSimAgent("kvm-i350-82599");
    for (let i = 0; i < 4; i++) dispatchers.push(createDb(fx.database.url, { max: 2 }));
  });
  afterAll(async () => {
    await Promise.all(dispatchers.map((db) => db.$disconnect()));
    await agent?.close();
    await fx?.cleanup();
  });

  let targets = 0;
  async function insertOperations(count: number): Promise<string[]> {
    const operations = await fx.db.operation.createManyAndReturn({
      data: Array.from({ length: count }, () => {
        targets += 1;
        return { kind: "host.connect", targetType: "Host", targetId: `outbox-${targets}` };
      }),
      select: { id: true },
    });
    await fx.db.outboxEntry.createMany({
      data: operations.map((operation) => ({ operationId: operation.id, queue: "hosts" })),
    });
    return operations.map((operation) => operation.id);
  }

  it("four dispatchers claiming 200 entries at once hand out each exactly once", async () => {
    const ids = await insertOperations(200);
    const claimed: string[][] = dispatchers.map(() => []);
    await Promise.all(
      dispatchers.map(async (db, i) => {
        for (;;) {
          const batch = await claimOutbox(db, 7);
          if (batch.length === 0) return;
          claimed[i]?.push(...batch.map((entry) => entry.operationId));
          await markDispatched(
            db,
            batch.map((entry) => entry.id),
          );
        }
      }),
    );
    const all = claimed.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(ids));
    expect(claimed.filter((part) => part.length > 0).length).toBeGreaterThan(1);
    expect(await fx.db.outboxEntry.count({ where: { dispatchedAt: null } })).toBe(0);
  });

  it("an entry claimed by a dispatcher that died is claimed again when its lease ends, not before", async () => {
    const [id] = await insertOperations(1);
    const first = await claimOutbox(fx.db, 10, 60_000);
    expect(first.map((entry) => entry.operationId)).toEqual([id]);
    // The claimer dies here: it never marks the entry dispatched.
    expect(await claimOutbox(fx.db, 10)).toEqual([]);
    await fx.db.outboxEntry.updateMany({
      where: { operationId: id },
      data: { claimedUntil: new Date(Date.now() - 1000) },
    });
    const again = await claimOutbox(fx.db, 10);
    expect(again.map((entry) => entry.operationId)).toEqual([id]);
    expect(again[0]?.kind).toBe("host.connect");
    await markDispatched(
      fx.db,
      again.map((entry) => entry.id),
    );
  });

  it("a commit wakes the dispatcher: with the safety-net poll an hour away, the operation still runs", async () => {
    const worker = await startInProcessWorker({ ...fx.config, dispatchMs: 3_600_000 });
    try {
      // Let the start-up flush pass, so only a notification can move what commits next.
      await worker.dispatchNow();
      const { operation } = await addHost(fx.db, fx.admin, {
        name: "kvm-notify",
        clusterId: fx.clusterId,
        agentUrl: agent.url,
        agentToken: AGENT_TOKEN,
      });
      const done = await waitForOperation(fx.db, fx.admin, operation.id);
      expect(done.status).toBe("Succeeded");
      expect(done.attempts).toBe(1);
    } finally {
      await worker.close();
    }
  });
});
