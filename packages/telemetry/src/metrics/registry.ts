import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * One registry per process role, never prom-client's global one: tests run a web handler and a
 * worker in one process, and each must answer with its own series only.
 */
export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Latency buckets in seconds, from a fast agent call to a slow split of 64 VFs. */
export const DURATION_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
