import { readdir, readlink, readFile } from "node:fs/promises";
import path from "node:path";
import { AgentError, type Task } from "@virtfn/agent-client";
import { afterEach, describe, expect, it } from "vitest";
import type { HostAgent } from "../../src/agent/host-agent";
import { eventually } from "../helpers";
import type { Subject, SubjectFactory, SubjectOptions } from "./factories";

const I350_0 = "0000:01:00.0";
const I350_1 = "0000:01:00.1";
const X82599 = "0000:04:00.0";

async function errorOf(p: Promise<unknown>): Promise<AgentError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof AgentError) return error;
    throw error;
  }
  throw new Error("expected an AgentError, the call succeeded");
}

async function finish(agent: HostAgent, taskId: string): Promise<Task> {
  return eventually(async () => {
    const task = agent.getTask(taskId);
    return task.state === "running" ? undefined : task;
  });
}

async function split(agent: HostAgent, pci: string, count: number, op: string): Promise<Task> {
  const { taskId } = await agent.startSetVfCount(pci, count, op);
  return finish(agent, taskId);
}

async function virtfnLinks(subject: Subject, pci: string): Promise<string[]> {
  const dir = path.join(subject.kernel.sysRoot, "bus/pci/devices", pci);
  return (await readdir(dir)).filter((e) => /^virtfn\d+$/.test(e));
}

const vmSpec = (name: string, nics: Parameters<HostAgent["defineDomain"]>[0]["nics"] = []) => ({
  name,
  vcpus: 2,
  memoryMiB: 2048,
  image: `/var/lib/libvirt/images/${name}.qcow2`,
  nics,
});

/** One behaviour, two backends: every assertion here must hold for the sim and for Linux. */
export function backendConformance(label: string, factory: SubjectFactory): void {
  describe(`backend conformance: ${label}`, { timeout: 30_000 }, () => {
    let subject: Subject | undefined;
    const open = async (options: SubjectOptions) => {
      subject = await factory(options);
      return subject;
    };
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    describe("host facts", () => {
      it("reports CPU, memory and an active IOMMU with interrupt remapping", async () => {
        const { agent } = await open({ profile: "kvm-i350-82599" });
        const facts = await agent.facts();
        expect(facts).toEqual({
          hostname: "kvm-a",
          cpuModel: "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz",
          cpuCount: 40,
          memoryMiB: 196608,
          cpuVirtualization: "vmx",
          iommu: {
            kernelArgSet: true,
            active: true,
            interruptRemapping: true,
            allowUnsafeInterrupts: false,
            rebootRequired: false,
          },
          numa: [
            { id: 0, cpuList: "0-19", cpuCount: 20, memoryMiB: 98304 },
            { id: 1, cpuList: "20-39", cpuCount: 20, memoryMiB: 98304 },
          ],
        });
        const health = await agent.health();
        expect(health.bootId).toMatch(/^[0-9a-f-]{36}$/);
      });

      it("reads an AMD host (svm, amd_iommu)", async () => {
        const { agent } = await open({ profile: "kvm-cx5-x710" });
        const facts = await agent.facts();
        expect(facts.cpuVirtualization).toBe("svm");
        expect(facts.iommu).toMatchObject({
          kernelArgSet: true,
          active: true,
          interruptRemapping: true,
        });
      });

      it("falls back to journalctl when dmesg is restricted; ecap without bit 3 means no remapping", async () => {
        const { agent } = await open({ profile: "kvm-bond-82599" });
        const facts = await agent.facts();
        expect(facts.iommu).toEqual({
          kernelArgSet: true,
          active: true,
          interruptRemapping: false,
          allowUnsafeInterrupts: true,
          rebootRequired: false,
        });
      });

      it("turns the IOMMU kernel argument on and off, idempotently, with reboot required", async () => {
        const { agent } = await open({ profile: "kvm-no-iommu" });
        expect((await agent.facts()).iommu).toMatchObject({
          kernelArgSet: false,
          active: false,
          rebootRequired: false,
        });
        expect(await agent.setIommuKernelArg(true)).toEqual({
          kernelArgSet: true,
          rebootRequired: true,
        });
        expect(await agent.setIommuKernelArg(true)).toEqual({
          kernelArgSet: true,
          rebootRequired: true,
        });
        expect((await agent.facts()).iommu.active).toBe(false);
        expect(await agent.setIommuKernelArg(false)).toEqual({
          kernelArgSet: false,
          rebootRequired: false,
        });
      });
    });

    describe("physical NICs", () => {
      it("getNic answers each PF as listNics lists it, and NOT_FOUND for a VF or an unknown address", async () => {
        const s = await open({ profile: "kvm-i350-82599", perVfDelayMs: 1 });
        await split(s.agent, I350_0, 2, "op-getnic");
        const nics = await s.agent.listNics();
        expect(nics.map((n) => n.pciAddress)).toEqual([I350_0, I350_1, X82599, "0000:04:00.1"]);
        for (const nic of nics) expect(await s.agent.getNic(nic.pciAddress)).toEqual(nic);
        const vf = nics[0]?.vfs[0]?.pciAddress ?? "";
        expect(vf).toBe("0000:01:10.0");
        expect((await errorOf(s.agent.getNic(vf))).code).toBe("NOT_FOUND");
        expect((await errorOf(s.agent.getNic("0000:99:00.0"))).code).toBe("NOT_FOUND");
        // A path that leads to a real PF's directory is still no PCI address.
        expect((await errorOf(s.agent.getNic(`${I350_0}/../${X82599}`))).code).toBe("NOT_FOUND");
        // A GPU: a PCI function with neither a netdev nor SR-IOV is no PF.
        const e810 = await open({ profile: "kvm-e810" });
        for (const nic of await e810.agent.listNics())
          expect(await e810.agent.getNic(nic.pciAddress)).toEqual(nic);
        expect((await errorOf(e810.agent.getNic("0000:3b:00.0"))).code).toBe("NOT_FOUND");
      });

      it("lists PFs with model, driver, link, speed and SR-IOV capability", async () => {
        const { agent } = await open({ profile: "kvm-i350-82599" });
        const nics = await agent.listNics();
        expect(nics.map((n) => n.name)).toEqual(["em1", "em2", "p1p1", "p1p2"]);
        expect(nics[0]).toEqual({
          name: "em1",
          pciAddress: I350_0,
          vendorId: "0x8086",
          deviceId: "0x1521",
          model: "Intel Corporation I350 Gigabit Network Connection",
          driver: "igb",
          mac: "3c:fd:fe:a1:00:01",
          linkState: "up",
          speedMbps: 1000,
          totalVfs: 7,
          numVfs: 0,
          sriovCapable: true,
          bond: null,
          vfs: [],
          numaNode: 0,
        });
        expect(nics[3]).toMatchObject({
          name: "p1p2",
          numaNode: 1,
          linkState: "down",
          speedMbps: null,
          totalVfs: 63,
        });
      });

      it("reports non-SR-IOV NICs and bonds", async () => {
        const e810 = await open({ profile: "kvm-e810" });
        const nics = await e810.agent.listNics();
        expect(nics.find((n) => n.name === "eno1")).toMatchObject({
          sriovCapable: false,
          totalVfs: 0,
          driver: "r8169",
        });
        expect(nics.find((n) => n.name === "ens1f0")).toMatchObject({
          sriovCapable: true,
          totalVfs: 256,
          driver: "ice",
        });
        await e810.close();
        subject = undefined;

        const bonded = await open({ profile: "kvm-bond-82599" });
        const bondNics = await bonded.agent.listNics();
        // The bond itself has no PCI device and is not a PF.
        expect(bondNics.map((n) => n.name)).toEqual(["eno1", "p2p1", "p2p2"]);
        expect(bondNics.find((n) => n.name === "p2p1")?.bond).toEqual({
          name: "bond0",
          slaves: ["p2p1", "p2p2"],
        });
        expect(bondNics.find((n) => n.name === "eno1")?.bond).toBeNull();
      });

      it("reports a single-node host's one NUMA node, and numa_node -1 as no locality", async () => {
        const { agent } = await open({ profile: "kvm-e810" });
        const facts = await agent.facts();
        expect(facts.numa).toEqual([
          {
            id: 0,
            cpuList: expect.any(String),
            cpuCount: facts.cpuCount,
            memoryMiB: facts.memoryMiB,
          },
        ]);
        expect((await agent.listNics()).map((n) => n.numaNode)).toEqual([null, null]);
      });
    });

    describe("setting the VF count (kernel semantics)", () => {
      it("creates virtfnN links with physfn back-links at the SR-IOV offset/stride", async () => {
        const s = await open({ profile: "kvm-i350-82599", perVfDelayMs: 1 });
        const task = await split(s.agent, I350_0, 7, "op-1");
        expect(task).toMatchObject({
          state: "succeeded",
          progress: { done: 7, total: 7 },
          error: null,
          kind: "set-vf-count",
          target: I350_0,
        });
        expect(await virtfnLinks(s, I350_0)).toHaveLength(7);
        const nic = (await s.agent.listNics()).find((n) => n.pciAddress === I350_0);
        expect(nic?.numVfs).toBe(7);
        // Same layout as lspci in the CentOS walkthrough: 01:10.0, 01:10.4, 01:11.0, …
        expect(nic?.vfs.map((v) => v.pciAddress)).toEqual([
          "0000:01:10.0",
          "0000:01:10.4",
          "0000:01:11.0",
          "0000:01:11.4",
          "0000:01:12.0",
          "0000:01:12.4",
          "0000:01:13.0",
        ]);
        const physfn = await readlink(
          path.join(s.kernel.sysRoot, "bus/pci/devices/0000:01:10.4/physfn"),
        );
        expect(path.basename(physfn)).toBe(I350_0);
        expect(nic?.vfs[1]).toEqual({
          index: 1,
          pciAddress: "0000:01:10.4",
          driver: "igbvf",
          mac: null,
          vlan: null,
          domain: null,
          // igb reports spoof checking, link state and trust, but no query_rss.
          port: {
            mac: "00:00:00:00:00:00",
            vlan: 0,
            spoofCheck: true,
            trust: false,
            linkState: "auto",
            queryRss: null,
          },
        });
        // The second port's VFs interleave with the first's and do not collide.
        await split(s.agent, I350_1, 2, "op-2");
        const em2 = (await s.agent.listNics()).find((n) => n.pciAddress === I350_1);
        expect(em2?.vfs.map((v) => v.pciAddress)).toEqual(["0000:01:10.1", "0000:01:10.5"]);
      });

      it("refuses more than totalvfs with ERANGE and changes nothing", async () => {
        const s = await open({ profile: "kvm-i350-82599" });
        const err = await errorOf(s.agent.startSetVfCount(I350_0, 8, "op-range"));
        expect(err.code).toBe("ERANGE");
        expect(await virtfnLinks(s, I350_0)).toHaveLength(0);
        expect(() => s.agent.getTask("op-range")).toThrow(AgentError);
      });

      it("is idempotent for the same count and the same operation id", async () => {
        const s = await open({ profile: "kvm-i350-82599" });
        await split(s.agent, X82599, 8, "op-a");
        expect(await s.agent.startSetVfCount(X82599, 8, "op-a")).toEqual({ taskId: "op-a" });
        const again = await split(s.agent, X82599, 8, "op-b");
        expect(again).toMatchObject({ state: "succeeded", progress: { done: 8, total: 8 } });
        expect(await virtfnLinks(s, X82599)).toHaveLength(8);
        const reused = await errorOf(s.agent.startSetVfCount(X82599, 9, "op-a"));
        expect(reused.code).toBe("EINVAL");
      });

      it("changes a non-zero count by writing 0 first (the kernel says EBUSY otherwise)", async () => {
        const s = await open({ profile: "kvm-i350-82599" });
        await split(s.agent, X82599, 4, "op-4");
        const task = await split(s.agent, X82599, 6, "op-6");
        expect(task).toMatchObject({ state: "succeeded", progress: { done: 10, total: 10 } });
        expect(await virtfnLinks(s, X82599)).toHaveLength(6);
        const restore = await split(s.agent, X82599, 0, "op-0");
        expect(restore).toMatchObject({ state: "succeeded", progress: { done: 6, total: 6 } });
        expect(await virtfnLinks(s, X82599)).toHaveLength(0);
        expect(
          await readFile(
            path.join(s.kernel.sysRoot, "bus/pci/devices", X82599, "sriov_numvfs"),
            "utf8",
          ),
        ).toBe("0\n");
      });

      it("reports monotonic progress while links appear", async () => {
        const s = await open({ profile: "kvm-i350-82599", perVfDelayMs: 2 });
        const { taskId } = await s.agent.startSetVfCount(X82599, 30, "op-progress");
        const seen: number[] = [];
        const final = await eventually(
          async () => {
            const t = s.agent.getTask(taskId);
            seen.push(t.progress.done);
            return t.state === "running" ? undefined : t;
          },
          2000,
          2,
        );
        expect(final.state).toBe("succeeded");
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
        expect(seen.some((d) => d > 0 && d < 30)).toBe(true);
      });

      it("refuses NICs without SR-IOV, unknown PFs, hosts without IOMMU, and concurrent changes", async () => {
        const s = await open({ profile: "kvm-e810", perVfDelayMs: 2 });
        expect((await errorOf(s.agent.startSetVfCount("0000:02:00.0", 1, "x1"))).code).toBe(
          "NOT_SRIOV_CAPABLE",
        );
        expect((await errorOf(s.agent.startSetVfCount("0000:99:00.0", 1, "x2"))).code).toBe(
          "NOT_FOUND",
        );
        await s.agent.startSetVfCount("0000:af:00.0", 20, "x3");
        expect((await errorOf(s.agent.startSetVfCount("0000:af:00.0", 0, "x4"))).code).toBe(
          "TASK_CONFLICT",
        );
        await finish(s.agent, "x3");
        await s.close();

        const noIommu = await open({ profile: "kvm-no-iommu" });
        const err = await errorOf(noIommu.agent.startSetVfCount(I350_0, 2, "x5"));
        expect(err.code).toBe("IOMMU_NOT_ACTIVE");
      });
    });

    describe("domains", () => {
      it("defines, starts, stops, destroys and undefines idempotently", async () => {
        const { agent } = await open({ profile: "kvm-i350-82599" });
        const defined = await agent.defineDomain(vmSpec("vm1"));
        expect(defined).toMatchObject({
          name: "vm1",
          state: "shutoff",
          vcpus: 2,
          memoryMiB: 2048,
          nics: [],
        });
        expect(await agent.defineDomain(vmSpec("vm1"))).toEqual(defined);
        expect(
          await agent.defineDomain({ ...vmSpec("vm1"), uuid: defined.uuid, vcpus: 4 }),
        ).toMatchObject({ vcpus: 4 });
        expect((await errorOf(agent.defineDomain({ ...vmSpec("vm1"), vcpus: 8 }))).code).toBe(
          "DOMAIN_EXISTS",
        );
        expect((await agent.startDomain("vm1")).state).toBe("running");
        expect((await agent.startDomain("vm1")).state).toBe("running");
        expect((await errorOf(agent.undefineDomain("vm1"))).code).toBe("DOMAIN_RUNNING");
        expect((await agent.stopDomain("vm1")).state).toBe("shutoff");
        expect((await agent.stopDomain("vm1")).state).toBe("shutoff");
        await agent.startDomain("vm1");
        expect((await agent.destroyDomain("vm1")).state).toBe("shutoff");
        expect((await agent.destroyDomain("vm1")).state).toBe("shutoff");
        expect(await agent.undefineDomain("vm1")).toEqual({ ok: true });
        expect(await agent.undefineDomain("vm1")).toEqual({ ok: true });
        expect(await agent.listDomains()).toEqual([]);
        expect((await errorOf(agent.startDomain("vm1"))).code).toBe("NOT_FOUND");
      });

      it("attaches a VF once: absent VFs and VFs of other domains are refused", async () => {
        const s = await open({ profile: "kvm-i350-82599" });
        const { agent } = s;
        await agent.defineDomain(vmSpec("vm1"));
        await agent.defineDomain(vmSpec("vm2"));
        await agent.startDomain("vm1");
        const absent = await errorOf(
          agent.attachVf("vm1", {
            mac: "52:54:00:00:00:01",
            pciAddress: "0000:01:10.0",
            live: true,
          }),
        );
        expect(absent.code).toBe("VF_NOT_FOUND");

        await split(agent, I350_0, 4, "op-vf");
        const vf = { mac: "52:54:00:00:00:01", pciAddress: "0000:01:10.4", vlan: 100, live: true };
        const attached = await agent.attachVf("vm1", vf);
        expect(attached.nics).toEqual([
          { type: "vf", mac: "52:54:00:00:00:01", pciAddress: "0000:01:10.4", vlan: 100 },
        ]);
        expect(await agent.attachVf("vm1", vf)).toEqual(attached);
        const taken = await errorOf(agent.attachVf("vm2", { ...vf, mac: "52:54:00:00:00:02" }));
        expect(taken).toMatchObject({ code: "VF_IN_USE", details: { domain: "vm1" } });
        expect(
          (await errorOf(agent.attachVf("vm1", { ...vf, mac: "52:54:00:00:00:09" }))).code,
        ).toBe("VF_IN_USE");

        const nic = (await agent.listNics()).find((n) => n.pciAddress === I350_0);
        expect(nic?.vfs[1]).toMatchObject({ domain: "vm1", mac: "52:54:00:00:00:01", vlan: 100 });
        expect(nic?.vfs[0]).toMatchObject({ domain: null, mac: null, vlan: null });

        // A definition naming a VF of another domain is refused too (R16).
        const dup = await errorOf(
          agent.defineDomain(
            vmSpec("vm3", [{ type: "vf", mac: "52:54:00:00:00:03", pciAddress: "0000:01:10.4" }]),
          ),
        );
        expect(dup.code).toBe("VF_IN_USE");

        const detached = await agent.detachVf("vm1", { pciAddress: "0000:01:10.4", live: true });
        expect(detached.nics).toEqual([]);
        expect(await agent.detachVf("vm1", { pciAddress: "0000:01:10.4", live: true })).toEqual(
          detached,
        );
        expect(
          (await agent.attachVf("vm2", { ...vf, mac: "52:54:00:00:00:02" })).nics,
        ).toHaveLength(1);
      });

      it("R14: refuses to unload or unbind the PF driver while a VF is attached, and allows it once detached", async () => {
        const { agent } = await open({ profile: "kvm-i350-82599" });
        await split(agent, I350_0, 2, "op-r14");
        await agent.defineDomain(
          vmSpec("vm1", [{ type: "vf", mac: "52:54:00:00:00:01", pciAddress: "0000:01:10.0" }]),
        );
        expect(await errorOf(agent.unbindPfDriver(I350_0))).toMatchObject({ code: "VF_IN_USE" });
        expect((await agent.listNics()).find((n) => n.pciAddress === I350_0)).toMatchObject({
          driver: "igb",
          numVfs: 2,
        });
        await agent.detachVf("vm1", { pciAddress: "0000:01:10.0", live: false });
        expect(await agent.unbindPfDriver(I350_0)).toEqual({ pciAddress: I350_0, driver: "igb" });
      });

      it("refuses to re-split or restore a PF, or unbind its driver, while a VF is attached (R12, R14)", async () => {
        const s = await open({ profile: "kvm-i350-82599" });
        const { agent } = s;
        await split(agent, I350_0, 3, "op-3");
        await agent.defineDomain(
          vmSpec("vm1", [{ type: "vf", mac: "52:54:00:00:00:01", pciAddress: "0000:01:10.0" }]),
        );
        expect(await agent.snapshot()).toMatchObject({
          domains: [{ name: "vm1", state: "shutoff", vfs: ["0000:01:10.0"], vnicMacs: [] }],
        });
        const resplit = await errorOf(agent.startSetVfCount(I350_0, 5, "op-5"));
        expect(resplit).toMatchObject({ code: "VF_IN_USE", details: { domains: ["vm1"] } });
        expect((await errorOf(agent.startSetVfCount(I350_0, 0, "op-0"))).code).toBe("VF_IN_USE");
        expect((await errorOf(agent.unbindPfDriver(I350_0))).code).toBe("VF_IN_USE");
        // Same count is still fine: nothing would be destroyed.
        expect((await split(agent, I350_0, 3, "op-3b")).state).toBe("succeeded");

        await agent.detachVf("vm1", { pciAddress: "0000:01:10.0", live: false });
        expect(await agent.unbindPfDriver(I350_0)).toEqual({ pciAddress: I350_0, driver: "igb" });
        expect(await agent.unbindPfDriver(I350_0)).toEqual({ pciAddress: I350_0, driver: null });
        const nic = (await agent.listNics()).find((n) => n.pciAddress === I350_0);
        expect(nic).toMatchObject({ driver: null, numVfs: 0, vfs: [] });
      });

      it("starts a domain holding a VF of a split PF", async () => {
        const s = await open({ profile: "kvm-i350-82599" });
        await split(s.agent, I350_0, 2, "op-2");
        await s.agent.defineDomain(
          vmSpec("vm1", [{ type: "vf", mac: "52:54:00:00:00:01", pciAddress: "0000:01:10.4" }]),
        );
        await split(s.agent, I350_1, 1, "op-other");
        expect((await s.agent.startDomain("vm1")).nics).toHaveLength(1);
      });

      it("attaches vNICs: bridge+vhost multi-queue, macvtap, e1000", async () => {
        const { agent } = await open({ profile: "kvm-i350-82599" });
        await agent.defineDomain(vmSpec("vm1"));
        await agent.startDomain("vm1");
        const bridge = {
          mac: "52:54:00:00:01:01",
          kind: "bridge" as const,
          source: "br0",
          model: "virtio" as const,
          queues: 4,
        };
        await agent.attachVnic("vm1", bridge);
        expect(await agent.attachVnic("vm1", bridge)).toMatchObject({
          nics: [{ type: "vnic", ...bridge }],
        });
        await agent.attachVnic("vm1", {
          mac: "52:54:00:00:01:02",
          kind: "macvtap",
          source: "em1",
          model: "virtio",
        });
        await agent.attachVnic("vm1", {
          mac: "52:54:00:00:01:03",
          kind: "bridge",
          source: "br0",
          model: "e1000",
        });
        expect(
          (
            await errorOf(
              agent.attachVnic("vm1", {
                mac: "52:54:00:00:01:04",
                kind: "bridge",
                source: "br0",
                model: "e1000",
                queues: 2,
              }),
            )
          ).code,
        ).toBe("EINVAL");
        expect((await errorOf(agent.attachVnic("vm1", { ...bridge, source: "br1" }))).code).toBe(
          "MAC_IN_USE",
        );
        expect(
          (
            await errorOf(
              agent.attachVnic("vm1", {
                mac: "52:54:00:00:01:05",
                kind: "macvtap",
                source: "nope0",
                model: "virtio",
              }),
            )
          ).code,
        ).toBe("NOT_FOUND");
        const info = await agent.getDomain("vm1");
        expect(info.nics.map((n) => n.mac)).toEqual([
          "52:54:00:00:01:01",
          "52:54:00:00:01:02",
          "52:54:00:00:01:03",
        ]);
        const after = await agent.detachVnic("vm1", { mac: "52:54:00:00:01:02" });
        expect(after.nics.map((n) => n.mac)).toEqual(["52:54:00:00:01:01", "52:54:00:00:01:03"]);
        expect(await agent.detachVnic("vm1", { mac: "52:54:00:00:01:02" })).toEqual(after);
        expect((await agent.snapshot()).domains[0]?.vnicMacs).toEqual([
          "52:54:00:00:01:01",
          "52:54:00:00:01:03",
        ]);
      });

      it("refuses to migrate a running domain with a VF, live or not (R9)", async () => {
        const { agent } = await open({ profile: "kvm-i350-82599" });
        await split(agent, I350_0, 1, "op-1");
        await agent.defineDomain(
          vmSpec("vm1", [{ type: "vf", mac: "52:54:00:00:00:01", pciAddress: "0000:01:10.0" }]),
        );
        await agent.startDomain("vm1");
        const target = { targetBaseUrl: "http://127.0.0.1:9", targetToken: "x".repeat(20) };
        expect((await errorOf(agent.migrateDomain("vm1", { ...target, live: true }))).code).toBe(
          "HOSTDEV_NOT_MIGRATABLE",
        );
        expect((await errorOf(agent.migrateDomain("vm1", { ...target, live: false }))).code).toBe(
          "HOSTDEV_NOT_MIGRATABLE",
        );
        expect((await agent.getDomain("vm1")).state).toBe("running");
      });
    });

    describe("FDB", () => {
      it("adds, lists and removes vNIC MACs on a PF, idempotently", async () => {
        const { agent } = await open({ profile: "kvm-i350-82599" });
        expect(await agent.listFdb("em1")).toEqual([]);
        await agent.addFdb("em1", "52:54:00:aa:bb:01");
        await agent.addFdb("em1", "52:54:00:aa:bb:01");
        await agent.addFdb("em1", "52:54:00:aa:bb:02");
        expect(await agent.listFdb("em1")).toEqual([
          { pf: "em1", mac: "52:54:00:aa:bb:01" },
          { pf: "em1", mac: "52:54:00:aa:bb:02" },
        ]);
        await agent.removeFdb("em1", "52:54:00:aa:bb:01");
        await agent.removeFdb("em1", "52:54:00:aa:bb:01");
        expect((await agent.snapshot()).fdb).toEqual([{ pf: "em1", mac: "52:54:00:aa:bb:02" }]);
        expect((await errorOf(agent.addFdb("nope0", "52:54:00:aa:bb:01"))).code).toBe("NOT_FOUND");
      });
    });

    describe("reboot", () => {
      it("is a sim-only operation", async () => {
        const s = await open({ profile: "kvm-i350-82599" });
        if (s.canReboot) return;
        expect((await errorOf(s.agent.reboot())).code).toBe("UNSUPPORTED");
      });
    });
  });
}
