import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createAgentClient, type AgentClient } from "@virtfn/agent-client";
import { addHost, createVm, splitPhysicalNic, stopVm, type L3View } from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import {
  AGENT_TOKEN,
  createFixture,
  startInProcessWorker,
  startSlowProxy,
  waitForOperation,
  type Fixture,
} from "./helpers";
import { pfNamed } from "./sriov-helpers";
import { catalog, network, runningVm, vfConsistency, type Catalog } from "./vms-helpers";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A sim agent in its own process, so that the test can SIGKILL it and start it again on the same state. */
function spawnAgent(port: number, stateDir: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(repoRoot, "apps/agent/src/main.ts"),
      "--port",
      String(port),
      "--token",
      AGENT_TOKEN,
      "--backend",
      "sim",
      "--sim-profile",
      "kvm-i350-82599",
      "--sim-state-dir",
      stateDir,
      "--per-vf-delay-ms",
      "0",
    ],
    { cwd: repoRoot, stdio: "ignore" },
  );
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

async function untilHealthy(client: AgentClient): Promise<void> {
  for (let i = 0; ; i += 1) {
    try {
      await client.health({ timeoutMs: 1000, retryForMs: 0 });
      return;
    } catch (error) {
      if (i > 300) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Issue 10 item 2: an agent killed for ~12 s while VMs are stopped and created.
describe("an agent SIGKILLed mid-operation and restarted on the same state: everything converges", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let cat: Catalog;
  let l3: L3View;
  let client: AgentClient;
  let port: number;
  let stateDir: string;
  let agent: ChildProcess;
  let hostId: string;
  const closers: Array<() => Promise<void>> = [];
  const VMS = 6;

  beforeAll(async () => {
    fx = await createFixture("agentkill");
    worker = await startInProcessWorker({ ...fx.config, agentOutageMs: 45_000 });
    cat = await catalog(fx.db);
    stateDir = mkdtempSync(
      path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-agent-"),
    );
    port = await freePort();
    agent = spawnAgent(port, stateDir);
    const url = `http://127.0.0.1:${port}`;
    client = createAgentClient({ baseUrl: url, token: AGENT_TOKEN });
    await untilHealthy(client);
    // Every agent call takes 200 ms, so the kill surely lands while operations run.
    const proxy = await startSlowProxy(url, 200);
    closers.push(() => proxy.close());
    const { host, operation } = await addHost(fx.db, fx.admin, {
      name: "kvm-kill",
      clusterId: fx.clusterId,
      agentUrl: proxy.url,
      agentToken: AGENT_TOKEN,
    });
    hostId = host.id;
    expect((await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000)).status).toBe(
      "Succeeded",
    );
    const pf = await pfNamed(fx.db, hostId, "p1p2");
    const splitting = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: VMS * 2 });
    expect((await waitForOperation(fx.db, fx.admin, splitting.operation.id)).status).toBe(
      "Succeeded",
    );
    l3 = await network(fx, { name: "kill", iface: "p1p2", cidr: "10.50.0.0/24", sriov: true });
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    for (const close of closers) await close();
    if (agent) await kill(agent);
    rmSync(stateDir, { recursive: true, force: true });
    await fx?.cleanup();
  });

  it(`${VMS} stops and ${VMS} creates outlast a 12 s agent outage; VMs, domains and VFs agree`, async () => {
    const first = await Promise.all(
      Array.from({ length: VMS }, (_, i) =>
        runningVm(fx, fx.tenant, cat, `kill-${i}`, [
          { l3Id: l3.id, sriov: true },
          { l3Id: l3.id, sriov: false, isDefault: true },
        ]),
      ),
    );
    const stops = await Promise.all(first.map((vm) => stopVm(fx.db, fx.tenant, { vmId: vm.id })));
    // The stops are committed and being dispatched: the agent dies under them, and the creates
    // arrive during the outage.
    await kill(agent);
    const creates = await Promise.all(
      Array.from({ length: VMS }, (_, i) =>
        createVm(fx.db, fx.tenant, {
          ...cat,
          name: `late-${i}`,
          nics: [{ l3Id: l3.id, sriov: true }],
        }),
      ),
    );
    const unfinished = await fx.db.operation.count({
      where: { kind: { in: ["vm.stop", "vm.create"] }, status: { in: ["Pending", "Running"] } },
    });
    console.log(
      `[agent-kill] killed the agent with ${unfinished} of ${VMS * 2} operations unfinished`,
    );
    expect(unfinished).toBeGreaterThan(0);
    await sleep(12_000);
    agent = spawnAgent(port, stateDir);
    await untilHealthy(client);

    console.log(`[agent-kill] agent restarted on port ${port}`);
    for (const { operation } of [...stops, ...creates]) {
      const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 120_000).catch(
        async (error: unknown) => {
          const ops = await fx.db.operation.findMany({
            where: { kind: { in: ["vm.stop", "vm.create"] } },
            select: { kind: true, status: true, progressMessage: true, errorCode: true },
          });
          console.log(JSON.stringify(ops));
          throw error;
        },
      );
      expect(done.status, `${done.kind}: ${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    }
    // Two reconcile periods after the fault.
    await worker.reconciler.runOnce();
    await worker.reconciler.runOnce();

    expect(await fx.db.operation.count({ where: { status: { in: ["Pending", "Running"] } } })).toBe(
      0,
    );
    const vms = await fx.db.vm.findMany({ include: { nics: { include: { vf: true } } } });
    expect(vms).toHaveLength(VMS * 2);
    const domains = new Map((await client.snapshot()).domains.map((d) => [d.name, d]));
    const attachedInDomains: string[] = [];
    for (const vm of vms) {
      const expected = vm.name.startsWith("late-") ? "Running" : "Stopped";
      expect(vm.state, vm.name).toBe(expected);
      const domain = domains.get(vm.id);
      expect(domain?.state, vm.name).toBe(expected === "Running" ? "running" : "shutoff");
      for (const nic of vm.nics.filter((n) => n.type === "VF")) {
        if (expected === "Running") {
          expect(nic.vf?.state).toBe("Attached");
          expect(domain?.vfs).toContain(nic.vf?.pciAddress);
        } else expect(nic.vfId).toBeNull();
      }
      if (domain?.state === "running") attachedInDomains.push(...domain.vfs);
    }
    const attached = await fx.db.virtualFunction.findMany({ where: { state: "Attached" } });
    expect(attached.map((vf) => vf.pciAddress).sort()).toEqual(attachedInDomains.sort());
    expect(
      await fx.db.virtualFunction.count({ where: { state: { in: ["Reserved", "Releasing"] } } }),
    ).toBe(0);
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
    const host = await fx.db.host.findUniqueOrThrow({ where: { id: hostId } });
    expect(host.connectionState).toBe("Connected");
  }, 300_000);

  it("a VM left in Error whose domain runs with its VFs is reconciled to Running, with an event", async () => {
    const vm = await fx.db.vm.findFirstOrThrow({ where: { name: "late-0" } });
    await fx.db.vm.update({
      where: { id: vm.id },
      data: { state: "Error", desiredState: "Stopped" },
    });
    await worker.reconciler.runOnce();
    expect(await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } })).toMatchObject({
      state: "Running",
      desiredState: "Running",
    });
    const event = await fx.db.auditEvent.findFirstOrThrow({
      where: { action: "vm.reconciled", targetId: vm.id },
    });
    expect(event.details).toMatchObject({ from: "Error", to: "Running" });
  });

  it("a VM in Error that still holds VFs while its domain is stopped is cleanly stopped and released, with an event", async () => {
    const vm = await fx.db.vm.findFirstOrThrow({
      where: { name: "late-1" },
      include: { nics: true },
    });
    await fx.db.vm.update({ where: { id: vm.id }, data: { state: "Error" } });
    await client.destroyDomain(vm.id);
    await worker.reconciler.runOnce();
    expect((await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } })).state).toBe("Stopped");
    for (const nic of await fx.db.vmNic.findMany({ where: { vmId: vm.id } }))
      expect(nic.vfId).toBeNull();
    expect((await client.getDomain(vm.id)).nics.filter((n) => n.type === "vf")).toEqual([]);
    const event = await fx.db.auditEvent.findFirstOrThrow({
      where: { action: "vm.reconciled", targetId: vm.id },
    });
    expect(event.details).toMatchObject({ from: "Error", to: "Stopped" });
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
  });
});
