import type { CommandResult, CommandRunner } from "../platform/runner";
import { readTrimmed } from "../platform/io";
import { simIp } from "./ip-link";
import type { SimKernel } from "./kernel";
import type { SimTraffic } from "./traffic";

const ok = (stdout = ""): CommandResult => ({ stdout, stderr: "", exitCode: 0 });
const fail = (stderr: string, exitCode = 1): CommandResult => ({ stdout: "", stderr, exitCode });

/** What a kernel of this profile would have logged at boot, so the agent's log parsing is exercised. */
async function bootLog(kernel: SimKernel): Promise<string> {
  const p = kernel.profile;
  const cmdline = await kernel.currentCmdline();
  const active = kernel.iommuActive(cmdline);
  const lines = [
    "[    0.000000] Linux version 5.14.0-427.el9.x86_64 (mockbuild@virtfn-sim)",
    `[    0.000000] Command line: ${cmdline}`,
  ];
  if (p.cpu.vendor === "GenuineIntel") {
    if (p.bios.iommu) {
      // ACPI DMAR is parsed whether or not the IOMMU is switched on; ecap bit 3 = interrupt remapping.
      const ecap = p.bios.interruptRemapping ? "f020df" : "f020d7";
      lines.push(
        "[    0.014523] DMAR: Host address width 46",
        "[    0.014525] DMAR: DRHD base: 0x000000c5ffc000 flags: 0x0",
        `[    0.014531] DMAR: dmar0: reg_base_addr c5ffc000 ver 1:0 cap 8d2078c106f0466 ecap ${ecap}`,
        "[    0.014533] DMAR: DRHD base: 0x000000fbffc000 flags: 0x1",
        `[    0.014537] DMAR: dmar1: reg_base_addr fbffc000 ver 1:0 cap 8d2078c106f0466 ecap ${ecap}`,
      );
    }
    if (active) {
      lines.push("[    0.000000] DMAR: IOMMU enabled");
      if (p.bios.interruptRemapping)
        lines.push("[    0.523102] DMAR-IR: Enabled IRQ remapping in x2apic mode");
      lines.push("[    1.873412] DMAR: Intel(R) Virtualization Technology for Directed I/O");
    }
  } else if (active) {
    lines.push(
      "[    1.202441] pci 0000:00:00.2: AMD-Vi: IOMMU performance counters supported",
      "[    1.204113] AMD-Vi: Found IOMMU at 0000:00:00.2 cap 0x40",
    );
    if (p.bios.interruptRemapping) lines.push("[    1.204120] AMD-Vi: Interrupt remapping enabled");
  }
  for (const nic of p.nics.filter((n) => n.ifname !== null))
    lines.push(
      `[    3.1${nic.pciAddress.slice(-4, -2)}000] ${nic.profile.driver} ${nic.pciAddress}: ${nic.ifname}: renamed`,
    );
  return `${lines.join("\n")}\n`;
}

function grubbyInfo(cmdline: string): string {
  const args = cmdline.split(/\s+/).filter((t) => t !== "" && !t.startsWith("BOOT_IMAGE="));
  return `index=0\nkernel="/boot/vmlinuz-5.14.0-427.el9.x86_64"\nargs="${args.join(" ")}"\ntitle="Rocky Linux (5.14.0-427.el9.x86_64)"\n`;
}

async function grubby(kernel: SimKernel, args: readonly string[]): Promise<CommandResult> {
  if (args.includes("--info=DEFAULT")) return ok(grubbyInfo(kernel.state.configuredCmdline));
  if (!args.includes("--update-kernel=ALL"))
    return fail("grubby: unsupported arguments in the sim", 64);
  let tokens = kernel.state.configuredCmdline.split(/\s+/).filter((t) => t !== "");
  for (const arg of args) {
    if (arg.startsWith("--args=")) {
      for (const t of arg.slice("--args=".length).split(/\s+/))
        if (t !== "" && !tokens.includes(t)) tokens.push(t);
    } else if (arg.startsWith("--remove-args=")) {
      const remove = new Set(arg.slice("--remove-args=".length).split(/\s+/));
      tokens = tokens.filter((t) => !remove.has(t));
    }
  }
  kernel.state = { ...kernel.state, configuredCmdline: tokens.join(" ") };
  await kernel.saveState();
  return ok();
}

async function bridge(kernel: SimKernel, args: readonly string[]): Promise<CommandResult> {
  const devIdx = args.indexOf("dev");
  const dev = devIdx >= 0 ? args[devIdx + 1] : undefined;
  if (dev === undefined) return fail('bridge: the sim needs "dev <PF>"', 64);
  const pfMac = await readTrimmed(kernel.sys, `class/net/${dev}/address`);
  if (pfMac === null) return fail(`Cannot find device "${dev}"`);
  const sub = args.filter((a) => a !== "-j");
  if (sub[0] !== "fdb") return fail("bridge: only fdb is emulated", 64);
  if (sub[1] === "show") {
    // Like the kernel: the PF's own address and IPv6 all-nodes multicast are always listed.
    const entries = [
      { mac: pfMac, ifname: dev, state: "permanent", flags: ["self"] },
      { mac: "33:33:00:00:00:01", ifname: dev, state: "permanent", flags: ["self"] },
      ...kernel.state.fdb
        .filter((e) => e.pf === dev)
        .map((e) => ({ mac: e.mac, ifname: dev, state: "permanent", flags: ["self"] })),
    ];
    return ok(JSON.stringify(entries));
  }
  const mac = sub[2]?.toLowerCase();
  if (mac === undefined) return fail("bridge fdb: missing MAC", 64);
  const present = kernel.state.fdb.some((e) => e.pf === dev && e.mac === mac);
  if (sub[1] === "add") {
    if (present) return fail("RTNETLINK answers: File exists", 2);
    kernel.state = { ...kernel.state, fdb: [...kernel.state.fdb, { pf: dev, mac }] };
  } else if (sub[1] === "del") {
    if (!present) return fail("RTNETLINK answers: No such file or directory", 2);
    kernel.state = {
      ...kernel.state,
      fdb: kernel.state.fdb.filter((e) => !(e.pf === dev && e.mac === mac)),
    };
  } else {
    return fail(`bridge fdb ${sub[1] ?? ""}: not emulated`, 64);
  }
  await kernel.saveState();
  return ok();
}

/** The host commands of a sim host. virsh is not here: the sim's hypervisor is not driven by virsh. */
export function simHostCommands(
  kernel: SimKernel,
  traffic: SimTraffic | null = null,
): CommandRunner {
  return {
    async run(command, args) {
      switch (command) {
        case "dmesg":
          return kernel.profile.dmesgRestricted
            ? fail("dmesg: read kernel buffer failed: Operation not permitted")
            : ok(await bootLog(kernel));
        case "journalctl":
          return ok(await bootLog(kernel));
        case "grubby":
          return grubby(kernel, args);
        case "bridge":
          return bridge(kernel, args);
        case "ip":
          return simIp(kernel, args, async () => traffic?.read() ?? new Map());
        default:
          return fail(`${command}: command not found`, 127);
      }
    },
  };
}
