import type { AgentClient } from "@virtfn/agent-client";
import { describe, expect, it } from "vitest";
import { eventually, simAgentClient as sim } from "./helpers";

/** Splits `pf` into 2 VFs and runs a domain on the first; answers both VF addresses. */
async function runDomainOnFirstVf(client: AgentClient, pfPci: string): Promise<[string, string]> {
  await client.setVfCountAndWait(pfPci, 2, { operationId: `split-${pfPci}`, pollMs: 2 });
  const nic = (await client.listPhysicalNics()).find((n) => n.pciAddress === pfPci);
  const [busy, idle] = (nic?.vfs ?? []).map((vf) => vf.pciAddress);
  if (busy === undefined || idle === undefined) throw new Error("split gave no VFs");
  const name = `vm-${pfPci.replace(/[:.]/g, "-")}`;
  await client.defineDomain({
    name,
    vcpus: 1,
    memoryMiB: 1024,
    nics: [{ type: "vf", mac: "52:54:00:00:00:01", pciAddress: busy }],
  });
  await client.startDomain(name);
  return [busy, idle];
}

describe("sim VF counters over HTTP", { timeout: 30_000 }, () => {
  it("a running domain's VF moves traffic; an idle VF of the same PF stays at zero", async () => {
    const client = await sim("kvm-cx5-x710");
    const [busy, idle] = await runDomainOnFirstVf(client, "0000:3b:00.0");
    const first = (await client.vfCounters()).vfs.find((v) => v.pciAddress === busy);
    const later = await eventually(async () => {
      const vf = (await client.vfCounters()).vfs.find((v) => v.pciAddress === busy);
      return vf !== undefined && first !== undefined && vf.rxBytes > first.rxBytes ? vf : undefined;
    });
    expect(later).toMatchObject({ pf: "enp59s0f0np0", index: 0 });
    expect(later.txBytes).toBeGreaterThan(0);
    expect(later.rxPackets).toBeGreaterThan(0);
    // mlx5 counts drops: a number, not null.
    expect(typeof later.rxDropped).toBe("number");
    const still = (await client.vfCounters()).vfs.find((v) => v.pciAddress === idle);
    expect(still).toMatchObject({ rxBytes: 0, txBytes: 0, rxDropped: 0 });
  });

  it("an igb or ixgbe VF has no counters at all, not zeros, even while its domain runs", async () => {
    const client = await sim("kvm-i350-82599");
    const [igbVf] = await runDomainOnFirstVf(client, "0000:01:00.0");
    const [ixgbeVf] = await runDomainOnFirstVf(client, "0000:04:00.0");
    await client.vfCounters();
    const { vfs } = await client.vfCounters();
    expect(vfs.map((v) => v.pciAddress)).not.toContain(igbVf);
    expect(vfs.map((v) => v.pciAddress)).not.toContain(ixgbeVf);
    expect(vfs).toEqual([]);
  });
});
