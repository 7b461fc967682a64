import { AgentError, type FdbEntry } from "@virtfn/agent-client";
import { z } from "zod";
import type { CommandRunner } from "../platform/runner";

const BridgeFdbJson = z.array(
  z
    .object({ mac: z.string(), ifname: z.string().optional(), state: z.string().optional() })
    .loose(),
);

function isUnicast(mac: string): boolean {
  const first = parseInt(mac.slice(0, 2), 16);
  return Number.isFinite(first) && (first & 1) === 0;
}

/**
 * Static entries the agent added: the PF's embedded switch must know vNIC MACs so VFs on the
 * same L2 reach them. Multicast and the PF's own address are kernel-managed and skipped.
 */
export async function listFdb(
  runner: CommandRunner,
  pf: string,
  pfMac: string,
): Promise<FdbEntry[]> {
  const res = await runner.run("bridge", ["-j", "fdb", "show", "dev", pf]);
  if (res.exitCode !== 0)
    throw new AgentError("COMMAND_FAILED", `bridge fdb show dev ${pf}: ${res.stderr.trim()}`);
  const parsed = BridgeFdbJson.safeParse(JSON.parse(res.stdout === "" ? "[]" : res.stdout));
  if (!parsed.success)
    throw new AgentError("COMMAND_FAILED", `bridge fdb show dev ${pf}: unexpected JSON`);
  const macs = new Set<string>();
  for (const entry of parsed.data) {
    const mac = entry.mac.toLowerCase();
    if (isUnicast(mac) && mac !== pfMac.toLowerCase()) macs.add(mac);
  }
  return [...macs].sort().map((mac) => ({ pf, mac }));
}

export async function addFdb(runner: CommandRunner, pf: string, mac: string): Promise<void> {
  const res = await runner.run("bridge", ["fdb", "add", mac, "dev", pf]);
  // "File exists" means a concurrent add won; the entry is there, which is all we want.
  if (res.exitCode !== 0 && !/exists/i.test(res.stderr)) {
    throw new AgentError("COMMAND_FAILED", `bridge fdb add ${mac} dev ${pf}: ${res.stderr.trim()}`);
  }
}

export async function removeFdb(runner: CommandRunner, pf: string, mac: string): Promise<void> {
  const res = await runner.run("bridge", ["fdb", "del", mac, "dev", pf]);
  if (res.exitCode !== 0 && !/no such file|not found|cannot find/i.test(res.stderr)) {
    throw new AgentError("COMMAND_FAILED", `bridge fdb del ${mac} dev ${pf}: ${res.stderr.trim()}`);
  }
}
