import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { AgentError, createAgentClient, type AgentClient } from "@virtfn/agent-client";
import { afterEach, describe, expect, it } from "vitest";
import { startAgent, startSimFleet, type RunningAgent, type SimFleet } from "../src/index";
import { TOKEN, eventually, tempDir } from "./helpers";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(
  stateDir: string,
  profile: string,
  perVfDelayMs = 0,
): Promise<{ agent: RunningAgent; client: AgentClient }> {
  const agent = await startAgent({
    port: 0,
    token: TOKEN,
    backend: "sim",
    sim: { stateDir, profile, perVfDelayMs, vfPollMs: 2 },
  });
  cleanups.push(() => agent.close());
  return {
    agent,
    client: createAgentClient({ baseUrl: agent.url, token: TOKEN, retryDelayMs: 1 }),
  };
}

const vm = (name: string, nics: Parameters<AgentClient["defineDomain"]>[0]["nics"] = []) => ({
  name,
  vcpus: 1,
  memoryMiB: 1024,
  nics,
});

describe("sim host reboot", { timeout: 30_000 }, () => {
  it("loses VFs, FDB and running domains; keeps definitions; changes the boot id", async () => {
    const { client } = await sim(await tempDir(), "kvm-i350-82599");
    const bootId = (await client.health()).bootId;
    await client.setVfCountAndWait("0000:01:00.0", 4, { operationId: "split-1", pollMs: 2 });
    await client.defineDomain(
      vm("vm1", [{ type: "vf", mac: "52:54:00:00:00:01", pciAddress: "0000:01:10.0" }]),
    );
    await client.startDomain("vm1");
    await client.addFdb("em1", "52:54:00:00:00:99");

    const { bootId: after } = await client.reboot();
    expect(after).not.toBe(bootId);
    const snap = await client.snapshot();
    expect(snap.bootId).toBe(after);
    expect(snap.nics.find((n) => n.name === "em1")).toMatchObject({ numVfs: 0, vfs: [] });
    expect(snap.fdb).toEqual([]);
    expect(snap.domains).toEqual([
      { name: "vm1", state: "shutoff", vfs: ["0000:01:10.0"], vnicMacs: [] },
    ]);

    // The reconciler's job after a reboot: re-split, then the domain can start again.
    await expect(client.startDomain("vm1")).rejects.toMatchObject({ code: "VF_NOT_FOUND" });
    await client.setVfCountAndWait("0000:01:00.0", 4, { operationId: "split-2", pollMs: 2 });
    expect((await client.startDomain("vm1")).state).toBe("running");
  });

  it("turns the IOMMU on: kernel argument, reboot required, active after the reboot", async () => {
    const { client } = await sim(await tempDir(), "kvm-no-iommu");
    await expect(
      client.setVfCount("0000:01:00.0", 2, { operationId: "early" }),
    ).rejects.toMatchObject({ code: "IOMMU_NOT_ACTIVE" });
    expect(await client.setIommuKernelArg(true)).toEqual({
      kernelArgSet: true,
      rebootRequired: true,
    });
    await client.reboot();
    expect((await client.getFacts()).iommu).toEqual({
      kernelArgSet: true,
      active: true,
      interruptRemapping: true,
      allowUnsafeInterrupts: false,
      rebootRequired: false,
    });
    const task = await client.setVfCountAndWait("0000:01:00.0", 7, {
      operationId: "late",
      pollMs: 2,
    });
    expect(task.state).toBe("succeeded");
  });

  it("linux refuses reboot with UNSUPPORTED", async () => {
    const agent = await startAgent({
      port: 0,
      token: TOKEN,
      backend: "linux",
      linux: { sysRoot: await tempDir(), procRoot: await tempDir() },
    });
    cleanups.push(() => agent.close());
    const client = createAgentClient({ baseUrl: agent.url, token: TOKEN });
    await expect(client.reboot()).rejects.toMatchObject({ code: "UNSUPPORTED", status: 501 });
    // Failure injection is the sim's; a real host's libvirt fails on its own.
    await expect(client.injectFault({ call: "attachVf", times: 1 })).rejects.toMatchObject({
      code: "UNSUPPORTED",
    });
  });
});

describe("agent restarted in the middle of a split", { timeout: 30_000 }, () => {
  it("reports a consistent state, and the same operation can be re-issued to completion", async () => {
    const stateDir = await tempDir();
    const first = await sim(stateDir, "kvm-i350-82599", 3);
    await first.client.setVfCount("0000:04:00.0", 63, { operationId: "split-op" });
    await eventually(async () => {
      const t = await first.client.getTask("split-op");
      return t.progress.done >= 5 ? t : undefined;
    });
    await first.agent.close(); // the process "dies" mid-split

    const second = await sim(stateDir, "kvm-i350-82599", 0);
    const nic = (await second.client.listPhysicalNics()).find(
      (n) => n.pciAddress === "0000:04:00.0",
    );
    expect(nic).toBeDefined();
    expect(nic?.numVfs).toBe(nic?.vfs.length);
    const dev = path.join(stateDir, "sys/bus/pci/devices/0000:04:00.0");
    const links = (await readdir(dev)).filter((e) => /^virtfn\d+$/.test(e)).length;
    expect(Number((await readFile(path.join(dev, "sriov_numvfs"), "utf8")).trim())).toBe(links);

    // The new agent never saw the task: the helper re-issues it under the same id.
    await expect(second.client.getTask("split-op")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const task = await second.client.setVfCountAndWait("0000:04:00.0", 63, {
      operationId: "split-op",
      pollMs: 2,
    });
    expect(task).toMatchObject({ id: "split-op", state: "succeeded" });
    const done = (await second.client.listPhysicalNics()).find(
      (n) => n.pciAddress === "0000:04:00.0",
    );
    expect(done?.numVfs).toBe(63);
    expect(done?.vfs).toHaveLength(63);
    // And again: idempotent.
    expect(
      await second.client.setVfCountAndWait("0000:04:00.0", 63, {
        operationId: "split-op",
        pollMs: 2,
      }),
    ).toMatchObject({ state: "succeeded" });
  });

  it("keeps domains and FDB entries across agent restarts (not host reboots)", async () => {
    const stateDir = await tempDir();
    const first = await sim(stateDir, "kvm-e810");
    await first.client.defineDomain(vm("keep-me"));
    await first.client.startDomain("keep-me");
    await first.client.addFdb("ens1f0", "52:54:00:00:00:42");
    const bootId = (await first.client.health()).bootId;
    await first.agent.close();

    const second = await sim(stateDir, "kvm-e810");
    expect(await second.client.listDomains()).toMatchObject([
      { name: "keep-me", state: "running" },
    ]);
    expect(await second.client.listFdb("ens1f0")).toEqual([
      { pf: "ens1f0", mac: "52:54:00:00:00:42" },
    ]);
    expect((await second.client.health()).bootId).toBe(bootId);
  });
});

describe("migration between sim agents", { timeout: 30_000 }, () => {
  let fleet: SimFleet;

  async function twoHosts() {
    fleet = await startSimFleet({
      baseDir: await tempDir(),
      token: TOKEN,
      perVfDelayMs: 0,
      hosts: [
        { name: "a", port: 0, profile: "kvm-i350-82599" },
        { name: "b", port: 0, profile: "kvm-e810" },
      ],
    });
    cleanups.push(() => fleet.close());
    const [a, b] = fleet.agents;
    if (a === undefined || b === undefined) throw new Error("fleet did not start");
    return {
      a: createAgentClient({ baseUrl: a.url, token: TOKEN }),
      b: createAgentClient({ baseUrl: b.url, token: TOKEN }),
      target: { targetBaseUrl: b.url, targetToken: TOKEN },
    };
  }

  it("live-migrates a running domain without VFs", async () => {
    const { a, b, target } = await twoHosts();
    await a.defineDomain(
      vm("web1", [
        {
          type: "vnic",
          mac: "52:54:00:00:02:01",
          kind: "bridge",
          source: "br0",
          model: "virtio",
          queues: 2,
        },
      ]),
    );
    await a.startDomain("web1");
    expect(await a.migrateDomain("web1", { ...target, live: true })).toEqual({
      name: "web1",
      state: "running",
      droppedVfs: [],
    });
    expect(await a.listDomains()).toEqual([]);
    expect(await b.getDomain("web1")).toMatchObject({
      state: "running",
      nics: [{ mac: "52:54:00:00:02:01", queues: 2 }],
    });
  });

  it("refuses a running domain with a VF (HOSTDEV_NOT_MIGRATABLE) and moves a stopped one without its VFs", async () => {
    const { a, b, target } = await twoHosts();
    await a.setVfCountAndWait("0000:01:00.0", 2, { operationId: "s", pollMs: 2 });
    await a.defineDomain(
      vm("db1", [{ type: "vf", mac: "52:54:00:00:03:01", pciAddress: "0000:01:10.0", vlan: 10 }]),
    );
    await a.startDomain("db1");
    const err = await a.migrateDomain("db1", { ...target, live: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect(err).toMatchObject({ code: "HOSTDEV_NOT_MIGRATABLE", status: 409, isTransient: false });

    await a.stopDomain("db1");
    expect(await a.migrateDomain("db1", { ...target, live: false })).toEqual({
      name: "db1",
      state: "shutoff",
      droppedVfs: ["0000:01:10.0"],
    });
    expect(await b.getDomain("db1")).toMatchObject({ state: "shutoff", nics: [] });
    expect(await a.listDomains()).toEqual([]);
  });

  it("a migratable VF NIC (failover pair): teamed only with its partner, unplugged live, moved on the partner, plugged teamed on the target", async () => {
    const { a, b, target } = await twoHosts();
    await a.setVfCountAndWait("0000:01:00.0", 2, { operationId: "s", pollMs: 2 });
    await b.setVfCountAndWait("0000:af:00.0", 2, { operationId: "s", pollMs: 2 });
    const mac = "52:54:00:00:05:01";
    const partner = {
      type: "vnic" as const,
      mac,
      kind: "bridge" as const,
      source: "br-em1",
      model: "virtio" as const,
      alias: "ua-failover-525400000501",
      teaming: { type: "persistent" as const },
    };
    const teaming = { type: "transient" as const, persistent: partner.alias };
    const vf = { type: "vf" as const, mac, pciAddress: "0000:01:10.0", teaming };
    // A teamed VF names a partner that must be there; and a MAC may appear twice only in a pair.
    await expect(a.defineDomain(vm("fo1", [vf]))).rejects.toMatchObject({ code: "EINVAL" });
    await expect(
      a.defineDomain(vm("fo1", [partner, { ...vf, teaming: undefined }])),
    ).rejects.toMatchObject({ code: "MAC_IN_USE" });
    await a.defineDomain(vm("fo1", [partner, vf]));
    await a.startDomain("fo1");
    await expect(a.migrateDomain("fo1", { ...target, live: true })).rejects.toMatchObject({
      code: "HOSTDEV_NOT_MIGRATABLE",
    });

    // Injected faults fail the next live calls once each, then pass.
    await a.injectFault({ call: "detachVf", times: 1 });
    await expect(
      a.detachVf("fo1", { pciAddress: vf.pciAddress, live: true }),
    ).rejects.toMatchObject({ code: "COMMAND_FAILED" });
    expect((await a.getDomain("fo1")).nics).toContainEqual(vf);
    await a.detachVf("fo1", { pciAddress: vf.pciAddress, live: true });
    expect((await a.getDomain("fo1")).nics).toEqual([partner]);

    await a.injectFault({ call: "migrateDomain", times: 1, code: "MIGRATION_FAILED" });
    await expect(a.migrateDomain("fo1", { ...target, live: true })).rejects.toMatchObject({
      code: "MIGRATION_FAILED",
    });
    await a.migrateDomain("fo1", { ...target, live: true });
    expect(await b.getDomain("fo1")).toMatchObject({ state: "running", nics: [partner] });

    const pf = (await b.listPhysicalNics()).find((nic) => nic.pciAddress === "0000:af:00.0");
    const [first, second] = pf?.vfs ?? [];
    if (!first || !second) throw new Error("no VFs on b");
    await b.injectFault({ call: "attachVf", after: 1, times: 1 });
    await b.attachVf("fo1", { mac, pciAddress: first.pciAddress, teaming, live: true });
    // The retry of a plug that went through is a no-op, not a second device.
    await b.attachVf("fo1", { mac, pciAddress: first.pciAddress, teaming, live: true });
    expect((await b.getDomain("fo1")).nics).toEqual([
      partner,
      { type: "vf", mac, pciAddress: first.pciAddress, teaming },
    ]);
    await b.detachVf("fo1", { pciAddress: first.pciAddress, live: true });
    await expect(
      b.attachVf("fo1", { mac, pciAddress: second.pciAddress, teaming, live: true }),
    ).rejects.toMatchObject({ code: "COMMAND_FAILED" });
    await expect(
      b.attachVf("fo1", {
        mac,
        pciAddress: second.pciAddress,
        teaming: { type: "transient", persistent: "ua-nobody" },
        live: true,
      }),
    ).rejects.toMatchObject({ code: "EINVAL" });
  });

  it("keeps the domain on the source when the target refuses", async () => {
    const { a, b, target } = await twoHosts();
    await a.setVfCountAndWait("0000:01:00.0", 1, { operationId: "s", pollMs: 2 });
    await b.defineDomain(vm("clash"));
    const vf = { type: "vf" as const, mac: "52:54:00:00:04:01", pciAddress: "0000:01:10.0" };
    await a.defineDomain({ ...vm("clash", [vf]), vcpus: 2 });
    await expect(a.migrateDomain("clash", { ...target, live: false })).rejects.toMatchObject({
      code: "MIGRATION_FAILED",
    });
    expect(await a.listDomains()).toMatchObject([{ name: "clash", vcpus: 2, nics: [vf] }]);
  });
});
