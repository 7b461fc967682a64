import { describe, expect, it } from "vitest";
import type { CommandRunner } from "../platform/runner";
import { parseCpuinfo, parseMemTotalMiB } from "./cpu";
import { hasIommuArg, iommuArgsFor } from "./iommu-arg";
import { parseKernelLog, readKernelLog } from "./kernel-log";
import { cpuListCount, parseNodeMemTotalMiB } from "./numa";
import { formatPci, parsePci, vfPciAddress } from "./pci";

describe("PCI addresses", () => {
  it("round-trips and computes VF routing ids across slots and buses", () => {
    expect(formatPci(parsePci("0000:af:1f.7"))).toBe("0000:af:1f.7");
    expect(vfPciAddress("0000:01:00.0", 128, 4, 1)).toBe("0000:01:10.4");
    expect(vfPciAddress("0000:01:00.1", 128, 4, 0)).toBe("0000:01:10.1");
    expect(vfPciAddress("0000:af:00.0", 8, 1, 255)).toBe("0000:b0:00.7");
    expect(() => vfPciAddress("0000:ff:00.0", 8, 1, 255)).toThrow(/beyond the last bus/);
    expect(() => parsePci("01:00.0")).toThrow();
  });
});

describe("kernel log", () => {
  it("finds DMAR IOMMU enabled and remapping from the DMAR-IR line", () => {
    expect(
      parseKernelLog(
        "[0.0] DMAR: IOMMU enabled\n[0.5] DMAR-IR: Enabled IRQ remapping in x2apic mode",
      ),
    ).toEqual({
      dmarIommuEnabled: true,
      interruptRemapping: true,
    });
  });

  it("reads interrupt remapping from ecap bit 3", () => {
    const line = (ecap: string) =>
      `[0.01] DMAR: dmar0: reg_base_addr fbffc000 ver 1:0 cap d2078c106f0466 ecap ${ecap}`;
    expect(parseKernelLog(line("f020de")).interruptRemapping).toBe(true); // 0xde = 1101 1110
    expect(parseKernelLog(line("f020d7")).interruptRemapping).toBe(false); // 0xd7 = 1101 0111
    expect(parseKernelLog(line("f020d7")).dmarIommuEnabled).toBe(false);
  });

  it("falls back to journalctl -k when dmesg is restricted, and to nothing when both fail", async () => {
    const calls: string[] = [];
    const runner = (dmesgOk: boolean, journalOk: boolean): CommandRunner => ({
      async run(command) {
        calls.push(command);
        if (command === "dmesg")
          return dmesgOk
            ? { stdout: "from dmesg", stderr: "", exitCode: 0 }
            : { stdout: "", stderr: "Operation not permitted", exitCode: 1 };
        return journalOk
          ? { stdout: "from journal", stderr: "", exitCode: 0 }
          : { stdout: "", stderr: "no journal", exitCode: 1 };
      },
    });
    expect(await readKernelLog(runner(true, true))).toBe("from dmesg");
    expect(await readKernelLog(runner(false, true))).toBe("from journal");
    expect(await readKernelLog(runner(false, false))).toBe("");
    expect(calls).toEqual(["dmesg", "dmesg", "journalctl", "dmesg", "journalctl"]);
  });
});

describe("cpuinfo, meminfo and cmdline", () => {
  it("counts processors and reads vendor, model and flags from the first block", () => {
    const text =
      "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nflags\t\t: fpu vmx ept\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nflags\t\t: fpu vmx ept\n";
    const cpu = parseCpuinfo(text);
    expect(cpu).toMatchObject({ vendor: "GenuineIntel", model: "Xeon", count: 2 });
    expect(cpu.flags.has("vmx")).toBe(true);
    expect(parseMemTotalMiB("MemTotal:       16384000 kB\n")).toBe(16000);
  });

  it("matches whole kernel arguments only", () => {
    expect(hasIommuArg("ro quiet intel_iommu=on iommu=pt")).toBe(true);
    expect(hasIommuArg("ro amd_iommu=on")).toBe(true);
    expect(hasIommuArg("ro intel_iommu=off")).toBe(false);
    expect(hasIommuArg("ro xintel_iommu=on")).toBe(false);
    expect(iommuArgsFor("AuthenticAMD")).toEqual(["amd_iommu=on", "iommu=pt"]);
    expect(iommuArgsFor("GenuineIntel")).toEqual(["intel_iommu=on", "iommu=pt"]);
  });
});

describe("NUMA files", () => {
  it("counts kernel cpulists and reads a node's MemTotal", () => {
    expect(cpuListCount("0-19,40-59")).toBe(40);
    expect(cpuListCount("3")).toBe(1);
    expect(cpuListCount("")).toBe(0);
    expect(parseNodeMemTotalMiB("Node 1 MemTotal:       98304000 kB\nNode 1 MemFree: 1 kB")).toBe(
      96000,
    );
  });
});
