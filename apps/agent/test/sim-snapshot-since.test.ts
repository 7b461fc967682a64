// snapshot/since on a sim host: every change goes through the sim (its kernel, FDB and
// hypervisor), so an unchanged host is answered from the last read, at little cost to a fleet of
// thousands of sims, and each change the sim makes is still reported.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createAgentClient, type AgentClient } from "@virtfn/agent-client";
import { afterEach, describe, expect, it } from "vitest";
import { startAgent } from "../src/index";
import { TOKEN, tempDir } from "./helpers";

const PF = "0000:01:00.0";
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(): Promise<{ client: AgentClient; stateDir: string }> {
  const stateDir = await tempDir();
  const agent = await startAgent({
    port: 0,
    token: TOKEN,
    backend: "sim",
    sim: { stateDir, profile: "kvm-i350-82599", perVfDelayMs: 0, vfPollMs: 2 },
  });
  cleanups.push(() => agent.close());
  return { client: createAgentClient({ baseUrl: agent.url, token: TOKEN }), stateDir };
}

/** The digest now, after checking that asking with it again reports no change. */
async function settled(client: AgentClient): Promise<string> {
  const { digest } = await client.snapshotSince("none");
  expect(await client.snapshotSince(digest)).toEqual({ changed: false, digest });
  return digest;
}

describe("snapshot/since on a sim host", { timeout: 30_000 }, () => {
  it("reports every change the sim makes: FDB, VFs, domains, a reboot", async () => {
    const { client } = await sim();
    const changes: Array<[string, () => Promise<unknown>]> = [
      ["FDB entry added", () => client.addFdb("em1", "52:54:00:00:00:99")],
      ["FDB entry removed", () => client.removeFdb("em1", "52:54:00:00:00:99")],
      ["VFs created", () => client.setVfCountAndWait(PF, 2, { operationId: "split-1", pollMs: 2 })],
      [
        "domain defined",
        () =>
          client.defineDomain({
            name: "vm1",
            vcpus: 1,
            memoryMiB: 1024,
            nics: [{ type: "vf", mac: "52:54:00:00:00:01", pciAddress: "0000:01:10.0" }],
          }),
      ],
      ["domain started", () => client.startDomain("vm1")],
      ["host rebooted", () => client.reboot()],
    ];
    for (const [what, change] of changes) {
      const before = await settled(client);
      await change();
      const after = await client.snapshotSince(before);
      expect(after.changed, what).toBe(true);
      // The snapshot it sends is the host as it is now, not the last one read.
      if (after.changed) expect(after.snapshot).toEqual(await client.snapshot());
    }
  });

  it("reads the host again only once the sim has changed it", async () => {
    const { client, stateDir } = await sim();
    const digest = await settled(client);
    // Straight into the sim's state dir, past the sim: not a change the sim made, so the answer
    // still comes from the last read. (A real agent reads the host for every answer.)
    await writeFile(path.join(stateDir, "sys/class/net/em1/operstate"), "down\n");
    expect(await client.snapshotSince(digest)).toEqual({ changed: false, digest });
    // The next change the sim makes brings a full read, which finds both.
    await client.addFdb("em1", "52:54:00:00:00:98");
    const after = await client.snapshotSince(digest);
    expect(after.changed).toBe(true);
    if (!after.changed) return;
    expect(after.snapshot.nics.find((nic) => nic.name === "em1")?.linkState).toBe("down");
    expect(after.snapshot.fdb.map((entry) => entry.mac)).toContain("52:54:00:00:00:98");
  });
});
