// A reconcile skips the compare while the agent's snapshot digest is the one it last found in
// sync; drift behind the control plane's back, a restarted agent and the age limit still bring a
// full compare, and the drift is repaired.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgent, type RunningAgent } from "@virtfn/agent";
import { createAgentClient, nodeHttpFetch } from "@virtfn/agent-client";
import { addHost, reconcileHost, type AgentTarget } from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import {
  AGENT_TOKEN,
  createFixture,
  startInProcessWorker,
  waitForOperation,
  type Fixture,
} from "./helpers";

const PROFILE = "kvm-i350-82599";
const TRUST_MS = 60_000;
// Not a MAC any NIC holds, but one of virtfn's (52:54:00): stale, so the reconciler removes it.
const STALE_MAC = "52:54:00:de:ad:01";

describe("a reconcile of an unchanged host", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let stateDir: string;
  let agent: RunningAgent;
  let hostId: string;
  const agentFor = (target: AgentTarget) =>
    createAgentClient({ baseUrl: target.agentUrl, token: target.agentToken });
  const client = () => createAgentClient({ baseUrl: agent.url, token: AGENT_TOKEN });
  const startSim = (port: number) =>
    startAgent({
      port,
      token: AGENT_TOKEN,
      backend: "sim",
      sim: { stateDir, profile: PROFILE, perVfDelayMs: 0 },
    });

  /** One reconcile as the periodic reconciler runs it: trusting a recent in-sync digest. */
  const reconcile = async () => {
    const host = await fx.db.host.findUniqueOrThrow({ where: { id: hostId } });
    return reconcileHost(fx.db, host, agentFor, { trustDigestForMs: TRUST_MS });
  };
  const hostRow = () => fx.db.host.findUniqueOrThrow({ where: { id: hostId } });

  beforeAll(async () => {
    fx = await createFixture("recdigest");
    worker = await startInProcessWorker(fx.config);
    stateDir = mkdtempSync(
      path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-digest-"),
    );
    agent = await startSim(0);
    const { host, operation } = await addHost(fx.db, fx.admin, {
      name: "digest-host",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: AGENT_TOKEN,
      scanIommu: false,
    });
    expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
    hostId = host.id;
  });
  afterAll(async () => {
    await worker?.close();
    await agent?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    await fx?.cleanup();
  });

  it("is compared in full once, then skipped without a write while nothing changes", async () => {
    expect((await reconcile()).result).toBe("observed");
    const synced = await hostRow();
    expect(synced.observedDigest).not.toBeNull();
    expect((await reconcile()).result).toBe("unchanged");
    expect((await reconcile()).result).toBe("unchanged");
    // Nothing was written: the host row is as the full compare left it.
    expect((await hostRow()).updatedAt).toEqual(synced.updatedAt);
    expect((await hostRow()).observedDigestAt).toEqual(synced.observedDigestAt);
  });

  it("costs one agent call: snapshot/since with the trusted digest, no health call", async () => {
    expect((await reconcile()).result).toBe("unchanged");
    const host = await hostRow();
    const asked: string[] = [];
    const counting = (target: AgentTarget) =>
      createAgentClient({
        baseUrl: target.agentUrl,
        token: target.agentToken,
        fetch: (url, init) => {
          asked.push(new URL(url).pathname);
          return nodeHttpFetch(url, init);
        },
      });
    const outcome = await reconcileHost(fx.db, host, counting, { trustDigestForMs: TRUST_MS });
    expect(outcome.result).toBe("unchanged");
    expect(asked).toEqual([`/v1/snapshot/since/${host.observedDigest}`]);
  });

  it("is compared in full and repaired when the agent's state drifts behind virtfn's back", async () => {
    expect((await reconcile()).result).toBe("unchanged");
    await client().addFdb("em1", STALE_MAC);
    const repair = await reconcile();
    expect(repair.result).toBe("observed");
    expect(repair.fdb?.removed).toEqual([{ pf: "em1", mac: STALE_MAC }]);
    expect((await client().listFdb("em1")).map((entry) => entry.mac)).not.toContain(STALE_MAC);
    // A repair vouches for nothing: the next reconcile checks that it held, then trusts again.
    expect((await hostRow()).observedDigest).toBeNull();
    expect((await reconcile()).result).toBe("observed");
    expect((await reconcile()).result).toBe("unchanged");
  });

  it("is compared in full after the agent restarts, though the host did not change", async () => {
    expect((await reconcile()).result).toBe("unchanged");
    const port = agent.port;
    await agent.close();
    agent = await startSim(port);
    expect((await reconcile()).result).toBe("observed");
    expect((await reconcile()).result).toBe("unchanged");
  });

  it("is compared in full once its last full compare is older than the trust period", async () => {
    expect((await reconcile()).result).toBe("unchanged");
    await fx.db.host.update({
      where: { id: hostId },
      data: { observedDigestAt: new Date(Date.now() - TRUST_MS - 1000) },
    });
    expect((await reconcile()).result).toBe("observed");
    expect((await reconcile()).result).toBe("unchanged");
  });

  it("is always compared in full without a trust period (on demand)", async () => {
    const host = await hostRow();
    expect(host.observedDigest).not.toBeNull();
    expect((await reconcileHost(fx.db, host, agentFor)).result).toBe("observed");
  });
});
