import { HostAgent } from "../agent/host-agent";
import { virshMigrator } from "../agent/migrator";
import { VirshHypervisor } from "../hypervisor/virsh";
import { systemClock, type Clock } from "../platform/clock";
import { NodeSysfsIo, type SysfsIo } from "../platform/io";
import { NodeCommandRunner, type CommandRunner } from "../platform/runner";
import { knownNicModels } from "../profiles/load";
import type { BackendHandle } from "./sim";

export interface LinuxBackendOptions {
  sysRoot?: string;
  procRoot?: string;
  /** Overrides file access under sysRoot; tests plug a kernel emulator in here. */
  sysIo?: SysfsIo;
  procIo?: SysfsIo;
  runner?: CommandRunner;
  clock?: Clock;
  /** libvirt URI; default qemu:///system. */
  virshUri?: string;
  vfPollMs?: number;
  vfLinkTimeoutMs?: number;
}

export function createLinuxBackend(options: LinuxBackendOptions = {}): BackendHandle {
  const clock = options.clock ?? systemClock;
  const runner = options.runner ?? new NodeCommandRunner();
  const virsh = new VirshHypervisor({
    runner,
    clock,
    ...(options.virshUri === undefined ? {} : { uri: options.virshUri }),
  });
  const agent = new HostAgent({
    backend: "linux",
    host: {
      sys: options.sysIo ?? new NodeSysfsIo(options.sysRoot ?? "/sys"),
      proc: options.procIo ?? new NodeSysfsIo(options.procRoot ?? "/proc"),
      runner,
    },
    hypervisor: virsh,
    migrator: virshMigrator(virsh),
    clock,
    models: knownNicModels(),
    ...(options.vfPollMs === undefined ? {} : { vfPollMs: options.vfPollMs }),
    ...(options.vfLinkTimeoutMs === undefined ? {} : { vfLinkTimeoutMs: options.vfLinkTimeoutMs }),
  });
  return { agent, close: () => agent.close() };
}
