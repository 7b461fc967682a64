import { AgentError, type VfCounters } from "@virtfn/agent-client";
import { z } from "zod";
import type { CommandRunner } from "../platform/runner";

/**
 * PF drivers whose ndo_get_vf_stats fills the VF counters, and whether it fills the drop
 * counters too. The kernel reports IFLA_VF_STATS for every VF of every driver and zeroes what a
 * driver leaves out (rtnl_fill_vfinfo memsets the struct), so a driver missing here (igb, ixgbe)
 * gives zeros that mean nothing: its VFs get no counters at all, and a driver that does not fill
 * rx_dropped/tx_dropped (mlx4) gets null drops. Sources: i40e_get_vf_stats, ice_get_vf_stats,
 * mlx5_eswitch_get_vport_stats (all set rx_dropped/tx_dropped), mlx4_get_vf_stats (no drops).
 */
export const VF_STATS_DRIVERS: ReadonlyMap<string, { drops: boolean }> = new Map([
  ["i40e", { drops: true }],
  ["ice", { drops: true }],
  ["mlx5_core", { drops: true }],
  ["mlx4_core", { drops: false }],
]);

const Count = z.number().int().nonnegative();

/**
 * iproute2's print_vf_stats64 in JSON: rx {bytes, packets, multicast, broadcast, dropped?},
 * tx {tx_bytes, tx_packets, dropped?} (yes, "tx_bytes" under "tx"). `dropped` is printed only
 * when the kernel sends IFLA_VF_STATS_{RX,TX}_DROPPED (Linux 5.x onwards).
 */
const IpVfStats = z.object({
  rx: z.object({ bytes: Count, packets: Count, dropped: Count.optional() }),
  tx: z.object({ tx_bytes: Count, tx_packets: Count, dropped: Count.optional() }),
});
const IpLinkJson = z.array(
  z.object({
    ifname: z.string(),
    vfinfo_list: z
      .array(z.object({ vf: z.number().int().nonnegative(), stats: IpVfStats.optional() }))
      .optional(),
  }),
);

/**
 * The VF counters in `ip -s -j link show dev <pf>` for a PF of `driver`, by VF index. Empty for
 * a driver that keeps none or a kernel that sent no stats; drops null where the driver or the
 * kernel gives none.
 */
export function parseVfCounters(
  output: string,
  driver: string | null,
): Map<number, Omit<VfCounters, "pf" | "pciAddress">> {
  const counters = new Map<number, Omit<VfCounters, "pf" | "pciAddress">>();
  const support = driver === null ? undefined : VF_STATS_DRIVERS.get(driver);
  if (support === undefined) return counters;
  let json: unknown;
  try {
    json = JSON.parse(output);
  } catch {
    throw new AgentError("COMMAND_FAILED", "ip -s -j link show: the output is not JSON");
  }
  const links = IpLinkJson.safeParse(json);
  if (!links.success)
    throw new AgentError("COMMAND_FAILED", "ip -s -j link show: unexpected JSON", {
      details: { issues: links.error.issues.map((i) => i.path.join(".")) },
    });
  for (const vf of links.data[0]?.vfinfo_list ?? []) {
    if (vf.stats === undefined) continue;
    const { rx, tx } = vf.stats;
    counters.set(vf.vf, {
      index: vf.vf,
      rxBytes: rx.bytes,
      rxPackets: rx.packets,
      txBytes: tx.tx_bytes,
      txPackets: tx.tx_packets,
      rxDropped: support.drops ? (rx.dropped ?? null) : null,
      txDropped: support.drops ? (tx.dropped ?? null) : null,
    });
  }
  return counters;
}

/** The counters of one PF's VFs; nothing is run for a driver that keeps none. */
export async function readVfCounters(
  runner: CommandRunner,
  pf: {
    name: string;
    driver: string | null;
    vfs: ReadonlyArray<{ index: number; pciAddress: string }>;
  },
): Promise<VfCounters[]> {
  if (pf.driver === null || !VF_STATS_DRIVERS.has(pf.driver) || pf.vfs.length === 0) return [];
  const res = await runner.run("ip", ["-s", "-j", "link", "show", "dev", pf.name]);
  if (res.exitCode !== 0)
    throw new AgentError(
      "COMMAND_FAILED",
      `ip -s -j link show dev ${pf.name}: ${res.stderr.trim()}`,
    );
  const byIndex = parseVfCounters(res.stdout, pf.driver);
  const out: VfCounters[] = [];
  for (const vf of pf.vfs) {
    const counters = byIndex.get(vf.index);
    if (counters !== undefined) out.push({ pf: pf.name, pciAddress: vf.pciAddress, ...counters });
  }
  return out;
}
