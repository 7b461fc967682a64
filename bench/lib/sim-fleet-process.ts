// A fleet of sim agents in a process of its own, so that a benchmark's worker does not share its
// event loop with them. Prints one JSON line with the agents' URLs, then runs until stdin closes.
// Environment: FLEET_DIR, FLEET_SIZE, FLEET_PROFILE, FLEET_PER_VF_MS, FLEET_TOKEN.
import { startSimFleet } from "@virtfn/agent";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const size = Number(env("FLEET_SIZE"));
const fleet = await startSimFleet({
  baseDir: env("FLEET_DIR"),
  token: env("FLEET_TOKEN"),
  perVfDelayMs: Number(env("FLEET_PER_VF_MS")),
  hosts: Array.from({ length: size }, (_, i) => ({
    name: `h${i}`,
    port: 0,
    profile: env("FLEET_PROFILE"),
  })),
});
process.stdout.write(`${JSON.stringify({ urls: fleet.agents.map((agent) => agent.url) })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void fleet.close().then(() => process.exit(0));
});
