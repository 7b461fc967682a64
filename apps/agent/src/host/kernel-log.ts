import type { CommandRunner } from "../platform/runner";

/**
 * The kernel ring buffer: dmesg first, then journalctl -k when dmesg is restricted
 * (kernel.dmesg_restrict=1) or rotated away. Empty when neither works; callers then rely on sysfs.
 */
export async function readKernelLog(runner: CommandRunner): Promise<string> {
  const dmesg = await runner.run("dmesg", []);
  if (dmesg.exitCode === 0 && dmesg.stdout.trim() !== "") return dmesg.stdout;
  const journal = await runner.run("journalctl", ["-k", "-b", "--no-pager", "-o", "short"]);
  if (journal.exitCode === 0) return journal.stdout;
  return "";
}

export interface KernelLogFacts {
  dmarIommuEnabled: boolean;
  interruptRemapping: boolean;
}

/** Bit 3 of the VT-d extended capability register: Interrupt Remapping support. */
const ECAP_IR = 0x8n;

export function parseKernelLog(log: string): KernelLogFacts {
  const dmarIommuEnabled =
    /DMAR: IOMMU enabled/.test(log) || /AMD-Vi: .*IOMMU.*enabled|AMD-Vi: Found IOMMU/i.test(log);
  let interruptRemapping =
    /DMAR-IR: Enabled IRQ remapping/.test(log) || /AMD-Vi: Interrupt remapping enabled/.test(log);
  for (const match of log.matchAll(
    /DMAR: dmar\d+: reg_base_addr \S+ ver \S+ cap [0-9a-f]+ ecap ([0-9a-f]+)/g,
  )) {
    const ecap = match[1];
    if (ecap !== undefined && (BigInt(`0x${ecap}`) & ECAP_IR) !== 0n) interruptRemapping = true;
  }
  return { dmarIommuEnabled, interruptRemapping };
}
