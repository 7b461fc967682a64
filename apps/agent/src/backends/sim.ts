import { mkdir } from "node:fs/promises";
import path from "node:path";
import { FaultPlan } from "../agent/faults";
import { HostAgent } from "../agent/host-agent";
import { httpMigrator } from "../agent/migrator";
import { SimHypervisor, type OnApplied } from "../hypervisor/sim";
import { systemClock, type Clock } from "../platform/clock";
import { knownNicModels } from "../profiles/load";
import type { HostProfile } from "../profiles/schema";
import { simHostCommands } from "../sim/commands";
import { SimKernel } from "../sim/kernel";
import { SimTraffic } from "../sim/traffic";

export interface SimBackendOptions {
  stateDir: string;
  profile: HostProfile;
  /** Default 30 ms: a demo split of 63 VFs takes about 2 s instead of i40e's 20 s. */
  perVfDelayMs?: number;
  clock?: Clock;
  vfPollMs?: number;
  /** Told of every change the sim hypervisor really makes (tests count them per operation). */
  onApplied?: OnApplied;
}

export interface BackendHandle {
  agent: HostAgent;
  close(): Promise<void>;
}

/**
 * The Linux agent with three things swapped: the kernel (an emulated sysfs tree), the hypervisor
 * (an in-memory libvirt) and the clock.
 */
export async function createSimBackend(
  options: SimBackendOptions,
): Promise<BackendHandle & { kernel: SimKernel }> {
  const clock = options.clock ?? systemClock;
  await mkdir(options.stateDir, { recursive: true });
  const kernel = await SimKernel.open({
    stateDir: options.stateDir,
    profile: options.profile,
    perVfDelayMs: options.perVfDelayMs ?? 30,
    clock,
  });
  const hypervisor = await SimHypervisor.open(
    path.join(options.stateDir, "libvirt.json"),
    options.onApplied,
  );
  const agent = new HostAgent({
    backend: "sim",
    host: {
      sys: kernel.sys,
      proc: kernel.proc,
      runner: simHostCommands(kernel, new SimTraffic(hypervisor, clock)),
    },
    hypervisor,
    migrator: httpMigrator(hypervisor),
    clock,
    models: knownNicModels(),
    reboot: async () => {
      await kernel.reboot();
      await hypervisor.powerOffAll();
    },
    vfPollMs: options.vfPollMs ?? 50,
    faults: new FaultPlan(),
    // Everything a sim host's snapshot reads changes through the kernel or the hypervisor.
    snapshotVersion: () => `${kernel.version}.${hypervisor.version}`,
  });
  return {
    agent,
    kernel,
    async close() {
      // Kernel first: in-flight VF creation stops where it is, like a killed process.
      kernel.close();
      await agent.close();
    },
  };
}
