// What an operation's run asks of the database, statement by statement (issue 9: the operation
// path): no read that could have gone out with another, none after a write that already knows
// the answer, and the reads that do not depend on the agent sent before it answers. The handlers
// run between the worker's begin and finish (one statement each: operation-lifecycle tests).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import { createAgentClient, type AgentClient } from "@virtfn/agent-client";
import {
  addHost,
  beginOperation,
  createOperation,
  succeedOperation,
  operationHandlers,
  reconnectHost,
  type OperationContext,
} from "@virtfn/core";
import type { Db, Operation } from "@virtfn/db";
import { AGENT_TOKEN, createFixture, startSimAgent, type Fixture } from "./helpers";

/**
 * The statement's verb and table: for a SELECT the last table it reads FROM (its subqueries
 * come first), for a write the table it writes.
 */
function label(sql: string): string {
  const write = /^\s*(UPDATE|INSERT INTO|DELETE FROM)\s+"(\w+)"/i.exec(sql);
  if (write) return `${write[1]?.split(" ")[0]?.toUpperCase()} ${write[2]}`;
  const tables = [...sql.matchAll(/FROM\s+"(\w+)"/gi)].map((m) => m[1]);
  return `SELECT ${tables.at(-1) ?? "?"}`;
}

/**
 * The database as a handler gets it, writing down every call that reaches Postgres in the order
 * it is made, and the agent calls among them. Through this proxy queryRows takes Prisma's
 * $queryRaw (the pool is the real client's), so its statements are counted too.
 */
function recording(db: Db): { db: Db; calls: string[] } {
  const calls: string[] = [];
  const wrap = <T extends object>(target: T, prefix: string): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value: unknown = Reflect.get(object, key, receiver);
        if (typeof key !== "string") return value;
        if (typeof value === "function")
          return (...args: unknown[]) => {
            const first = args[0] as { sql?: unknown } | undefined;
            calls.push(
              key === "$queryRaw" || key === "$executeRaw"
                ? label(typeof first?.sql === "string" ? first.sql : "")
                : `${prefix}${key}`,
            );
            return (value as (...a: unknown[]) => unknown).apply(object, args);
          };
        if (value !== null && typeof value === "object" && !key.startsWith("$"))
          return wrap(value, `${key}.`);
        return value;
      },
    });
  return { db: wrap(db, ""), calls };
}

function context(db: Db, calls: string[]): OperationContext {
  return {
    db,
    agentFor: (target) => {
      const client = createAgentClient({ baseUrl: target.agentUrl, token: target.agentToken });
      return new Proxy(client, {
        get(object, key, receiver) {
          const value: unknown = Reflect.get(object, key, receiver);
          if (typeof key !== "string" || typeof value !== "function") return value;
          return (...args: unknown[]) => {
            calls.push(`agent ${key}`);
            return (value as (...a: unknown[]) => unknown).apply(object, args);
          };
        },
      }) as AgentClient;
    },
    progress: () => Promise.resolve(),
    isFinalAttempt: true,
    resumed: null,
  };
}

describe("an operation's statements", { timeout: 60_000 }, () => {
  let fx: Fixture;
  let agent: RunningAgent;
  let hostId = "";

  async function run(operation: Operation): Promise<string[]> {
    const { db, calls } = recording(fx.db);
    const handler = operationHandlers[operation.kind as keyof typeof operationHandlers];
    await beginOperation(fx.db, operation.id);
    await succeedOperation(fx.db, operation.id, await handler(context(db, calls), operation));
    return calls;
  }

  beforeAll(async () => {
    fx = await createFixture("op-statements");
    agent = await startSimAgent("kvm-i350-82599");
    const added = await addHost(fx.db, fx.admin, {
      name: "kvm-statements",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
    });
    hostId = added.host.id;
    // The first connect records the PFs and the PCI devices: writes in transactions.
    await run(added.operation);
  });
  afterAll(async () => {
    await agent?.close();
    await fx?.cleanup();
  });

  it("host.connect of an unchanged host: its PFs and devices read while the agent answers, one write, no transaction", async () => {
    const { operation } = await reconnectHost(fx.db, fx.admin, { hostId });
    expect(await run(operation)).toEqual([
      "SELECT Host",
      "SELECT PhysicalNic",
      "SELECT PciDevice",
      "agent health",
      "agent getFacts",
      "agent listPhysicalNics",
      "agent listPciDevices",
      "UPDATE Host",
    ]);
    // What was recorded is what the agent reports: the next connect still finds nothing to write.
    const again = await reconnectHost(fx.db, fx.admin, { hostId });
    expect(await run(again.operation)).toContain("UPDATE Host");
  });

  it("host.syncFdb of a host in sync: the host, the snapshot, then one read of what it compares", async () => {
    const operation = await fx.db.$transaction((tx) =>
      createOperation(tx, null, {
        kind: "host.syncFdb",
        targetType: "HostFdb",
        targetId: hostId,
        targetName: "kvm-statements",
      }),
    );
    expect(await run(operation)).toEqual(["SELECT Host", "agent snapshot", "SELECT FdbEntry"]);
  });
});
