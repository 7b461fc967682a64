// `npm run agent:sim -- --profile NAME [--port N]`: one more simulated KVM host agent for the
// local demo, with the token `npm start` uses, so the new host can be added in the UI at once.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { hostProfileNames } from "@virtfn/agent";
import { dataRoot, repoRoot } from "./lib/paths";

const { values } = parseArgs({
  options: {
    profile: { type: "string", default: "kvm-i350-82599" },
    port: { type: "string", default: "0" },
    name: { type: "string" },
  },
});
if (!(hostProfileNames as readonly string[]).includes(values.profile)) {
  console.error(`unknown profile ${values.profile}; pick one of ${hostProfileNames.join(", ")}`);
  process.exit(2);
}
const tokenFile = path.join(dataRoot, "dev", "agent-token");
if (!existsSync(tokenFile)) {
  console.error(
    `${tokenFile} does not exist yet: run \`npm start\` once first, it creates the demo's agent token.`,
  );
  process.exit(2);
}
const name = values.name ?? `${values.profile}-${Date.now().toString(36)}`;
console.log(
  `[agent:sim] ${name}: profile ${values.profile}, token ${readFileSync(tokenFile, "utf8").trim()} (the one npm start printed)`,
);
// node --import tsx, not the tsx binary: Ctrl-C and signals reach the agent itself.
const agent = spawn(
  process.execPath,
  [
    "--import",
    "tsx",
    path.join(repoRoot, "apps/agent/src/main.ts"),
    "--backend",
    "sim",
    "--sim-profile",
    values.profile,
    "--sim-state-dir",
    path.join(dataRoot, "dev", "sim-extra", name),
    "--token-file",
    tokenFile,
    "--port",
    values.port,
  ],
  { cwd: repoRoot, stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => agent.kill(signal));
agent.on("exit", (code) => process.exit(code ?? 1));
