// The start-up the benches over an observed sim fleet share (vf-counters, reconcile-lag): their
// own migrated database with the demo seed, and `hosts` sim agents in processes of their own.
import os from "node:os";
import { performance } from "node:perf_hooks";
import { seedDemo } from "@virtfn/core";
import { createDb, type Db } from "@virtfn/db";
import { startObservedFleetProcesses, type ObservedFleetProcesses } from "./observed-fleet";
import { benchServices, type BenchServices } from "./services";

export interface ObservedFleetBench {
  services: BenchServices;
  db: Db;
  /** The demo seed's cluster, where the benches put their hosts. */
  clusterId: string;
  fleet: ObservedFleetProcesses;
  /** The machine and the fleet, for the bench's first line: cores, load, Node, hosts, processes. */
  describe(): string;
  stop(): Promise<void>;
}

/** The 1, 5 and 15 minute load averages, as `top` prints them. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(" ");
}

/**
 * Starts the bench's services and database (`name`, see benchServices), seeds the demo and starts
 * `hosts` sim agents named `${hostPrefix}${i}` over `processes` processes.
 */
export async function startObservedFleetBench(options: {
  name: string;
  hosts: number;
  hostPrefix: string;
  processes: number;
  token: string;
  latencyMs: number;
  profile: string;
}): Promise<ObservedFleetBench> {
  const services = await benchServices(options.name);
  const db = createDb(services.databaseUrl);
  await seedDemo(db, []);
  const cluster = await db.cluster.findFirstOrThrow();
  const fleetStart = performance.now();
  const fleet = await startObservedFleetProcesses({
    processes: options.processes,
    token: options.token,
    latencyMs: options.latencyMs,
    profile: options.profile,
    names: Array.from({ length: options.hosts }, (_, i) => `${options.hostPrefix}${i}`),
  });
  const startSeconds = (performance.now() - fleetStart) / 1000;
  return {
    services,
    db,
    clusterId: cluster.id,
    fleet,
    describe: () =>
      `${os.cpus().length} cores, load ${loadAverage()}, Node ${process.version}, ${options.hosts} sim hosts in ${fleet.pids.length} processes (started in ${startSeconds.toFixed(1)}s)`,
    async stop() {
      await fleet.close();
      await db.$disconnect();
      await services.stop();
    },
  };
}
