/**
 * Splits an E810 PF into 256 VFs on a sim agent, through the HTTP client, printing progress.
 * Run: npx tsx apps/agent/scripts/split-demo.ts [perVfDelayMs]
 * Real drivers take ~340 ms per VF (i40e: ~22 s for 64); the default 80 ms keeps 256 VFs under 30 s.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createAgentClient } from "@virtfn/agent-client";
import { startAgent } from "../src/index";

const perVfDelayMs = Number(process.argv[2] ?? "80");
const token = "split-demo-token-0123456789";
const pf = "0000:af:00.0";

const stateDir = await mkdtemp(path.join(os.tmpdir(), "virtfn-split-demo-"));
const agent = await startAgent({
  port: 0,
  token,
  backend: "sim",
  sim: { stateDir, profile: "kvm-e810", perVfDelayMs },
});
try {
  const client = createAgentClient({ baseUrl: agent.url, token });
  const nic = (await client.listPhysicalNics()).find((n) => n.pciAddress === pf);
  console.log(`agent ${agent.url} (sim, kvm-e810), per-VF delay ${perVfDelayMs} ms`);
  console.log(
    `PF ${nic?.name ?? "?"} ${pf} ${nic?.model ?? ""}: ${nic?.numVfs ?? 0}/${nic?.totalVfs ?? 0} VFs`,
  );
  const started = performance.now();
  const task = await client.setVfCountAndWait(pf, 256, {
    operationId: "split-demo",
    pollMs: 500,
    onProgress: (t) => {
      const s = ((performance.now() - started) / 1000).toFixed(1).padStart(5);
      console.log(
        `${s}s  ${t.state.padEnd(9)} ${String(t.progress.done).padStart(3)}/${t.progress.total} VFs`,
      );
    },
  });
  const elapsed = (performance.now() - started) / 1000;
  const after = (await client.listPhysicalNics()).find((n) => n.pciAddress === pf);
  console.log(
    `task ${task.id}: ${task.state}; numVfs=${after?.numVfs ?? "?"}, first ${after?.vfs[0]?.pciAddress ?? "-"}, last ${after?.vfs.at(-1)?.pciAddress ?? "-"}`,
  );
  console.log(`elapsed ${elapsed.toFixed(2)} s for 256 VFs`);
} finally {
  await agent.close();
  await rm(stateDir, { recursive: true, force: true });
}
