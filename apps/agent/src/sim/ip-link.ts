import type { CommandResult } from "../platform/runner";
import { readVfRefs } from "../host/nics";
import { readTrimmed } from "../platform/io";
import { FRESH_SIM_VF_PORT, type SimVfPort } from "./host-state";
import type { SimKernel } from "./kernel";
import { NO_SIM_TRAFFIC, type SimVfTraffic } from "./traffic";

const ok = (stdout = ""): CommandResult => ({ stdout, stderr: "", exitCode: 0 });
const fail = (stderr: string, exitCode = 2): CommandResult => ({ stdout: "", stderr, exitCode });
const NOT_SUPPORTED = "RTNETLINK answers: Operation not supported";
const INVALID = "RTNETLINK answers: Invalid argument";

const onOff = (b: boolean): string => (b ? "on" : "off");

/** One `vf N` line as iproute2's print_vfinfo writes it, fields the driver lacks left out. */
function vfLine(
  index: number,
  port: SimVfPort,
  caps: SimKernel["profile"]["nics"][number]["profile"]["vfPort"],
): string {
  const fields = [`link/ether ${port.mac} brd ff:ff:ff:ff:ff:ff`];
  if (port.vlan !== 0) fields.push(`vlan ${port.vlan}`);
  if (caps.spoofCheck) fields.push(`spoof checking ${onOff(port.spoofCheck)}`);
  fields.push(`link-state ${port.linkState}`);
  if (caps.trust) fields.push(`trust ${onOff(port.trust)}`);
  if (caps.queryRss) fields.push(`query_rss ${onOff(port.queryRss)}`);
  return `    vf ${index}     ${fields.join(", ")}`;
}

function pfOf(kernel: SimKernel, dev: string) {
  return kernel.profile.nics.find((n) => n.ifname === dev);
}

async function show(kernel: SimKernel, dev: string): Promise<CommandResult> {
  const nic = pfOf(kernel, dev);
  if (nic === undefined) return fail(`Device "${dev}" does not exist.`, 1);
  const mac = (await readTrimmed(kernel.sys, `class/net/${dev}/address`)) ?? nic.mac;
  const index = kernel.profile.nics.indexOf(nic) + 2;
  const lines = [
    `${index}: ${dev}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state ${nic.link.toUpperCase()} mode DEFAULT group default qlen 1000`,
    `    link/ether ${mac} brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 9710 addrgenmode eui64 numtxqueues 64 numrxqueues 64 gso_max_size 65536 gso_max_segs 65535 parentbus pci parentdev ${nic.pciAddress}`,
  ];
  for (const vf of await readVfRefs(kernel.sys, nic.pciAddress)) {
    const port = kernel.state.vfPorts[vf.pciAddress] ?? FRESH_SIM_VF_PORT;
    lines.push(vfLine(vf.index, port, nic.profile.vfPort));
  }
  return ok(`${lines.join("\n")}\n`);
}

/**
 * `ip -s -j link show dev <pf>`, the parts the agent reads: every VF with its stats, as Linux 5.14
 * sends them (IFLA_VF_STATS for every VF, zero where the driver counts nothing) and iproute2
 * prints them (print_vf_stats64: "tx_bytes" and "tx_packets" under "tx").
 */
async function showJson(
  kernel: SimKernel,
  dev: string,
  traffic: ReadonlyMap<string, SimVfTraffic>,
): Promise<CommandResult> {
  const nic = pfOf(kernel, dev);
  if (nic === undefined) return fail(`Device "${dev}" does not exist.`, 1);
  const vfinfo = (await readVfRefs(kernel.sys, nic.pciAddress)).map((vf) => {
    const t = traffic.get(vf.pciAddress) ?? NO_SIM_TRAFFIC;
    return {
      vf: vf.index,
      address: (kernel.state.vfPorts[vf.pciAddress] ?? FRESH_SIM_VF_PORT).mac,
      stats: {
        rx: {
          bytes: t.rxBytes,
          packets: t.rxPackets,
          multicast: 0,
          broadcast: 0,
          dropped: t.rxDropped,
        },
        tx: { tx_bytes: t.txBytes, tx_packets: t.txPackets, dropped: t.txDropped },
      },
    };
  });
  const index = kernel.profile.nics.indexOf(nic) + 2;
  return ok(JSON.stringify([{ ifindex: index, ifname: dev, vfinfo_list: vfinfo }]));
}

/** `ip link set [dev] <pf> vf <n> key value …`, with the refusals the PF driver would give. */
async function setVf(
  kernel: SimKernel,
  dev: string,
  rest: readonly string[],
): Promise<CommandResult> {
  const nic = pfOf(kernel, dev);
  if (nic === undefined) return fail(`Cannot find device "${dev}"`, 1);
  if (rest[0] !== "vf" || rest[1] === undefined)
    return fail("ip link set: only vf is emulated", 64);
  const index = Number(rest[1]);
  const vf = (await readVfRefs(kernel.sys, nic.pciAddress)).find((r) => r.index === index);
  if (vf === undefined) return fail(INVALID);
  const caps = nic.profile.vfPort;
  let port: SimVfPort = { ...(kernel.state.vfPorts[vf.pciAddress] ?? FRESH_SIM_VF_PORT) };
  for (let i = 2; i < rest.length; i += 2) {
    const key = rest[i];
    const value = rest[i + 1];
    if (value === undefined) return fail(`Error: argument missing after "${key ?? ""}"`, 255);
    switch (key) {
      case "mac":
        if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(value))
          return fail(`Error: "${value}" is not a MAC`, 255);
        if (/^(00:){5}00$/.test(value) && !caps.zeroMac) return fail(INVALID);
        port = { ...port, mac: value.toLowerCase() };
        break;
      case "vlan": {
        const vlan = Number(value);
        if (!Number.isInteger(vlan) || vlan < 0 || vlan > 4095) return fail(INVALID);
        port = { ...port, vlan };
        break;
      }
      case "spoofchk":
        if (!caps.spoofCheck) return fail(NOT_SUPPORTED);
        port = { ...port, spoofCheck: value === "on" };
        break;
      case "trust":
        if (!caps.trust) return fail(NOT_SUPPORTED);
        port = { ...port, trust: value === "on" };
        break;
      case "query_rss":
        if (!caps.queryRss) return fail(NOT_SUPPORTED);
        port = { ...port, queryRss: value === "on" };
        break;
      case "state":
        if (value !== "auto" && value !== "enable" && value !== "disable") return fail(INVALID);
        if (!caps.linkState) return fail(NOT_SUPPORTED);
        port = { ...port, linkState: value };
        break;
      default:
        return fail(`ip link set vf: ${key ?? ""} is not emulated`, 64);
    }
  }
  kernel.state = { ...kernel.state, vfPorts: { ...kernel.state.vfPorts, [vf.pciAddress]: port } };
  await kernel.saveState();
  return ok();
}

/** The part of iproute2's `ip link` that the agent uses for VF ports. */
export async function simIp(
  kernel: SimKernel,
  args: readonly string[],
  traffic: () => Promise<ReadonlyMap<string, SimVfTraffic>>,
): Promise<CommandResult> {
  const json = args.includes("-j");
  const plain = args.filter((a) => !["-d", "-details", "-s", "-j"].includes(a));
  if (plain[0] !== "link") return fail("ip: only link is emulated", 64);
  const rest = plain.slice(2);
  const dev = rest[0] === "dev" ? rest[1] : rest[0];
  const after = rest[0] === "dev" ? rest.slice(2) : rest.slice(1);
  if (dev === undefined) return fail("ip link: the sim needs a device", 64);
  if (plain[1] === "show") return json ? showJson(kernel, dev, await traffic()) : show(kernel, dev);
  if (plain[1] === "set") return setVf(kernel, dev, after);
  return fail(`ip link ${plain[1] ?? ""}: not emulated`, 64);
}
