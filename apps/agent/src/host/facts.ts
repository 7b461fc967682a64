import type { HostFacts } from "@virtfn/agent-client";
import { readDirOrEmpty, readTrimmed, type SysfsIo } from "../platform/io";
import type { CommandRunner } from "../platform/runner";
import { parseCpuinfo, parseMemTotalMiB, type CpuInfo } from "./cpu";
import { hasIommuArg, readConfiguredCmdline } from "./iommu-arg";
import { parseKernelLog, readKernelLog } from "./kernel-log";
import { readNumaTopology } from "./numa";

export interface HostIo {
  sys: SysfsIo;
  proc: SysfsIo;
  runner: CommandRunner;
}

export async function readCpu(host: HostIo): Promise<CpuInfo> {
  return parseCpuinfo((await readTrimmed(host.proc, "cpuinfo")) ?? "");
}

export async function readBootId(host: HostIo): Promise<string> {
  return (await readTrimmed(host.proc, "sys/kernel/random/boot_id")) ?? "unknown";
}

export async function readHostname(host: HostIo): Promise<string> {
  return (await readTrimmed(host.proc, "sys/kernel/hostname")) ?? "unknown";
}

export async function readFacts(host: HostIo): Promise<HostFacts> {
  // Independent reads, issued together rather than one after the other.
  const [cpu, cmdlineRaw, configured, kernelLog, iommuUnits, unsafe, hostname, meminfo, numa] =
    await Promise.all([
      readCpu(host),
      readTrimmed(host.proc, "cmdline"),
      // Without grubby we cannot see the next boot's cmdline; assume it is the running one.
      readConfiguredCmdline(host.runner),
      readKernelLog(host.runner),
      readDirOrEmpty(host.sys, "class/iommu"),
      readTrimmed(host.sys, "module/vfio_iommu_type1/parameters/allow_unsafe_interrupts"),
      readHostname(host),
      readTrimmed(host.proc, "meminfo"),
      readNumaTopology(host.sys),
    ]);
  const argNow = hasIommuArg(cmdlineRaw ?? "");
  const kernelArgSet = configured === null ? argNow : hasIommuArg(configured);
  const log = parseKernelLog(kernelLog);
  const virt = cpu.flags.has("vmx") ? "vmx" : cpu.flags.has("svm") ? "svm" : null;
  return {
    hostname,
    cpuModel: cpu.model,
    cpuCount: cpu.count,
    memoryMiB: parseMemTotalMiB(meminfo ?? ""),
    cpuVirtualization: virt,
    iommu: {
      kernelArgSet,
      active: iommuUnits.length > 0 && (argNow || log.dmarIommuEnabled),
      interruptRemapping: log.interruptRemapping,
      allowUnsafeInterrupts: unsafe === "Y" || unsafe === "1",
      rebootRequired: kernelArgSet !== argNow,
    },
    numa,
  };
}
