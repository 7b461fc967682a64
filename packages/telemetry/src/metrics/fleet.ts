// The fleet's state as gauges, read from the database at scrape time through one cached snapshot
// (core counts it in SQL). Every gauge is reset before it is set, so a deleted PF or L2 drops out.
import type { FleetMetrics } from "@virtfn/core";
import { Gauge, Histogram, type Registry } from "prom-client";
import { cachedFor } from "../cache";

/** Reconcile lag bounds in seconds: a healthy host is seen every reconcile period (10 s). */
export const RECONCILE_LAG_BUCKETS = [5, 10, 15, 30, 60, 120, 300, 900];

/**
 * A histogram of a snapshot: its buckets are the database's count of hosts per bound at scrape
 * time, not observations accumulated in this process, so any replica answers the same.
 */
class SnapshotHistogram extends Histogram {
  constructor(
    private readonly metricName: string,
    private readonly metricHelp: string,
    registry: Registry,
    private readonly read: () => Promise<FleetMetrics["reconcileLag"] | null>,
  ) {
    super({
      name: metricName,
      help: metricHelp,
      buckets: RECONCILE_LAG_BUCKETS,
      registers: [registry],
    });
  }

  /**
   * What the registry asks a metric for when it has this method (prom-client's own Histogram
   * does, and its get() goes through it too): the snapshot's buckets instead of observations.
   */
  async getForPromString() {
    const lag = await this.read();
    const name = this.metricName;
    const values = lag
      ? [
          ...lag.buckets.map((bucket) => ({
            metricName: `${name}_bucket`,
            labels: { le: bucket.le },
            value: bucket.count,
          })),
          { metricName: `${name}_bucket`, labels: { le: "+Inf" }, value: lag.hosts },
          { metricName: `${name}_sum`, labels: {}, value: lag.sumSeconds },
          { metricName: `${name}_count`, labels: {}, value: lag.hosts },
        ]
      : [];
    return { name, help: this.metricHelp, type: "histogram", aggregator: "sum", values };
  }
}

export interface FleetCollectorOptions {
  registry: Registry;
  /** The snapshot; called at most once per `cacheMs` whatever the number of scrapers. */
  read: () => Promise<FleetMetrics>;
  cacheMs: number;
  /** Told when the snapshot cannot be read; the scrape then answers without the fleet gauges. */
  onError?: (error: unknown) => void;
}

export function registerFleetCollectors(options: FleetCollectorOptions): void {
  // A failed read is remembered as null for the same few seconds: while the database is down a
  // scrape neither waits on it once per gauge nor logs the failure once per gauge.
  const read = cachedFor(options.cacheMs, async (): Promise<FleetMetrics | null> => {
    try {
      return await options.read();
    } catch (error) {
      options.onError?.(error);
      return null;
    }
  });
  const registers = [options.registry];
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (gauge: Gauge<L>, snapshot: FleetMetrics) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const snapshot = await read();
        this.reset();
        if (snapshot) fill(this, snapshot);
      },
    });

  gauge("virtfn_vfs", "VFs in the fleet by state.", ["state"], (g, s) => {
    for (const { state, count } of s.vfsByState) g.set({ state }, count);
  });
  gauge("virtfn_pf_vfs", "VFs by host, PF and state.", ["host", "pf", "state"], (g, s) => {
    for (const { host, pf, states } of s.vfsByPf)
      for (const { state, count } of states) g.set({ host, pf, state }, count);
  });
  gauge("virtfn_l2_vfs", "VFs an SR-IOV L2 network can use, by state.", ["l2", "state"], (g, s) => {
    for (const { l2, states } of s.vfsByL2)
      for (const { state, count } of states) g.set({ l2, state }, count);
  });
  gauge(
    "virtfn_vf_allocation_ratio",
    "Fleet: VFs in use (Reserved, Attached, Releasing) over VFs that exist (all but Missing).",
    [],
    (g, s) => g.set(s.allocationRatio),
  );
  gauge(
    "virtfn_l2_vf_allocation_ratio",
    "Per SR-IOV L2 network: VFs in use over VFs that exist on its hosts.",
    ["l2"],
    (g, s) => {
      for (const { l2, allocationRatio } of s.vfsByL2) g.set({ l2 }, allocationRatio);
    },
  );
  gauge(
    "virtfn_operations_open",
    "Operations not finished yet, by kind and status (Pending, Running).",
    ["kind", "status"],
    (g, s) => {
      for (const { kind, status, count } of s.openOperations) g.set({ kind, status }, count);
    },
  );
  gauge(
    "virtfn_reconcile_lag_max_seconds",
    "The longest time since a connected host was last seen by a reconcile.",
    [],
    (g, s) => g.set(s.reconcileLag.maxSeconds),
  );
  new SnapshotHistogram(
    "virtfn_reconcile_lag_seconds",
    "Connected hosts by time since a reconcile last saw them (a snapshot, not observations).",
    options.registry,
    async () => (await read())?.reconcileLag ?? null,
  );
  new Gauge({
    name: "virtfn_fleet_metrics_up",
    help: "1 when the last read of the fleet's numbers from the database worked, else 0.",
    registers,
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
}
