// One share of a benchmark's observed sim fleet, in a process of its own: a real fleet is
// thousands of machines, and one event loop serving them all would be the bottleneck the
// benchmark measures. Prints one JSON line with its agents, then answers one JSON line per
// command line on stdin ("stats", "reset") until stdin closes.
// Environment: FLEET_DIR, FLEET_NAMES (comma-separated), FLEET_PROFILE, FLEET_TOKEN,
// FLEET_LATENCY_MS, FLEET_WINDOW_MS.
import { createInterface } from "node:readline";
import { startObservedSimFleet } from "@virtfn/agent";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const windowMs = Number(env("FLEET_WINDOW_MS"));
// The most calls in flight in each window since the last reset, keyed by the window's start:
// the parent adds the shares' windows up for the fleet's peak.
let windows = new Map<number, number>();
const fleet = await startObservedSimFleet({
  baseDir: env("FLEET_DIR"),
  token: env("FLEET_TOKEN"),
  latencyMs: Number(env("FLEET_LATENCY_MS")),
  countOnly: true,
  hosts: env("FLEET_NAMES")
    .split(",")
    .map((name) => ({ name, profile: env("FLEET_PROFILE") })),
  onCallStart: (inFlight) => {
    const window = Math.floor(Date.now() / windowMs) * windowMs;
    windows.set(window, Math.max(windows.get(window) ?? 0, inFlight));
  },
});
process.stdout.write(`${JSON.stringify({ agents: fleet.agents })}\n`);
const commands = createInterface({ input: process.stdin });
commands.on("line", (command) => {
  if (command === "reset") {
    windows = new Map();
    fleet.resetPeak();
  }
  process.stdout.write(
    `${JSON.stringify({ total: fleet.total(), connections: fleet.connections(), peak: fleet.peakInFlight(), windows: [...windows] })}\n`,
  );
});
commands.on("close", () => {
  void fleet.close().then(() => process.exit(0));
});
