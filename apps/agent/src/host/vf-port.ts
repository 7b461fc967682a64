import {
  AgentError,
  DEFAULT_VF_PORT,
  VfLinkState,
  type VfPortObserved,
  type VfPortSettings,
} from "@virtfn/agent-client";
import type { CommandRunner } from "../platform/runner";

const ZERO_MAC = "00:00:00:00:00:00";

/**
 * Parses the `vf N …` lines of `ip -d link show <pf>` (iproute2's print_vfinfo). Both layouts
 * are read: "vf 0     link/ether <mac> brd ff:…, vlan 100, spoof checking on, link-state auto,
 * trust off, query_rss off" (iproute2 ≥ 4.x) and the older "vf 0 MAC <mac>, …". iproute2 leaves
 * out spoof checking, trust and query_rss when the driver reports them as unsupported (-1), so
 * a missing field is null, not "off".
 */
export function parseVfPorts(output: string): Map<number, VfPortObserved> {
  const ports = new Map<number, VfPortObserved>();
  for (const line of output.split("\n")) {
    const m = /^\s*vf (\d+)\s+(.*)$/.exec(line);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    const port: VfPortObserved = {
      mac: null,
      vlan: 0,
      spoofCheck: null,
      trust: null,
      linkState: null,
      queryRss: null,
    };
    for (const field of m[2].split(",").map((f) => f.trim())) {
      const mac = /^(?:link\/ether|MAC) ([0-9a-fA-F:]{17})/.exec(field)?.[1];
      const vlan = /^vlan (\d+)$/.exec(field)?.[1];
      const spoof = /^spoof checking (on|off)$/.exec(field)?.[1];
      const trust = /^trust (on|off)$/.exec(field)?.[1];
      const rss = /^query_rss (on|off)$/.exec(field)?.[1];
      const link = /^link-state (auto|enable|disable)$/.exec(field)?.[1];
      if (mac !== undefined) port.mac = mac.toLowerCase();
      else if (vlan !== undefined) port.vlan = Number(vlan);
      else if (spoof !== undefined) port.spoofCheck = spoof === "on";
      else if (trust !== undefined) port.trust = trust === "on";
      else if (rss !== undefined) port.queryRss = rss === "on";
      else if (link !== undefined) port.linkState = VfLinkState.parse(link);
    }
    ports.set(Number(m[1]), port);
  }
  return ports;
}

/** The ports of every VF of a PF, by VF index. */
export async function readVfPorts(
  runner: CommandRunner,
  pf: string,
): Promise<Map<number, VfPortObserved>> {
  const res = await runner.run("ip", ["-d", "link", "show", "dev", pf]);
  if (res.exitCode !== 0)
    throw new AgentError("COMMAND_FAILED", `ip -d link show dev ${pf}: ${res.stderr.trim()}`);
  return parseVfPorts(res.stdout);
}

export async function readVfPort(
  runner: CommandRunner,
  pf: string,
  index: number,
): Promise<VfPortObserved> {
  const port = (await readVfPorts(runner, pf)).get(index);
  if (port === undefined) throw new AgentError("VF_NOT_FOUND", `${pf} has no vf ${index}`);
  return port;
}

/** `ip link set <pf> vf <n> <key> <value>`; RTNETLINK's answer mapped to the agent's codes. */
async function setVf(
  runner: CommandRunner,
  pf: string,
  index: number,
  key: string,
  value: string,
): Promise<void> {
  const args = ["link", "set", "dev", pf, "vf", String(index), key, value];
  const res = await runner.run("ip", args);
  if (res.exitCode === 0) return;
  const what = `ip ${args.join(" ")}: ${res.stderr.trim()}`;
  if (/not supported/i.test(res.stderr))
    throw new AgentError("UNSUPPORTED", what, { details: { setting: key } });
  if (/invalid argument/i.test(res.stderr))
    throw new AgentError("EINVAL", what, { details: { setting: key } });
  throw new AgentError("COMMAND_FAILED", what, { details: { setting: key } });
}

const onOff = (b: boolean): string => (b ? "on" : "off");

/**
 * Brings a VF's port to `desired`, one setting per command so that a driver refusing one is
 * named, and only what differs: a driver that does not report a setting (null) is asked only
 * when `desired` wants something other than the default, and then refuses with UNSUPPORTED.
 */
export async function applyVfPort(
  runner: CommandRunner,
  pf: string,
  index: number,
  desired: VfPortSettings,
): Promise<VfPortObserved> {
  const current = await readVfPort(runner, pf, index);
  const steps: Array<[keyof VfPortSettings, string, string]> = [
    ["spoofCheck", "spoofchk", onOff(desired.spoofCheck)],
    ["trust", "trust", onOff(desired.trust)],
    ["linkState", "state", desired.linkState],
    ["queryRss", "query_rss", onOff(desired.queryRss)],
  ];
  for (const [setting, key, value] of steps) {
    const observed = current[setting];
    if (observed === desired[setting]) continue;
    if (observed === null && desired[setting] === DEFAULT_VF_PORT[setting]) continue;
    await setVf(runner, pf, index, key, value);
  }
  return readVfPort(runner, pf, index);
}

/**
 * The reset a released VF gets before it is handed to anyone else: MAC zeroed, VLAN 0, trust
 * off, spoof checking on, link state auto, query_rss off. igb (and ixgbe before 4.18) refuse an
 * all-zero MAC with EINVAL; that refusal is expected and reported, not an error, because the
 * next holder programs its own MAC anyway. Every other refusal fails the reset.
 */
export async function resetVfPort(
  runner: CommandRunner,
  pf: string,
  index: number,
): Promise<{ macZeroed: boolean; port: VfPortObserved }> {
  const current = await readVfPort(runner, pf, index);
  let macZeroed = true;
  if (current.mac !== null && current.mac !== ZERO_MAC) {
    try {
      await setVf(runner, pf, index, "mac", ZERO_MAC);
    } catch (error) {
      if (!(error instanceof AgentError && error.code === "EINVAL")) throw error;
      macZeroed = false;
    }
  }
  if (current.vlan !== 0) await setVf(runner, pf, index, "vlan", "0");
  const port = await applyVfPort(runner, pf, index, DEFAULT_VF_PORT);
  return { macZeroed, port };
}
