// The shared shape of the fault tests (issue 10, "Done means"): a host behind a proxy that makes
// every agent call slow, VMs with VF and vNIC NICs, operations in flight when the fault lands,
// and one check that everything converged once it is over.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { createSimBackend, loadHostProfile, type RunningAgent } from "@virtfn/agent";
import { createAgentClient, type AgentClient } from "@virtfn/agent-client";
import {
  addHost,
  createVm,
  splitPhysicalNic,
  startVm,
  stopVm,
  type L3View,
  type ReconcileOutcome,
} from "@virtfn/core";
import {
  AGENT_TOKEN,
  startSimAgent,
  waitForOperation,
  startSlowProxy,
  type Fixture,
  type GateProxy,
} from "./helpers";
import { pfNamed } from "./sriov-helpers";
import { catalog, network, runningVm, vfConsistency, type Catalog } from "./vms-helpers";

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FaultHost {
  hostId: string;
  l3: L3View;
  cat: Catalog;
  /** Straight to the agent, past the proxy. */
  client: AgentClient;
  /** The agent in a process of its own, when the host was made with `agentProcess`. */
  process: AgentProcess | null;
  /** Between the worker and the agent: makes the agent slow, or holds one call. */
  proxy: GateProxy;
  close(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const PROFILE = "kvm-i350-82599";

/**
 * A sim agent in a process of its own, on a state dir that outlives it, so a test can SIGKILL
 * it, power-cycle the host it stands for while it is down, and start it again on the same port.
 */
export interface AgentProcess {
  url: string;
  /** The host's /sys and state, which a test may change while the agent runs. */
  stateDir: string;
  kill(): Promise<void>;
  /** With the agent down: what a power cycle does to the host (VFs, domains, FDB, boot id). */
  powerCycle(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function spawnSimAgent(
  perVfDelayMs: number,
  profile: string = PROFILE,
): Promise<AgentProcess> {
  const stateDir = mkdtempSync(
    path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-agent-"),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const client = createAgentClient({ baseUrl: url, token: AGENT_TOKEN });
  let child: ChildProcess | null = null;
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };
  const start = async () => {
    // node --import tsx, not the tsx binary: SIGKILL must hit the agent itself.
    child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(repoRoot, "apps/agent/src/main.ts"),
        ...["--port", String(port), "--token", AGENT_TOKEN, "--backend", "sim"],
        ...["--sim-profile", profile, "--sim-state-dir", stateDir],
        ...["--per-vf-delay-ms", String(perVfDelayMs)],
      ],
      { cwd: repoRoot, stdio: "ignore" },
    );
    for (let i = 0; ; i += 1) {
      try {
        await client.health({ timeoutMs: 1000, retryForMs: 0 });
        return;
      } catch (error) {
        if (i > 300) throw error;
        await sleep(100);
      }
    }
  };
  await start();
  return {
    url,
    stateDir,
    kill,
    start,
    powerCycle: async () => {
      if (child) throw new Error("power-cycle the host with its agent down");
      const host = await createSimBackend({ stateDir, profile: loadHostProfile(profile) });
      await host.agent.reboot();
      await host.close();
    },
    close: async () => {
      await kill();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * A sim host whose agent answers every call `delayMs` late (so a fault surely lands while
 * operations run), `vfs` VFs split on p1p2 and an SR-IOV L3 on it. With `agentProcess` its agent
 * runs in a process of its own (see AgentProcess), creating VFs `perVfDelayMs` apart.
 */
export async function faultHost(
  fx: Fixture,
  args: {
    name: string;
    cidr: string;
    vfs: number;
    delayMs: number;
    agentProcess?: { perVfDelayMs: number };
  },
): Promise<FaultHost> {
  const inProcess: RunningAgent | null = args.agentProcess ? null : await startSimAgent(PROFILE);
  const spawned = args.agentProcess ? await spawnSimAgent(args.agentProcess.perVfDelayMs) : null;
  const agentUrl = spawned?.url ?? inProcess?.url ?? "";
  const proxy = await startSlowProxy(agentUrl, args.delayMs);
  const { host, operation } = await addHost(fx.db, fx.admin, {
    name: args.name,
    clusterId: fx.clusterId,
    agentUrl: proxy.url,
    agentToken: AGENT_TOKEN,
  });
  const added = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
  if (added.status !== "Succeeded") throw new Error(`adding ${args.name}: ${added.errorMessage}`);
  const client = createAgentClient({ baseUrl: agentUrl, token: AGENT_TOKEN });
  const pf = await pfNamed(fx.db, host.id, "p1p2");
  const splitting = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: args.vfs });
  const split = await waitForOperation(fx.db, fx.admin, splitting.operation.id, undefined, 60_000);
  if (split.status !== "Succeeded") throw new Error(`splitting p1p2: ${split.errorMessage}`);
  const l3 = await network(fx, {
    name: args.name,
    iface: "p1p2",
    cidr: args.cidr,
    sriov: true,
  });
  return {
    hostId: host.id,
    l3,
    cat: await catalog(fx.db),
    client,
    process: spawned,
    proxy,
    close: async () => {
      await proxy.close();
      await inProcess?.close();
      await spawned?.close();
    },
  };
}

/** VMs with one VF NIC and one vNIC (so FDB entries are in play too), all Running. */
export async function runningVms(fx: Fixture, host: FaultHost, prefix: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      runningVm(fx, fx.tenant, host.cat, `${prefix}-${i}`, [
        { l3Id: host.l3.id, sriov: true },
        { l3Id: host.l3.id, sriov: false, isDefault: true },
      ]),
    ),
  );
}

/** VMs as `runningVms` makes them, then stopped: their VFs are free again. */
export async function stoppedVms(fx: Fixture, host: FaultHost, prefix: string, count: number) {
  const vms = await runningVms(fx, host, prefix, count);
  for (const vm of vms) {
    const { operation } = await stopVm(fx.db, fx.tenant, { vmId: vm.id });
    const done = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
    if (done.status !== "Succeeded") throw new Error(`stopping ${vm.id}: ${done.errorMessage}`);
  }
  return vms;
}

/**
 * Stops `vms`, starts `stopped` and creates `creates` more, without waiting: the operations in
 * flight.
 */
export async function operationsInFlight(
  fx: Fixture,
  host: FaultHost,
  vms: Array<{ id: string }>,
  prefix: string,
  creates: number,
  stopped: Array<{ id: string }> = [],
): Promise<string[]> {
  const stops = await Promise.all(vms.map((vm) => stopVm(fx.db, fx.tenant, { vmId: vm.id })));
  const starts = await Promise.all(stopped.map((vm) => startVm(fx.db, fx.tenant, { vmId: vm.id })));
  const created = await Promise.all(
    Array.from({ length: creates }, (_, i) =>
      createVm(fx.db, fx.tenant, {
        ...host.cat,
        name: `${prefix}-${i}`,
        nics: [
          { l3Id: host.l3.id, sriov: true },
          { l3Id: host.l3.id, sriov: false, isDefault: true },
        ],
      }),
    ),
  );
  return [...stops, ...starts, ...created].map((started) => started.operation.id);
}

export async function unfinished(fx: Fixture): Promise<number> {
  return fx.db.operation.count({ where: { status: { in: ["Pending", "Running"] } } });
}

/** Waits until no operation is Pending or Running (what a reconcile pass queued included). */
async function settled(fx: Fixture, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await unfinished(fx)) > 0 && Date.now() < deadline) await sleep(200);
}

/**
 * One reconcile pass of the host that really looked at it: `runOnce` leaves out a host whose
 * scheduled pass is running right now, so it is asked again until it has done one.
 */
async function reconciled(
  host: FaultHost,
  reconcile: () => Promise<ReconcileOutcome[]>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcomes = await reconcile();
    if (outcomes.some((o) => o.hostId === host.hostId && o.result === "observed")) return;
    if (Date.now() > deadline)
      throw new Error(`no reconcile pass observed the host: ${JSON.stringify(outcomes)}`);
    await sleep(100);
  }
}

/**
 * Waits until every operation in `ids` has finished and expects each to have succeeded; then,
 * after two reconcile passes (two periods, each with the operations it queued, such as a
 * re-apply after a reboot and then the recovery of the VMs that should run), that nothing is
 * unfinished, no VF is held twice or without a holder, and the database and the agent agree on
 * every VM, its domain, its VFs and the PF's FDB.
 */
export async function expectConverged(
  fx: Fixture,
  host: FaultHost,
  reconcile: () => Promise<ReconcileOutcome[]>,
  ids: string[],
  timeoutMs = 120_000,
): Promise<void> {
  for (const id of ids) {
    const done = await waitForOperation(fx.db, fx.admin, id, undefined, timeoutMs).catch(
      async (error: unknown) => {
        const ops = await fx.db.operation.findMany({
          where: { status: { in: ["Pending", "Running"] } },
          select: { kind: true, status: true, progressMessage: true, updatedAt: true },
        });
        console.log(`[faults] unfinished: ${JSON.stringify(ops)}`);
        throw error;
      },
    );
    expect(done.status, `${done.kind}: ${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
  }
  for (let pass = 0; pass < 2; pass += 1) {
    await reconciled(host, reconcile, timeoutMs);
    await settled(fx, timeoutMs);
  }

  const left = await fx.db.operation.findMany({
    where: { status: { in: ["Pending", "Running"] } },
    select: { kind: true, status: true, targetName: true, progressMessage: true },
  });
  expect(left).toEqual([]);
  expect(
    await fx.db.virtualFunction.count({ where: { state: { in: ["Reserved", "Releasing"] } } }),
  ).toBe(0);
  expect(await vfConsistency(fx.db)).toEqual({
    doubles: 0,
    heldWithoutHolder: 0,
    holderOfFreeVf: 0,
  });
  const snapshot = await host.client.snapshot();
  console.log(
    JSON.stringify(
      await fx.db.operation.findMany({
        orderBy: { createdAt: "asc" },
        select: {
          kind: true,
          status: true,
          targetName: true,
          errorCode: true,
          errorMessage: true,
          createdAt: true,
        },
      }),
    ),
  );
  console.log(
    JSON.stringify(
      await fx.db.virtualFunction.findMany({ select: { pciAddress: true, state: true } }),
    ),
  );
  console.log(
    JSON.stringify(await fx.db.host.findMany({ select: { bootId: true, connectionState: true } })),
  );
  console.log(
    JSON.stringify(
      await fx.db.physicalNic.findMany({
        where: { desiredNumVfs: { gt: 0 } },
        select: { numVfs: true, desiredNumVfs: true },
      }),
    ),
  );
  console.log(
    JSON.stringify(
      snapshot.nics
        .filter((n) => n.numVfs > 0 || n.pciAddress.includes("04:00.1"))
        .map((n) => [n.pciAddress, n.numVfs]),
    ),
  );
  const domains = new Map(snapshot.domains.map((d) => [d.name, d]));
  const vms = await fx.db.vm.findMany({
    where: { hostId: host.hostId },
    include: { nics: { include: { vf: true } } },
  });
  const inDomains: string[] = [];
  for (const vm of vms) {
    expect(["Running", "Stopped"], `${vm.name} is ${vm.state}`).toContain(vm.state);
    expect(vm.desiredState, vm.name).toBe(vm.state);
    const domain = domains.get(vm.id);
    expect(domain?.state, vm.name).toBe(vm.state === "Running" ? "running" : "shutoff");
    for (const nic of vm.nics.filter((n) => n.type === "VF")) {
      if (vm.state === "Running") {
        expect(nic.vf?.state, vm.name).toBe("Attached");
        expect(domain?.vfs, vm.name).toContain(nic.vf?.pciAddress);
      } else expect(nic.vfId, vm.name).toBeNull();
    }
    if (domain?.state === "running") inDomains.push(...domain.vfs);
  }
  const attached = await fx.db.virtualFunction.findMany({
    where: { state: "Attached", pf: { hostId: host.hostId } },
  });
  expect(attached.map((vf) => vf.pciAddress).sort()).toEqual(inDomains.sort());
  // FDB: exactly the desired rows are on the host.
  const rows = await fx.db.fdbEntry.findMany({ where: { hostId: host.hostId } });
  const observed = snapshot.fdb.filter((e) => /^52:54:00:/i.test(e.mac));
  expect(observed.map((e) => `${e.pf}|${e.mac.toLowerCase()}`).sort()).toEqual(
    rows.map((r) => `${r.pfName}|${r.mac.toLowerCase()}`).sort(),
  );
}

/** A redis-server of the test's own, which it can SIGKILL and start again: the shared one must never die. */
export interface RedisProcess {
  url: string;
  kill(): Promise<void>;
  /** Starts it again; `wipe` drops its data first, as a restart without persistence would. */
  start(options?: { wipe?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/** `fixedPort`: for a test that keeps to a port range; unset, a free port. */
export async function startRedisProcess(label: string, fixedPort?: number): Promise<RedisProcess> {
  const port = fixedPort ?? (await freePort());
  const dataDir = path.join(
    process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(),
    `redis-${label}-${process.pid}`,
  );
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  let child: ChildProcess | null = null;
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => socket.write("PING\r\n"));
      socket.once("data", (data) => {
        socket.destroy();
        resolve(data.toString().startsWith("+PONG"));
      });
      socket.once("error", () => resolve(false));
    });
  const start = async (options: { wipe?: boolean } = {}) => {
    if (options.wipe) {
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
    }
    const proc = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--dir",
        dataDir,
        "--maxmemory-policy",
        "noeviction",
      ],
      { stdio: "ignore" },
    );
    child = proc;
    for (let i = 0; i < 200; i++) {
      if (await answers()) return;
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
      await sleep(50);
    }
    throw new Error("redis-server did not answer");
  };
  const exit = async (signal: NodeJS.Signals) => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: () => exit("SIGKILL"),
    start,
    stop: async () => {
      await exit("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
