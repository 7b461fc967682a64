import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addHost,
  getHost,
  listOperations,
  reconnectHost,
  rebootHost,
  setHostIommu,
  splitPhysicalNic,
  DomainError,
} from "@virtfn/core";
import type { RunningAgent } from "@virtfn/agent";
import { createAgentClient } from "@virtfn/agent-client";
import type { RunningWorker } from "../src/index";
import {
  AGENT_TOKEN,
  createFixture,
  startInProcessWorker,
  startSimAgent,
  waitForOperation,
  type Fixture,
} from "./helpers";

describe("host inventory through the worker and real sim agents", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  const agents: RunningAgent[] = [];

  beforeAll(async () => {
    fx = await createFixture("hosts");
    worker = await startInProcessWorker(fx.config);
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("adds a host: the operation connects to the agent and stores facts and the NIC table", async () => {
    const agent = await startSimAgent("kvm-i350-82599");
    agents.push(agent);
    const { host, operation } = await addHost(fx.db, fx.admin, {
      name: "kvm-a",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
      scanIommu: true,
    });
    expect(operation.status).toBe("Pending");
    const done = await waitForOperation(fx.db, fx.admin, operation.id);
    expect(done.status).toBe("Succeeded");
    expect(done.progress).toBe(100);

    const detail = await getHost(fx.db, fx.admin, host.id);
    expect(detail.connectionState).toBe("Connected");
    expect(detail.cpuVirtualization).toBe("vmx");
    expect(detail.iommu.state).toBe("ready");
    expect(detail.interruptRemapping).toBe(true);
    expect(
      detail.nics.map((nic) => [nic.name, nic.driver, nic.totalVfs, nic.virtualizationState]),
    ).toEqual([
      ["em1", "igb", 7, "Virtualizable"],
      ["em2", "igb", 7, "Virtualizable"],
      ["p1p1", "ixgbe", 63, "Virtualizable"],
      ["p1p2", "ixgbe", 63, "Virtualizable"],
    ]);
    expect(detail.nics.find((nic) => nic.name === "p1p2")?.linkUp).toBe(false);
  });

  it("stores an SR-IOV PF without a netdev by its PCI address; it splits, and cannot carry an L2", async () => {
    const agent = await startSimAgent("qemu-nvme-sriov");
    agents.push(agent);
    const { host, operation } = await addHost(fx.db, fx.admin, {
      name: "kernel-testbed",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
      scanIommu: true,
    });
    expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
    const detail = await getHost(fx.db, fx.admin, host.id);
    const nvme = detail.nics.find((nic) => nic.pciAddress === "0000:01:00.0");
    expect(nvme).toMatchObject({
      name: null,
      label: "0000:01:00.0",
      mac: null,
      driver: "nvme",
      totalVfs: 4,
      virtualizationState: "Virtualizable",
      l2: {
        canCarryL2: false,
        message: "0000:01:00.0 has no network interface, so it cannot carry an L2 network.",
      },
    });
    expect(detail.nics.find((nic) => nic.name === "eth0")?.l2.canCarryL2).toBe(true);

    const split = await splitPhysicalNic(fx.db, fx.admin, { pfId: nvme?.id ?? "", count: 2 });
    expect(split.pf.name).toBe("0000:01:00.0");
    expect((await waitForOperation(fx.db, fx.admin, split.operation.id)).status).toBe("Succeeded");
    const after = await getHost(fx.db, fx.admin, host.id);
    expect(after.nics.find((nic) => nic.id === nvme?.id)).toMatchObject({
      numVfs: 2,
      vfTotal: 2,
      virtualizationState: "Virtualized",
    });
  });

  it("adds a host whose agent is down: the host is Disconnected with a readable reason", async () => {
    const { host, operation } = await addHost(fx.db, fx.admin, {
      name: "kvm-down",
      clusterId: fx.clusterId,
      agentUrl: "http://127.0.0.1:9",
      agentToken: AGENT_TOKEN,
    });
    const done = await waitForOperation(fx.db, fx.admin, operation.id);
    expect(done.status).toBe("Failed");
    expect(done.errorCode).toBe("AGENT_UNREACHABLE");
    const detail = await getHost(fx.db, fx.admin, host.id);
    expect(detail.connectionState).toBe("Disconnected");
    expect(detail.connectionReason).toMatch(/^Cannot reach the agent at http:\/\/127\.0\.0\.1:9/);
  });

  it("a wrong agent token gives a Disconnected host that says so", async () => {
    const agent = await startSimAgent("kvm-e810");
    agents.push(agent);
    const { host, operation } = await addHost(fx.db, fx.admin, {
      name: "kvm-badtoken",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: "not-the-right-token",
    });
    const done = await waitForOperation(fx.db, fx.admin, operation.id);
    expect(done.status).toBe("Failed");
    const detail = await getHost(fx.db, fx.admin, host.id);
    expect(detail.connectionReason).toMatch(/refused the token/);
  });

  it("turning IOMMU on sets the kernel argument; the host needs a reboot, and after it IOMMU is ready", async () => {
    const agent = await startSimAgent("kvm-no-iommu");
    agents.push(agent);
    const added = await addHost(fx.db, fx.admin, {
      name: "kvm-d",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
      scanIommu: false,
    });
    await waitForOperation(fx.db, fx.admin, added.operation.id);
    expect((await getHost(fx.db, fx.admin, added.host.id)).iommu.state).toBe("disabled");

    const enable = await setHostIommu(fx.db, fx.admin, { hostId: added.host.id, enabled: true });
    expect((await waitForOperation(fx.db, fx.admin, enable.operation.id)).status).toBe("Succeeded");
    const pending = await getHost(fx.db, fx.admin, added.host.id);
    expect(pending.iommuKernelArgSet).toBe(true);
    expect(pending.iommuActive).toBe(false);
    expect(pending.iommu.state).toBe("rebootRequired");

    const reboot = await rebootHost(fx.db, fx.admin, { hostId: added.host.id });
    expect((await waitForOperation(fx.db, fx.admin, reboot.operation.id)).status).toBe("Succeeded");
    const after = await getHost(fx.db, fx.admin, added.host.id);
    expect(after.iommuActive).toBe(true);
    expect(after.rebootRequired).toBe(false);
    expect(after.iommu.state).toBe("ready");
  });

  it("reconnect is one operation at a time: a second request while one is pending is refused and changes nothing", async () => {
    const agent = await startSimAgent("kvm-e810");
    agents.push(agent);
    const added = await addHost(fx.db, fx.admin, {
      name: "kvm-busy",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
    });
    const before = await listOperations(fx.db, fx.admin, { targetId: added.host.id });
    const second = reconnectHost(fx.db, fx.admin, { hostId: added.host.id });
    await expect(second).rejects.toMatchObject({ code: "OPERATION_IN_PROGRESS" });
    const afterRefusal = await listOperations(fx.db, fx.admin, { targetId: added.host.id });
    expect(afterRefusal.total).toBe(before.total);
    await waitForOperation(fx.db, fx.admin, added.operation.id);
    const again = await reconnectHost(fx.db, fx.admin, { hostId: added.host.id });
    expect((await waitForOperation(fx.db, fx.admin, again.operation.id)).status).toBe("Succeeded");
  });

  it("a reconnect writes only what changed: an unchanged host keeps its PF and VF rows; VFs made behind virtfn's back are recorded", async () => {
    const agent = await startSimAgent("kvm-i350-82599");
    agents.push(agent);
    const added = await addHost(fx.db, fx.admin, {
      name: "kvm-diff",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
    });
    await waitForOperation(fx.db, fx.admin, added.operation.id);
    const rows = () =>
      fx.db.physicalNic.findMany({
        where: { hostId: added.host.id },
        orderBy: { name: "asc" },
        select: { id: true, name: true, pciAddress: true, updatedAt: true, numVfs: true },
      });
    const before = await rows();
    const again = await reconnectHost(fx.db, fx.admin, { hostId: added.host.id });
    expect((await waitForOperation(fx.db, fx.admin, again.operation.id)).status).toBe("Succeeded");
    expect(await rows()).toEqual(before);

    const p1p1 = before.find((pf) => pf.name === "p1p1");
    if (!p1p1) throw new Error("p1p1 missing");
    const client = createAgentClient({ baseUrl: agent.url, token: AGENT_TOKEN });
    await client.setVfCountAndWait(p1p1.pciAddress, 3, {
      operationId: "behind-our-back",
      pollMs: 20,
    });
    const third = await reconnectHost(fx.db, fx.admin, { hostId: added.host.id });
    expect((await waitForOperation(fx.db, fx.admin, third.operation.id)).status).toBe("Succeeded");
    const after = await rows();
    expect(after.filter((pf) => pf.name !== "p1p1")).toEqual(
      before.filter((pf) => pf.name !== "p1p1"),
    );
    expect(after.find((pf) => pf.name === "p1p1")?.numVfs).toBe(3);
    const vfs = await fx.db.virtualFunction.findMany({
      where: { pfId: p1p1.id },
      orderBy: { index: "asc" },
      select: { index: true, state: true },
    });
    expect(vfs).toEqual([0, 1, 2].map((index) => ({ index, state: "Available" })));
  });

  it("R15: refuses adding a host, changing IOMMU or rebooting to a tenant, and changes nothing", async () => {
    const before = await fx.db.host.count();
    await expect(
      addHost(fx.db, fx.tenant, {
        name: "tenant-host",
        clusterId: fx.clusterId,
        agentUrl: "http://127.0.0.1:7999",
        agentToken: AGENT_TOKEN,
      }),
    ).rejects.toMatchObject({ code: "ADMIN_ONLY", kind: "FORBIDDEN" });
    const anyHost = await fx.db.host.findFirstOrThrow();
    await expect(
      setHostIommu(fx.db, fx.tenant, { hostId: anyHost.id, enabled: true }),
    ).rejects.toBeInstanceOf(DomainError);
    await expect(rebootHost(fx.db, fx.tenant, { hostId: anyHost.id })).rejects.toMatchObject({
      code: "ADMIN_ONLY",
    });
    expect(await fx.db.host.count()).toBe(before);
  });

  it("refuses bad input with field errors and writes nothing", async () => {
    const before = await fx.db.operation.count();
    await expect(
      addHost(fx.db, fx.admin, {
        name: "bad name!",
        clusterId: fx.clusterId,
        agentUrl: "ftp://x",
        agentToken: "short",
      }),
    ).rejects.toMatchObject({ name: "ZodError" });
    await expect(
      addHost(fx.db, fx.admin, {
        name: "kvm-a",
        clusterId: fx.clusterId,
        agentUrl: "http://127.0.0.1:7998",
        agentToken: AGENT_TOKEN,
      }),
    ).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    expect(await fx.db.operation.count()).toBe(before);
  });

  it("the reconciler marks a host whose agent went away Disconnected, and Connected again when it is back", async () => {
    const agent = await startSimAgent("kvm-e810");
    const added = await addHost(fx.db, fx.admin, {
      name: "kvm-flaky",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
    });
    await waitForOperation(fx.db, fx.admin, added.operation.id);
    const port = new URL(agent.url).port;
    await agent.close();
    await worker.reconciler.runOnce();
    const down = await getHost(fx.db, fx.admin, added.host.id);
    expect(down.connectionState).toBe("Disconnected");
    expect(down.connectionReason).toContain(`127.0.0.1:${port}`);

    const { startAgent } = await import("@virtfn/agent");
    const back = await startAgent({
      port: Number(port),
      token: AGENT_TOKEN,
      backend: "sim",
      sim: { stateDir: agent.stateDir, profile: "kvm-e810", perVfDelayMs: 0 },
    });
    agents.push(back);
    await worker.reconciler.runOnce();
    const up = await getHost(fx.db, fx.admin, added.host.id);
    expect(up.connectionState).toBe("Connected");
    expect(up.connectionReason).toBeNull();
  });
});
