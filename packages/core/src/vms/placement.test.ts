import { describe, expect, it } from "vitest";
import { judgeHost, pickHost, placementError, tryOrder, type CreateDemand } from "./placement";
import type { PlacementHost } from "./scheduler";

const host = (name: string, change: Partial<PlacementHost> = {}): PlacementHost => ({
  id: name,
  name,
  clusterId: "c1",
  connectionState: "Connected",
  iommuEnabled: true,
  iommuKernelArgSet: true,
  iommuActive: true,
  rebootRequired: false,
  cpuCount: 64,
  memoryMiB: 65536,
  usedVcpus: 0,
  usedMemoryMiB: 0,
  physicalNics: [{ id: `${name}-pf`, name: "em1", bondName: null, availableVfs: 4 }],
  ...change,
});
const demand: CreateDemand = {
  vcpus: 1,
  memoryMiB: 1024,
  networks: [
    { l2Id: "l2", l3Name: "web", physicalInterface: "em1", clusterIds: new Set(["c1"]), vfs: 1 },
  ],
};

describe("placement", () => {
  it("judges each host by the first thing it lacks, in the order placement checks", () => {
    expect(judgeHost(host("ok"), demand)).toBeNull();
    expect(judgeHost(host("a", { iommuActive: false, usedVcpus: 64 }), demand)?.kind).toBe("iommu");
    expect(judgeHost(host("b", { usedVcpus: 64 }), demand)?.kind).toBe("capacity");
    expect(judgeHost(host("c", { physicalNics: [] }), demand)?.kind).toBe("interface");
    const busy = [{ id: "pf", name: "em1", bondName: null, availableVfs: 4, busy: true }];
    expect(judgeHost(host("d", { physicalNics: busy }), demand)?.kind).toBe("pfBusy");
    const empty = [{ id: "pf", name: "em1", bondName: null, availableVfs: 0 }];
    expect(judgeHost(host("e", { physicalNics: empty }), demand)?.kind).toBe("noFreeVf");
  });

  it("answers with the code of the host that got furthest, and lists every host", () => {
    const reasons = [host("x", { iommuActive: false }), host("y", { usedVcpus: 64 })].map(
      (h) => judgeHost(h, demand) ?? { name: h.name, reason: "", kind: "cluster" as const },
    );
    const error = placementError(reasons, "web");
    expect(error.code).toBe("NO_HOST_AVAILABLE");
    expect(error.details).toMatchObject({
      hostsTried: ["x", "y"],
      hosts: [{ name: "x" }, { name: "y" }],
    });
    const empty = [{ id: "pf", name: "em1", bondName: null, availableVfs: 0 }];
    const withVf = [
      ...reasons,
      judgeHost(host("z", { physicalNics: empty }), demand) ?? reasons[0] ?? reasons[1],
    ].filter((r) => r !== undefined);
    expect(placementError(withVf, "web")).toMatchObject({
      code: "NO_VF_AVAILABLE",
      message: "no available VF on L3 web",
    });
  });

  it("spreads concurrent picks over the best few equal hosts instead of one", () => {
    const hosts = Array.from({ length: 64 }, (_, i) => host(`h${i}`));
    const firsts = new Set(Array.from({ length: 200 }, () => tryOrder(hosts, demand)[0]?.name));
    expect(firsts.size).toBeGreaterThan(8);
    // The fullest host is not among the best few: it never comes first.
    const uneven = [
      host("full", { usedVcpus: 60 }),
      ...Array.from({ length: 7 }, (_, i) => host(`e${i}`)),
    ];
    for (let i = 0; i < 50; i += 1) expect(tryOrder(uneven, demand)[0]?.name).not.toBe("full");
  });

  it("power of two choices: picks spread over 64 equal hosts; of two different hosts drawn, the fuller never wins", () => {
    const hosts = Array.from({ length: 64 }, (_, i) => host(`h${i}`));
    const picks = new Set(Array.from({ length: 400 }, () => pickHost(hosts, demand)?.name));
    expect(picks.size).toBeGreaterThan(32);
    const pair = [host("full", { usedVcpus: 60 }), host("empty")];
    // Only a draw of "full" twice can pick it: about one pick in four, never most of them.
    const fulls = Array.from({ length: 400 }, () => pickHost(pair, demand)?.name).filter(
      (name) => name === "full",
    ).length;
    expect(fulls).toBeLessThan(160);
    expect(pickHost([], demand)).toBeNull();
  });
});
