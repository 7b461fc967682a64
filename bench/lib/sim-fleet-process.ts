// A fleet of sim agents in a process of its own, so that a benchmark's worker does not share its
// event loop with them. Prints one JSON line with the agents' URLs, then answers each "requests"
// line on stdin with a JSON line of the requests its agents have served so far, by route; runs
// until stdin closes. Environment: FLEET_DIR, FLEET_SIZE, FLEET_PROFILE, FLEET_PER_VF_MS, FLEET_TOKEN.
import { createInterface } from "node:readline";
import { startSimFleet } from "@virtfn/agent";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const size = Number(env("FLEET_SIZE"));
const requests: Record<string, number> = {};
const fleet = await startSimFleet({
  baseDir: env("FLEET_DIR"),
  token: env("FLEET_TOKEN"),
  perVfDelayMs: Number(env("FLEET_PER_VF_MS")),
  hosts: Array.from({ length: size }, (_, i) => ({
    name: `h${i}`,
    port: 0,
    profile: env("FLEET_PROFILE"),
  })),
  onRequest: (_host, route) => {
    requests[route] = (requests[route] ?? 0) + 1;
  },
});
process.stdout.write(`${JSON.stringify({ urls: fleet.agents.map((agent) => agent.url) })}\n`);
const commands = createInterface({ input: process.stdin });
commands.on("line", (line) => {
  if (line.trim() === "requests") process.stdout.write(`${JSON.stringify({ requests })}\n`);
});
commands.on("close", () => {
  void fleet.close().then(() => process.exit(0));
});
