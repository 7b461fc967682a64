import path from "node:path";
import { hostProfileNames } from "@virtfn/agent";
import { DEMO_LOGINS, seedDemoShowcase } from "@virtfn/core";
import { createDb } from "@virtfn/db";
import { dataRoot } from "./lib/paths";
import { startStack } from "./lib/stack";

const started = Number(process.env.VIRTFN_STARTED_AT ?? Date.now());
const log = (line: string) => console.log(`[start] ${line}`);
const port = Number(process.env.PORT ?? 3000);

const stack = await startStack({
  dataDir: path.join(dataRoot, "dev"),
  pgPort: Number(process.env.VIRTFN_PG_PORT ?? 55432),
  redisPort: Number(process.env.VIRTFN_REDIS_PORT ?? 56379),
  webPort: port,
  agentBasePort: Number(process.env.VIRTFN_AGENT_BASE_PORT ?? 7101),
  database: "virtfn",
  queuePrefix: "virtfn",
  // Running but not registered: the README's "add a host" walk-through adds one of them.
  spareAgents: [
    { name: "spare-1", profile: "kvm-i350-82599" },
    { name: "spare-2", profile: "kvm-e810" },
  ],
  log,
});

// Issue 16's showcase (demo/showcase.ts): once the demo PF is split, the tenant's VM on it.
const demoDb = createDb(stack.databaseUrl);
const showcaseDeadline = Date.now() + 120_000;
while (!(await seedDemoShowcase(demoDb)) && Date.now() < showcaseDeadline)
  await new Promise((resolve) => setTimeout(resolve, 1000));
await demoDb.$disconnect();

console.log(`
virtfn is up after ${((Date.now() - started) / 1000).toFixed(1)} s: ${stack.webUrl}

Demo logins (local demo only):
  admin    ${DEMO_LOGINS.admin.username} / ${DEMO_LOGINS.admin.password}
  tenant   ${DEMO_LOGINS.tenant.username} / ${DEMO_LOGINS.tenant.password}
  auditor  ${DEMO_LOGINS.auditor.username} / ${DEMO_LOGINS.auditor.password}

Spare sim agents, running but not added yet (Hosts → Add host):
${stack.spare.map((agent) => `  ${agent.name}  ${agent.url}`).join("\n")}
  agent token  ${stack.agentToken}
More: npm run agent:sim -- --profile kvm-e810   (profiles: ${hostProfileNames.join(", ")})

Ctrl-C stops everything; the data in .data/dev is kept for the next start.
`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  log("stopping …");
  await stack.stop();
  log("stopped");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
