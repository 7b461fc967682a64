// Per-VF traffic counters as Prometheus counters, from the latest sample the workers stored for
// each VF NIC (core's latestVfCounters), read at scrape time like the fleet gauges. A counter
// the PF driver does not keep has no series at all: absent, never 0.
import type { VfCounterName, VfCounterSeries } from "@virtfn/core";
import { Counter, type Registry } from "prom-client";
import { cachedFor } from "../cache";

const LABELS = ["host", "pf", "vf", "vm", "nic", "project"] as const;

export const VF_COUNTER_METRICS: ReadonlyArray<{ name: string; help: string; of: VfCounterName }> =
  [
    { name: "virtfn_vf_rx_bytes_total", help: "Bytes the VF received.", of: "rxBytes" },
    { name: "virtfn_vf_rx_packets_total", help: "Packets the VF received.", of: "rxPackets" },
    { name: "virtfn_vf_tx_bytes_total", help: "Bytes the VF sent.", of: "txBytes" },
    { name: "virtfn_vf_tx_packets_total", help: "Packets the VF sent.", of: "txPackets" },
    {
      name: "virtfn_vf_rx_dropped_total",
      help: "Packets to the VF dropped; only for PF drivers that count them.",
      of: "rxDropped",
    },
    {
      name: "virtfn_vf_tx_dropped_total",
      help: "Packets from the VF dropped; only for PF drivers that count them.",
      of: "txDropped",
    },
  ];

/**
 * A counter whose values are the stored samples, not increments made in this process: any web
 * replica answers the same, and a VF that goes away drops out at the next scrape.
 */
class SampledCounter extends Counter<(typeof LABELS)[number]> {
  constructor(
    private readonly metricName: string,
    private readonly metricHelp: string,
    private readonly of: VfCounterName,
    registry: Registry,
    private readonly read: () => Promise<VfCounterSeries[] | null>,
  ) {
    super({ name: metricName, help: metricHelp, labelNames: LABELS, registers: [registry] });
  }

  /** What the registry asks a metric for when it has this method (see fleet.ts). */
  async getForPromString() {
    const values = [];
    for (const series of (await this.read()) ?? []) {
      const value = series.values[this.of];
      if (value !== null) values.push({ labels: { ...series.labels }, value });
    }
    return {
      name: this.metricName,
      help: this.metricHelp,
      type: "counter" as const,
      aggregator: "sum" as const,
      values,
    };
  }
}

export interface VfCounterCollectorOptions {
  registry: Registry;
  /** The latest sample per VF NIC; called at most once per `cacheMs` for all six metrics. */
  read: () => Promise<VfCounterSeries[]>;
  cacheMs: number;
  onError?: (error: unknown) => void;
}

export function registerVfCounterCollectors(options: VfCounterCollectorOptions): void {
  const read = cachedFor(options.cacheMs, async (): Promise<VfCounterSeries[] | null> => {
    try {
      return await options.read();
    } catch (error) {
      options.onError?.(error);
      return null;
    }
  });
  for (const metric of VF_COUNTER_METRICS)
    new SampledCounter(metric.name, metric.help, metric.of, options.registry, read);
}
