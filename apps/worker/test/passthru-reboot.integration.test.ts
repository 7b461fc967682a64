// Issue 17: a host reboot under a VM that holds a whole PCI device and a VF. The sim agent runs
// in a process of its own and is SIGKILLed, its host power-cycled while it is down, and started
// again; the GPU does not come back with it at first (its /sys entry is gone), then does after
// another agent restart. The VM waits for it, says why, and comes back with both, held once.
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addHost,
  assignPciDevice,
  setPciDeviceAssignable,
  splitPhysicalNic,
  startVm,
  stopVm,
} from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import { AGENT_TOKEN, createFixture, startInProcessWorker, waitForOperation } from "./helpers";
import type { Fixture } from "./helpers";
import { sleep, spawnSimAgent, type AgentProcess } from "./faults";
import { pfNamed } from "./sriov-helpers";
import { catalog, finish, network, runningVm } from "./vms-helpers";
import { createAgentClient } from "@virtfn/agent-client";

const GPU = "0000:3b:00.0";

describe("host reboot recovery re-takes whole devices (issue 17)", { timeout: 240_000 }, () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let agent: AgentProcess;
  let hostId: string;

  beforeAll(async () => {
    fx = await createFixture("passthrureboot");
    worker = await startInProcessWorker({ ...fx.config, agentOutageMs: 45_000, requeueMs: 1000 });
    agent = await spawnSimAgent(0, "kvm-e810");
    const { host, operation } = await addHost(fx.db, fx.admin, {
      name: "kvm-ptreboot",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
      scanIommu: true,
    });
    const added = await waitForOperation(fx.db, fx.admin, operation.id, undefined, 60_000);
    if (added.status !== "Succeeded") throw new Error(`adding the host: ${added.errorMessage}`);
    hostId = host.id;
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await agent?.close();
    await fx?.cleanup();
  });

  /** Reconcile passes until `done` holds and no operation is left running. */
  async function reconcileUntil(done: () => Promise<boolean>): Promise<void> {
    for (let pass = 0; pass < 600; pass += 1) {
      await worker.reconciler.runOnce();
      const busy = await fx.db.operation.count({
        where: { status: { in: ["Pending", "Running"] } },
      });
      if (busy === 0 && (await done())) return;
      await sleep(200);
    }
    throw new Error("the host did not converge");
  }

  it("a VM holding a GPU and a VF waits for a GPU that did not come back, then recovers with both", async () => {
    const client = createAgentClient({ baseUrl: agent.url, token: AGENT_TOKEN });
    const cat = await catalog(fx.db);
    const e810 = await pfNamed(fx.db, hostId, "ens1f0");
    await finish(fx, splitPhysicalNic(fx.db, fx.admin, { pfId: e810.id, count: 2 }));
    const vnicL3 = await network(fx, {
      name: "ptr",
      iface: "eno1",
      cidr: "10.79.0.0/24",
      sriov: false,
    });
    const vfL3 = await network(fx, {
      name: "ptrvf",
      iface: "ens1f0",
      cidr: "10.80.0.0/24",
      sriov: true,
    });
    const gpu = await fx.db.pciDevice.findUniqueOrThrow({
      where: { hostId_pciAddress: { hostId, pciAddress: GPU } },
    });
    await setPciDeviceAssignable(fx.db, fx.admin, { pciDeviceId: gpu.id, assignable: true });
    const vm = await runningVm(fx, fx.tenant, cat, "ptr-a", [
      { l3Id: vnicL3.id, sriov: false, isDefault: true },
      { l3Id: vfL3.id, sriov: true },
    ]);
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }));
    await assignPciDevice(fx.db, fx.admin, { vmId: vm.id, pciDeviceId: gpu.id });
    expect((await finish(fx, startVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe("Succeeded");
    const holders = async () =>
      (await fx.db.vmPciDevice.findMany({ where: { heldId: gpu.id } })).map((r) => r.vmId);
    const vfOf = async () =>
      (
        await fx.db.vmNic.findFirstOrThrow({
          where: { vmId: vm.id, type: "VF" },
          include: { vf: true },
        })
      ).vf;
    expect(await holders()).toEqual([vm.id]);
    expect((await client.getDomain(vm.id)).hostdevs).toEqual([GPU]);

    // Power cycle with the agent down; the host comes back without the GPU.
    await agent.kill();
    await agent.powerCycle();
    await agent.start();
    rmSync(path.join(agent.stateDir, "sys/bus/pci/devices", GPU), { recursive: true });

    // The VFs are re-applied; the VM waits for its GPU instead of failing its start.
    await reconcileUntil(async () => {
      const vf = await vfOf();
      return vf !== null && vf.state !== "Missing";
    });
    // Until it says why it waits, or (the rule broken) its start failed and stopped it.
    await reconcileUntil(async () => {
      const waits = await fx.db.auditEvent.count({
        where: { action: "vm.recoverWaiting", targetId: vm.id },
      });
      const now = await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } });
      return waits > 0 || now.desiredState !== "Running";
    });
    const waiting = await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } });
    expect([waiting.state, waiting.desiredState]).toEqual(["Running", "Running"]);
    expect((await fx.db.pciDevice.findUniqueOrThrow({ where: { id: gpu.id } })).missing).toBe(true);
    expect(await holders()).toEqual([vm.id]);
    const wait = await fx.db.auditEvent.findFirstOrThrow({
      where: { action: "vm.recoverWaiting", targetId: vm.id },
    });
    expect(JSON.stringify(wait.details)).toContain(`${GPU} is not reported by kvm-ptreboot`);
    expect(await fx.db.operation.count({ where: { kind: "vm.recover" } })).toBe(0);

    // The GPU is back (the agent restarts and finds it): the VM starts with it and its VF.
    await agent.kill();
    await agent.start();
    await reconcileUntil(async () => {
      const domain = (await client.listDomains()).find((d) => d.name === vm.id);
      return domain?.state === "running";
    });
    const recovered = await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } });
    expect([recovered.state, recovered.desiredState]).toEqual(["Running", "Running"]);
    expect(await holders()).toEqual([vm.id]);
    expect(await fx.db.vmPciDevice.count({ where: { heldId: { not: null } } })).toBe(1);
    expect((await client.getDomain(vm.id)).hostdevs).toEqual([GPU]);
    const vf = await vfOf();
    expect(vf?.state).toBe("Attached");
    const summary = (await client.snapshot()).domains.find((d) => d.name === vm.id);
    expect(summary?.vfs).toContain(vf?.pciAddress);
    const recover = await fx.db.operation.findFirstOrThrow({ where: { kind: "vm.recover" } });
    expect(recover.status).toBe("Succeeded");
  });
});
