import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { addHost, createVm, stopVm, type L3View } from "@virtfn/core";
import {
  AGENT_TOKEN,
  createFixture,
  spawnWorkerProcess,
  startSimAgent,
  startSlowProxy,
  waitForOperation,
  type Fixture,
} from "./helpers";
import { type SimHost } from "./sriov-helpers";
import { createAgentClient } from "@virtfn/agent-client";
import { catalog, network, split, vfConsistency, type Catalog } from "./vms-helpers";

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe("a worker killed during VM creates and stops: the next one converges", () => {
  let fx: Fixture;
  let cat: Catalog;
  let host: SimHost;
  let l3: L3View;
  const children: ChildProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  const VMS = 6;

  const spawn = () => {
    const child = spawnWorkerProcess(fx.config);
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    fx = await createFixture("vmcrash");
    cat = await catalog(fx.db);
    const agent = await startSimAgent("kvm-i350-82599");
    closers.push(() => agent.close());
    // Every agent call takes 250 ms, so the kill surely lands while operations run.
    const proxy = await startSlowProxy(agent.url, 250);
    closers.unshift(() => proxy.close());
    spawn();
    const { host: row, operation } = await addHost(fx.db, fx.admin, {
      name: "kvm-crash",
      clusterId: fx.clusterId,
      agentUrl: proxy.url,
      agentToken: AGENT_TOKEN,
    });
    expect((await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000)).status).toBe(
      "Succeeded",
    );
    host = {
      hostId: row.id,
      name: row.name,
      agent,
      client: createAgentClient({ baseUrl: agent.url, token: AGENT_TOKEN }),
    };
    await split(fx, host, "p1p2", VMS);
    l3 = await network(fx, { name: "crash", iface: "p1p2", cidr: "10.30.0.0/24", sriov: true });
  });
  afterAll(async () => {
    await Promise.all(children.map(kill));
    for (const close of closers) await close();
    await fx?.cleanup();
  });

  async function converged(expected: "Running" | "Stopped") {
    const vms = await fx.db.vm.findMany({ include: { nics: { include: { vf: true } } } });
    expect(vms).toHaveLength(VMS);
    for (const vm of vms) {
      expect(vm.state).toBe(expected);
      expect(vm.desiredState).toBe(expected);
      const domain = await host.client.getDomain(vm.id);
      expect(domain.state).toBe(expected === "Running" ? "running" : "shutoff");
      for (const nic of vm.nics) {
        if (expected === "Running") expect(nic.vf?.state).toBe("Attached");
        else expect(nic.vfId).toBeNull();
      }
    }
    expect(await fx.db.virtualFunction.count({ where: { state: "Reserved" } })).toBe(0);
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
  }

  it(`converges after SIGKILL during ${VMS} creates and again during ${VMS} stops`, async () => {
    const [first] = children;
    if (!first) throw new Error("no worker");
    const created = await Promise.all(
      Array.from({ length: VMS }, (_, i) =>
        createVm(fx.db, fx.tenant, {
          ...cat,
          name: `crash-${i}`,
          nics: [{ l3Id: l3.id, sriov: true }],
        }),
      ),
    );
    await waitForOperation(
      fx.db,
      fx.admin,
      created[0]?.operation.id ?? "",
      (op) => op.status === "Running" && op.progress > 0,
    );
    await kill(first);
    const running = await fx.db.operation.count({
      where: { kind: "vm.create", status: { in: ["Pending", "Running"] } },
    });
    console.log(
      `[crash] killed the worker with ${running} of ${VMS} vm.create operations unfinished`,
    );
    expect(running).toBeGreaterThan(0);
    const second = spawn();
    for (const { operation } of created) {
      expect(
        (await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000)).status,
      ).toBe("Succeeded");
    }
    await converged("Running");

    const stops = await Promise.all(
      created.map(({ vm }) => stopVm(fx.db, fx.tenant, { vmId: vm.id })),
    );
    await waitForOperation(
      fx.db,
      fx.admin,
      stops[0]?.operation.id ?? "",
      (op) => op.status === "Running" && op.progress > 0,
    );
    await kill(second);
    const stopping = await fx.db.operation.count({
      where: { kind: "vm.stop", status: { in: ["Pending", "Running"] } },
    });
    console.log(
      `[crash] killed the worker with ${stopping} of ${VMS} vm.stop operations unfinished`,
    );
    expect(stopping).toBeGreaterThan(0);
    spawn();
    for (const { operation } of stops) {
      expect(
        (await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000)).status,
      ).toBe("Succeeded");
    }
    await converged("Stopped");
    expect(await fx.db.virtualFunction.count({ where: { state: "Available" } })).toBe(VMS);
  });
});
