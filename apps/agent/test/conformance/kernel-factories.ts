import { createLinuxBackend } from "../../src/backends/linux";
import { createSimBackend } from "../../src/backends/sim";
import { systemClock } from "../../src/platform/clock";
import { routeCommands } from "../../src/platform/runner";
import { loadHostProfile } from "../../src/profiles/load";
import { simHostCommands } from "../../src/sim/commands";
import { SimKernel } from "../../src/sim/kernel";
import { FakeVirsh } from "../fake-virsh";
import { tempDir } from "../helpers";
import type { KernelSubject, KernelSubjectFactory } from "./sriov-kernel";

/** The sim host that mirrors the test bed's guest: an e1000e and an NVMe PF with 4 VFs. */
const PROFILE = "qemu-nvme-sriov";
const NVME_PF = "0000:01:00.0";
// Non-zero, so the kernel's fixed iov.c sleeps are modelled (perVfDelayMs 0 drops them).
const PER_VF_MS = 1;

const nvme = (rest: Omit<KernelSubject, "pf" | "pfDriver" | "totalVfs">): KernelSubject => ({
  pf: NVME_PF,
  pfDriver: "nvme",
  totalVfs: 4,
  ...rest,
});

export const simKernelFactory: KernelSubjectFactory = async () => {
  const handle = await createSimBackend({
    stateDir: await tempDir(),
    profile: loadHostProfile(PROFILE),
    perVfDelayMs: PER_VF_MS,
    vfPollMs: 2,
  });
  return nvme({ agent: handle.agent, sys: handle.kernel.sys, close: handle.close });
};

export const linuxKernelFactory: KernelSubjectFactory = async () => {
  const kernel = await SimKernel.open({
    stateDir: await tempDir(),
    profile: loadHostProfile(PROFILE),
    perVfDelayMs: PER_VF_MS,
    clock: systemClock,
  });
  const handle = createLinuxBackend({
    sysIo: kernel.sys,
    procIo: kernel.proc,
    runner: routeCommands({ virsh: new FakeVirsh() }, simHostCommands(kernel)),
    vfPollMs: 2,
  });
  return nvme({
    agent: handle.agent,
    sys: kernel.sys,
    async close() {
      kernel.close();
      await handle.close();
    },
  });
};
