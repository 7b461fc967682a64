import { AgentError, DEFAULT_VF_PORT, type Task } from "@virtfn/agent-client";
import { afterEach, describe, expect, it } from "vitest";
import type { HostAgent } from "../../src/agent/host-agent";
import { eventually } from "../helpers";
import type { Subject, SubjectFactory, SubjectOptions } from "./factories";

const I350_0 = "0000:01:00.0"; // igb: no link state, refuses a zero MAC
const X82599 = "0000:04:00.0"; // ixgbe: query_rss, refuses a zero MAC
const X710 = "0000:5e:00.0"; // i40e: zeroes MACs

async function errorOf(p: Promise<unknown>): Promise<AgentError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof AgentError) return error;
    throw error;
  }
  throw new Error("expected an AgentError, the call succeeded");
}

async function split(agent: HostAgent, pci: string, count: number, op: string): Promise<Task> {
  const { taskId } = await agent.startSetVfCount(pci, count, op);
  return eventually(async () => {
    const task = agent.getTask(taskId);
    return task.state === "running" ? undefined : task;
  });
}

async function portOf(agent: HostAgent, pf: string, index: number) {
  const nic = (await agent.listNics()).find((n) => n.pciAddress === pf);
  return nic?.vfs.find((v) => v.index === index)?.port;
}

/** VF port settings through `ip link`: the sim's emulation answers both backends. */
export function vfPortConformance(label: string, factory: SubjectFactory): void {
  describe(`VF ports conformance: ${label}`, { timeout: 30_000 }, () => {
    let subject: Subject | undefined;
    const open = async (options: SubjectOptions) => {
      subject = await factory(options);
      return subject;
    };
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it("sets and reads back spoof checking, trust, link state and query_rss", async () => {
      const { agent } = await open({ profile: "kvm-i350-82599" });
      await split(agent, X82599, 2, "op-split");
      const vf1 = (await agent.listNics()).find((n) => n.pciAddress === X82599)?.vfs[1];
      expect(vf1?.port).toEqual({
        mac: "00:00:00:00:00:00",
        vlan: 0,
        ...DEFAULT_VF_PORT,
      });
      const settings = {
        spoofCheck: false,
        trust: true,
        linkState: "disable",
        queryRss: true,
      } as const;
      const observed = await agent.setVfPort(vf1?.pciAddress ?? "", settings);
      expect(observed).toMatchObject(settings);
      expect(await portOf(agent, X82599, 1)).toMatchObject(settings);
      // The other VF of the PF is untouched.
      expect(await portOf(agent, X82599, 0)).toMatchObject(DEFAULT_VF_PORT);
      // Repeating is a no-op, and going back works per setting.
      expect(await agent.setVfPort(vf1?.pciAddress ?? "", settings)).toMatchObject(settings);
      await agent.setVfPort(vf1?.pciAddress ?? "", { ...settings, linkState: "enable" });
      expect(await portOf(agent, X82599, 1)).toMatchObject({ linkState: "enable", trust: true });
    });

    it("names the setting a driver refuses and changes nothing else", async () => {
      const { agent } = await open({ profile: "kvm-i350-82599" });
      await split(agent, I350_0, 1, "op-split");
      const vf = (await agent.listNics()).find((n) => n.pciAddress === I350_0)?.vfs[0];
      // igb reports no query_rss at all: null, not "off".
      expect(vf?.port).toMatchObject({ queryRss: null, trust: false, spoofCheck: true });
      const err = await errorOf(
        agent.setVfPort(vf?.pciAddress ?? "", { ...DEFAULT_VF_PORT, linkState: "disable" }),
      );
      expect(err.code).toBe("UNSUPPORTED");
      expect(err.details).toMatchObject({ setting: "state" });
      const rss = await errorOf(
        agent.setVfPort(vf?.pciAddress ?? "", { ...DEFAULT_VF_PORT, queryRss: true }),
      );
      expect(rss.code).toBe("UNSUPPORTED");
      // Asking for the defaults a driver cannot report is not a refusal.
      expect(await agent.setVfPort(vf?.pciAddress ?? "", DEFAULT_VF_PORT)).toMatchObject({
        trust: false,
      });
      expect((await errorOf(agent.setVfPort("0000:01:13.0", DEFAULT_VF_PORT))).code).toBe(
        "VF_NOT_FOUND",
      );
    });

    it("applies the settings a VF NIC carries when it is attached", async () => {
      const { agent } = await open({ profile: "kvm-i350-82599" });
      await split(agent, X82599, 1, "op-split");
      const pci = (await agent.listNics()).find((n) => n.pciAddress === X82599)?.vfs[0]?.pciAddress;
      await agent.defineDomain({ name: "vm1", vcpus: 1, memoryMiB: 512, nics: [] });
      await agent.startDomain("vm1");
      const port = { spoofCheck: true, trust: true, linkState: "enable", queryRss: false } as const;
      await agent.attachVf("vm1", {
        mac: "52:54:00:00:00:01",
        pciAddress: pci ?? "",
        live: true,
        port,
      });
      expect(await portOf(agent, X82599, 0)).toMatchObject(port);
      // The hypervisor's NIC carries no port: libvirt does not own these settings.
      expect((await agent.getDomain("vm1")).nics[0]).not.toHaveProperty("port");
    });

    it("resets a released VF and handles igb's refusal to zero a MAC", async () => {
      const s = await open({ profile: "kvm-i350-82599" });
      await split(s.agent, I350_0, 1, "op-split-a");
      const pci = (await s.agent.listNics()).find((n) => n.pciAddress === I350_0)?.vfs[0]
        ?.pciAddress;
      // What a previous holder leaves behind: its MAC and VLAN (libvirt's), trust and spoofchk off.
      s.kernel.state.vfPorts[pci ?? ""] = {
        mac: "52:54:00:12:34:56",
        vlan: 100,
        spoofCheck: false,
        trust: true,
        linkState: "auto",
        queryRss: false,
      };
      await s.agent.defineDomain({
        name: "vm1",
        vcpus: 1,
        memoryMiB: 512,
        nics: [{ type: "vf", mac: "52:54:00:12:34:56", pciAddress: pci ?? "" }],
      });
      // Held by a domain: a reset now would undo the holder's settings (the sriov-cni race).
      expect((await errorOf(s.agent.resetVf(pci ?? ""))).code).toBe("VF_IN_USE");
      await s.agent.undefineDomain("vm1");
      const result = await s.agent.resetVf(pci ?? "");
      expect(result.macZeroed).toBe(false);
      expect(result.port).toMatchObject({ vlan: 0, trust: false, spoofCheck: true });
      expect(result.port.mac).toBe("52:54:00:12:34:56");
      // Idempotent: a retried reset is the same answer.
      expect((await s.agent.resetVf(pci ?? "")).port).toEqual(result.port);
    });

    it("zeroes the MAC where the driver allows it", async () => {
      const s = await open({ profile: "kvm-cx5-x710" });
      await split(s.agent, X710, 1, "op-split");
      const pci = (await s.agent.listNics()).find((n) => n.pciAddress === X710)?.vfs[0]?.pciAddress;
      s.kernel.state.vfPorts[pci ?? ""] = {
        mac: "52:54:00:12:34:57",
        vlan: 7,
        spoofCheck: true,
        trust: true,
        linkState: "disable",
        queryRss: false,
      };
      const result = await s.agent.resetVf(pci ?? "");
      expect(result).toEqual({
        pciAddress: pci,
        macZeroed: true,
        port: { mac: "00:00:00:00:00:00", vlan: 0, ...DEFAULT_VF_PORT, queryRss: null },
      });
    });

    it("the snapshot digest covers the settings, so a lost one is seen", async () => {
      const s = await open({ profile: "kvm-i350-82599" });
      await split(s.agent, X82599, 1, "op-split");
      const pci = (await s.agent.listNics()).find((n) => n.pciAddress === X82599)?.vfs[0]
        ?.pciAddress;
      const trusted = { ...DEFAULT_VF_PORT, trust: true };
      await s.agent.setVfPort(pci ?? "", trusted);
      const before = await s.agent.snapshotSince("none");
      expect((await s.agent.snapshotSince(before.digest)).changed).toBe(false);
      // The driver forgets trust behind the agent's back (a driver reload): only the port changed.
      const kept = s.kernel.state.vfPorts[pci ?? ""];
      if (kept === undefined) throw new Error("the sim kernel keeps no port for the VF");
      s.kernel.state.vfPorts[pci ?? ""] = { ...kept, trust: false };
      // Saved as the sim saves any change it makes (a sim host changes only through the sim, and
      // the sim answers snapshot/since from its last read until it does).
      await s.kernel.saveState();
      const after = await s.agent.snapshotSince(before.digest);
      expect(after.changed).toBe(true);
      // Re-applying is what the reconciler does.
      await s.agent.setVfPort(pci ?? "", trusted);
      expect(await portOf(s.agent, X82599, 0)).toMatchObject({ trust: true });
    });

    it("loses the settings with the VFs when the host reboots", async () => {
      const s = await open({ profile: "kvm-i350-82599" });
      await split(s.agent, X82599, 1, "op-split");
      const pci = (await s.agent.listNics()).find((n) => n.pciAddress === X82599)?.vfs[0]
        ?.pciAddress;
      await s.agent.setVfPort(pci ?? "", { ...DEFAULT_VF_PORT, trust: true });
      await s.kernel.reboot();
      await split(s.agent, X82599, 1, "op-resplit");
      expect(await portOf(s.agent, X82599, 0)).toMatchObject(DEFAULT_VF_PORT);
    });
  });
}
