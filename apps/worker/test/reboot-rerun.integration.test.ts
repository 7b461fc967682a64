// A vm.reboot run again after its worker died (the replica test found it rebooting the domain a
// second time): once a run has stopped the domain and recorded it (the VM says Starting), the
// next run only makes sure the domain runs. Counted at the sim host, per operation.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startObservedSimFleet, type ObservedSimFleet } from "@virtfn/agent";
import { createAgentClient } from "@virtfn/agent-client";
import { addHost, rebootVm, splitPhysicalNic } from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import {
  AGENT_TOKEN,
  createFixture,
  startInProcessWorker,
  waitForOperation,
  type Fixture,
} from "./helpers";
import { pfNamed } from "./sriov-helpers";
import { catalog, network, runningVm } from "./vms-helpers";

describe("a vm.reboot run again after its worker died", () => {
  let fx: Fixture;
  let fleet: ObservedSimFleet;
  let worker: RunningWorker | null = null;
  let dir: string;

  beforeAll(async () => {
    fx = await createFixture("reboot-rerun");
    dir = mkdtempSync(path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-rerun-"));
    fleet = await startObservedSimFleet({
      baseDir: dir,
      token: AGENT_TOKEN,
      hosts: [{ name: "rerun-host", profile: "kvm-i350-82599" }],
    });
  });
  afterAll(async () => {
    await worker?.close();
    await fleet?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await fx?.cleanup();
  });

  it("does not stop the domain a second time once a run has stopped it", async () => {
    worker = await startInProcessWorker(fx.config);
    const agent = fleet.agents[0];
    if (!agent) throw new Error("the sim host did not start");
    const { host, operation } = await addHost(fx.db, fx.admin, {
      name: agent.name,
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
    });
    expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
    const pf = await pfNamed(fx.db, host.id, "p1p1");
    const split = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count: 2 });
    expect((await waitForOperation(fx.db, fx.admin, split.operation.id)).status).toBe("Succeeded");
    const l3 = await network(fx, {
      name: "rerun",
      iface: "p1p1",
      cidr: "10.47.0.0/24",
      sriov: true,
    });
    const vm = await runningVm(fx, fx.tenant, await catalog(fx.db), "rerun-vm", [
      { l3Id: l3.id, sriov: true },
      { l3Id: l3.id, sriov: false, isDefault: true },
    ]);

    // The reboot's first run, up to its death: it stopped the domain, recorded that (Starting)
    // and started it again, but died before it could mark the VM Running.
    await worker.close();
    worker = null;
    const reboot = await rebootVm(fx.db, fx.tenant, { vmId: vm.id });
    await fx.db.vm.update({ where: { id: vm.id }, data: { state: "Starting" } });

    // The job runs again on another worker.
    worker = await startInProcessWorker(fx.config);
    const done = await waitForOperation(fx.db, fx.admin, reboot.operation.id);
    expect(done.status, `${done.errorCode} ${done.errorMessage}`).toBe("Succeeded");
    expect((await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } })).state).toBe("Running");
    const applied = fleet.applied.filter((effect) => effect.operationId === reboot.operation.id);
    expect(applied.map((effect) => effect.kind)).toEqual([]);
    const domains = await createAgentClient({
      baseUrl: agent.url,
      token: AGENT_TOKEN,
    }).listDomains();
    expect(domains.find((domain) => domain.name === vm.id)?.state).toBe("running");
  }, 120_000);
});
