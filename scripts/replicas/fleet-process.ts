// The replica test's sim hosts: an observed sim fleet in a process of its own, so that the agents
// answer promptly while the control plane's processes load the machine (in the test's own event
// loop a call took seconds). Prints one JSON line with its agents, then answers each "records"
// line on stdin with one JSON line: every call and every applied change so far. Runs until stdin
// closes. Environment: FLEET_DIR, FLEET_NAMES (comma-separated), FLEET_PROFILE, FLEET_TOKEN,
// FLEET_PORT.
import { createInterface } from "node:readline";
import { startObservedSimFleet } from "@virtfn/agent";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const fleet = await startObservedSimFleet({
  baseDir: env("FLEET_DIR"),
  token: env("FLEET_TOKEN"),
  port: Number(env("FLEET_PORT")),
  hosts: env("FLEET_NAMES")
    .split(",")
    .map((name) => ({ name, profile: env("FLEET_PROFILE") })),
});
process.stdout.write(`${JSON.stringify({ agents: fleet.agents })}\n`);
const commands = createInterface({ input: process.stdin });
commands.on("line", (command) => {
  if (command !== "records") return;
  process.stdout.write(`${JSON.stringify({ calls: fleet.calls, applied: fleet.applied })}\n`);
});
commands.on("close", () => {
  void fleet.close().then(() => process.exit(0));
});
