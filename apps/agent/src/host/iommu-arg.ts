import { AgentError } from "@virtfn/agent-client";
import type { CommandRunner } from "../platform/runner";

export const IOMMU_ARGS = ["intel_iommu=on", "amd_iommu=on"] as const;

export function hasIommuArg(cmdline: string): boolean {
  const tokens = new Set(cmdline.split(/\s+/));
  return IOMMU_ARGS.some((arg) => tokens.has(arg));
}

/** iommu=pt keeps host-owned devices in passthrough mode so the IOMMU costs the host nothing. */
export function iommuArgsFor(cpuVendor: string): string[] {
  return [cpuVendor === "AuthenticAMD" ? "amd_iommu=on" : "intel_iommu=on", "iommu=pt"];
}

/** The cmdline configured for the next boot, from `grubby --info=DEFAULT`. */
export async function readConfiguredCmdline(runner: CommandRunner): Promise<string | null> {
  const res = await runner.run("grubby", ["--info=DEFAULT"]);
  if (res.exitCode !== 0) return null;
  const m = /^args="?(.*?)"?$/m.exec(res.stdout);
  return m?.[1] ?? null;
}

export async function updateIommuArgs(
  runner: CommandRunner,
  cpuVendor: string,
  enabled: boolean,
): Promise<void> {
  const args = iommuArgsFor(cpuVendor).join(" ");
  const flag = enabled ? `--args=${args}` : `--remove-args=${args}`;
  const res = await runner.run("grubby", ["--update-kernel=ALL", flag]);
  if (res.exitCode !== 0) {
    throw new AgentError(
      "COMMAND_FAILED",
      `grubby failed (exit ${res.exitCode}): ${res.stderr.trim()}`,
      {
        details: {
          hint: "hosts without grubby need the argument added to GRUB_CMDLINE_LINUX by hand",
        },
      },
    );
  }
}
