import { AgentError } from "@virtfn/agent-client";
import { afterEach, describe, expect, it } from "vitest";
import type { HostAgent } from "../../src/agent/host-agent";
import { physfnOf, pciDir, readVfRefs } from "../../src/host/nics";
import { errnoOf, linkBasename, readTrimmed, type SysfsIo } from "../../src/platform/io";
import { eventually } from "../helpers";

/**
 * What drivers/pci/iov.c does, as seen through sysfs: one suite that runs on the sim, on the
 * Linux backend over the sim's fake sysfs, and on a real kernel in the QEMU test bed
 * (apps/agent/testbed), so a difference between the sim and Linux fails on one of them.
 */
export interface KernelSubject {
  agent: HostAgent;
  /** sysfs as the backend writes it: writes have the kernel's side effects. */
  sys: SysfsIo;
  /** An SR-IOV PF without a netdev whose driver leaves its VFs on unbind (nvme). */
  pf: string;
  pfDriver: string;
  totalVfs: number;
  close(): Promise<void>;
}

export type KernelSubjectFactory = () => Promise<KernelSubject>;

const numvfsOf = (pf: string) => `${pciDir(pf)}/sriov_numvfs`;

/** The errno of a raw sysfs write, or "ok". */
async function write(sys: SysfsIo, rel: string, data: string): Promise<string> {
  try {
    await sys.writeFile(rel, data);
    return "ok";
  } catch (error) {
    return errnoOf(error) ?? String(error);
  }
}

async function numVfs(s: KernelSubject): Promise<number> {
  return Number(await readTrimmed(s.sys, numvfsOf(s.pf)));
}

/** Back to a bound driver and 0 VFs, so a real kernel is left as each test found it. */
async function restore(s: KernelSubject): Promise<void> {
  if ((await linkBasename(s.sys, `${pciDir(s.pf)}/driver`)) === null)
    await s.sys.writeFile(`bus/pci/drivers/${s.pfDriver}/bind`, s.pf);
  await s.sys.writeFile(numvfsOf(s.pf), "0");
}

export function sriovKernelConformance(label: string, factory: KernelSubjectFactory): void {
  describe(`SR-IOV kernel conformance: ${label}`, { timeout: 120_000 }, () => {
    let subject: KernelSubject | undefined;
    const open = async () => {
      subject = await factory();
      return subject;
    };
    afterEach(async () => {
      if (subject === undefined) return;
      try {
        await restore(subject);
      } finally {
        await subject.close();
        subject = undefined;
      }
    });

    it("finds an SR-IOV PF without a netdev by its PCI address", async () => {
      const s = await open();
      const nic = (await s.agent.listNics()).find((n) => n.pciAddress === s.pf);
      expect(nic).toMatchObject({
        name: null,
        mac: null,
        linkState: null,
        speedMbps: null,
        bond: null,
        driver: s.pfDriver,
        sriovCapable: true,
        totalVfs: s.totalVfs,
        numVfs: 0,
        vfs: [],
      });
      expect(await s.agent.getNic(s.pf)).toEqual(nic);
    });

    it("answers EINVAL for text and negatives and ERANGE above sriov_totalvfs", async () => {
      const s = await open();
      expect(await write(s.sys, numvfsOf(s.pf), "abc")).toBe("EINVAL");
      expect(await write(s.sys, numvfsOf(s.pf), "-1")).toBe("EINVAL");
      expect(await write(s.sys, numvfsOf(s.pf), String(s.totalVfs + 1))).toBe("ERANGE");
      expect(await numVfs(s)).toBe(0);
      const refused = await s.agent
        .startSetVfCount(s.pf, s.totalVfs + 1, "op-range")
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AgentError);
      expect((refused as AgentError).code).toBe("ERANGE");
    });

    it("needs 0 before another non-zero count (EBUSY); VFs have virtfn and physfn links", async () => {
      const s = await open();
      expect(await write(s.sys, numvfsOf(s.pf), "2")).toBe("ok");
      expect(await write(s.sys, numvfsOf(s.pf), "3")).toBe("EBUSY");
      expect(await numVfs(s)).toBe(2);
      expect(await write(s.sys, numvfsOf(s.pf), "0")).toBe("ok");
      expect(await write(s.sys, numvfsOf(s.pf), "3")).toBe("ok");
      const vfs = await readVfRefs(s.sys, s.pf);
      expect(vfs.map((v) => v.index)).toEqual([0, 1, 2]);
      for (const vf of vfs) expect(await physfnOf(s.sys, vf.pciAddress)).toBe(s.pf);
      expect(await numVfs(s)).toBe(3);
    });

    it("lets the agent split and re-split the PF through 0", async () => {
      const s = await open();
      const done = async (op: string) =>
        eventually(async () => {
          const task = s.agent.getTask(op);
          return task.state === "running" ? undefined : task;
        }, 3000);
      await s.agent.startSetVfCount(s.pf, 2, "op-2");
      expect(await done("op-2")).toMatchObject({ state: "succeeded", error: null });
      await s.agent.startSetVfCount(s.pf, 3, "op-3");
      expect(await done("op-3")).toMatchObject({
        state: "succeeded",
        progress: { done: 5, total: 5 },
      });
      const nic = (await s.agent.listNics()).find((n) => n.pciAddress === s.pf);
      expect(nic?.numVfs).toBe(3);
      expect(nic?.vfs.map((v) => v.index)).toEqual([0, 1, 2]);
    });

    it("makes a second concurrent writer wait on the device lock, not fail", async () => {
      const s = await open();
      const both = await Promise.all([
        write(s.sys, numvfsOf(s.pf), "3"),
        write(s.sys, numvfsOf(s.pf), "3"),
      ]);
      expect(both).toEqual(["ok", "ok"]);
      expect(await numVfs(s)).toBe(3);
      expect(await readVfRefs(s.sys, s.pf)).toHaveLength(3);
      const again = await Promise.all([
        write(s.sys, numvfsOf(s.pf), "0"),
        write(s.sys, numvfsOf(s.pf), "0"),
      ]);
      expect(again).toEqual(["ok", "ok"]);
      expect(await readVfRefs(s.sys, s.pf)).toHaveLength(0);
    });

    it("keeps the VFs when nvme is unbound; without a driver it says ENOENT before EBUSY", async () => {
      const s = await open();
      expect(await write(s.sys, numvfsOf(s.pf), "2")).toBe("ok");
      expect(await s.agent.unbindPfDriver(s.pf)).toEqual({ pciAddress: s.pf, driver: s.pfDriver });
      const nic = (await s.agent.listNics()).find((n) => n.pciAddress === s.pf);
      expect(nic).toMatchObject({ driver: null, numVfs: 2 });
      expect(nic?.vfs).toHaveLength(2);
      // 2 → 3 would be EBUSY with a driver; with none the kernel stops earlier, at ENOENT.
      expect(await write(s.sys, numvfsOf(s.pf), "3")).toBe("ENOENT");
      expect(await write(s.sys, numvfsOf(s.pf), "0")).toBe("ENOENT");
      expect(await write(s.sys, numvfsOf(s.pf), "2")).toBe("ok");
      await s.sys.writeFile(`bus/pci/drivers/${s.pfDriver}/bind`, s.pf);
      expect(await write(s.sys, numvfsOf(s.pf), "0")).toBe("ok");
      expect(await readVfRefs(s.sys, s.pf)).toHaveLength(0);
    });

    it("takes at least iov.c's fixed sleeps: 100 ms to enable, 1 s to disable", async () => {
      // Lower bounds only: load can lengthen a kernel's sleep, never shorten it.
      const s = await open();
      const timed = async (value: string) => {
        const start = performance.now();
        expect(await write(s.sys, numvfsOf(s.pf), value)).toBe("ok");
        return performance.now() - start;
      };
      expect(await timed("1")).toBeGreaterThanOrEqual(99);
      expect(await timed("0")).toBeGreaterThanOrEqual(999);
    });
  });
}
