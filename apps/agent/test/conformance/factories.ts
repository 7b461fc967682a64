import type { HostAgent } from "../../src/agent/host-agent";
import { createLinuxBackend } from "../../src/backends/linux";
import { createSimBackend } from "../../src/backends/sim";
import { systemClock } from "../../src/platform/clock";
import { routeCommands } from "../../src/platform/runner";
import { loadHostProfile } from "../../src/profiles/load";
import { simHostCommands } from "../../src/sim/commands";
import { SimKernel } from "../../src/sim/kernel";
import { FakeVirsh } from "../fake-virsh";
import { tempDir } from "../helpers";

export interface Subject {
  agent: HostAgent;
  /** The emulator behind the sysfs tree, for assertions on the tree itself. */
  kernel: SimKernel;
  canReboot: boolean;
  close(): Promise<void>;
}

export interface SubjectOptions {
  profile: string;
  perVfDelayMs?: number;
}

export type SubjectFactory = (options: SubjectOptions) => Promise<Subject>;

export const simFactory: SubjectFactory = async ({ profile, perVfDelayMs }) => {
  const handle = await createSimBackend({
    stateDir: await tempDir(),
    profile: loadHostProfile(profile),
    perVfDelayMs: perVfDelayMs ?? 0,
    vfPollMs: 2,
  });
  return { agent: handle.agent, kernel: handle.kernel, canReboot: true, close: handle.close };
};

/**
 * The Linux backend, unchanged, pointed at a fake /sys and /proc that the sim kernel built and
 * keeps behaving like a kernel; virsh is a recording fake, other commands are the sim host's.
 */
export function linuxFactory(onVirsh?: (virsh: FakeVirsh) => void): SubjectFactory {
  return async ({ profile, perVfDelayMs }) => {
    const virsh = new FakeVirsh();
    onVirsh?.(virsh);
    const kernel = await SimKernel.open({
      stateDir: await tempDir(),
      profile: loadHostProfile(profile),
      perVfDelayMs: perVfDelayMs ?? 0,
      clock: systemClock,
    });
    const handle = createLinuxBackend({
      sysIo: kernel.sys,
      procIo: kernel.proc,
      runner: routeCommands({ virsh }, simHostCommands(kernel)),
      vfPollMs: 2,
    });
    return {
      agent: handle.agent,
      kernel,
      canReboot: false,
      async close() {
        kernel.close();
        await handle.close();
      },
    };
  };
}
