import { describe, expect, it } from "vitest";
import { numaNodeFor } from "./numa";
import {
  judgeHost,
  pickHost,
  pickQualifyingHost,
  placementError,
  reservationCalls,
  reserveSql,
  reserveStatement,
  tryOrder,
  type ReservationCall,
  type CreateDemand,
} from "./placement";
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

  it("refuses a host in maintenance for a new placement, with the reason in words", () => {
    const refusal = judgeHost(host("m", { maintenance: true }), demand);
    expect(refusal).toMatchObject({ kind: "maintenance", reason: "it is in maintenance" });
    expect(judgeHost(host("m", { maintenance: false }), demand)).toBeNull();
    // Judged on the rest first: a host in maintenance that is also full says it is full.
    expect(judgeHost(host("n", { maintenance: true, usedVcpus: 64 }), demand)?.kind).toBe(
      "capacity",
    );
  });

  it("answers HOST_IN_MAINTENANCE when maintenance is what stands in the way", () => {
    const inMaintenance = judgeHost(host("m", { maintenance: true }), demand);
    const noInterface = judgeHost(host("c", { physicalNics: [] }), demand);
    if (!inMaintenance || !noInterface) throw new Error("expected refusals");
    const error = placementError([noInterface, inMaintenance], "web");
    expect(error.code).toBe("HOST_IN_MAINTENANCE");
    expect(error.message).toContain("m: it is in maintenance");
    // A host in maintenance that could not take the VM anyway does not make it a maintenance error.
    const fullInMaintenance = judgeHost(host("f", { maintenance: true, usedVcpus: 64 }), demand);
    if (!fullInMaintenance) throw new Error("expected a refusal");
    expect(placementError([noInterface, fullInMaintenance], "web").code).toBe("NO_SUCH_INTERFACE");
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

  it("the fast path's pick judges only what it draws, yet never picks a host that does not qualify, and still spreads", () => {
    // Half the hosts refuse (no free VF, no CPU, IOMMU off, disconnected), half qualify.
    const refusing = (i: number) =>
      [
        host(`r${i}`, {
          physicalNics: [{ id: `r${i}-pf`, name: "em1", bondName: null, availableVfs: 0 }],
        }),
        host(`r${i}`, { usedVcpus: 64 }),
        host(`r${i}`, { iommuActive: false }),
        host(`r${i}`, { connectionState: "Disconnected" }),
      ][i % 4] as PlacementHost;
    const hosts = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? host(`q${i}`) : refusing(i)));
    const picks = Array.from({ length: 400 }, () => pickQualifyingHost(hosts, demand)?.name);
    expect(picks.every((name) => name?.startsWith("q"))).toBe(true);
    expect(new Set(picks).size).toBeGreaterThan(20);
    // One qualifying host among 64: the draws miss it, the fallback judges all and finds it.
    const lone = [...Array.from({ length: 63 }, (_, i) => refusing(i)), host("only")];
    for (let i = 0; i < 20; i += 1) expect(pickQualifyingHost(lone, demand)?.name).toBe("only");
    expect(pickQualifyingHost(lone.slice(0, 63), demand)).toBeNull();
    expect(pickQualifyingHost([], demand)).toBeNull();
  });
});

describe("NUMA placement (the judge)", () => {
  // Two nodes of 8 CPUs and 16 GiB; em1 on node 0 with 2 free VFs, em2 on node 1 with 3.
  const numaHost = (change: Partial<PlacementHost> = {}): PlacementHost =>
    host("n", {
      cpuCount: 16,
      memoryMiB: 32768,
      physicalNics: [
        { id: "pf0", name: "em1", bondName: "bond0", availableVfs: 2, numaNode: 0 },
        { id: "pf1", name: "em2", bondName: "bond0", availableVfs: 3, numaNode: 1 },
      ],
      numaNodes: [
        { id: 0, cpuCount: 8, memoryMiB: 16384, usedVcpus: 0, usedMemoryMiB: 0 },
        { id: 1, cpuCount: 8, memoryMiB: 16384, usedVcpus: 6, usedMemoryMiB: 0 },
      ],
      ...change,
    });
  const onBond = (vfs: number, vcpus: number, numaPolicy: CreateDemand["numaPolicy"]) => ({
    vcpus,
    memoryMiB: 1024,
    numaPolicy,
    networks: [
      { l2Id: "l2", l3Name: "l3", physicalInterface: "bond0", clusterIds: new Set(["c1"]), vfs },
    ],
  });

  it("required: refuses a host with enough VFs and CPUs in total but not on one node, per node", () => {
    const refusal = judgeHost(numaHost(), onBond(3, 4, "required"));
    expect(refusal).toMatchObject({
      kind: "numa",
      l3: "l3",
      reason:
        "no NUMA node with 3 free VF(s) for L3 l3 and 4 vCPUs, 1024 MiB free: " +
        "node0 has 2 free VF(s) for L3 l3; node1 has 2 vCPUs free",
    });
    // none and preferred take the host as before.
    expect(judgeHost(numaHost(), onBond(3, 4, "none"))).toBeNull();
    expect(judgeHost(numaHost(), onBond(3, 4, "preferred"))).toBeNull();
    expect(judgeHost(numaHost(), onBond(2, 4, "required"))).toBeNull();
  });

  it("required: memory per node counts, and a host without NUMA nodes is refused with the reason", () => {
    const big = { ...onBond(1, 1, "required"), memoryMiB: 20000 };
    expect(judgeHost(numaHost(), big)?.reason).toContain(
      "node0 has 16384 MiB free; node1 has 16384 MiB free",
    );
    expect(judgeHost(numaHost({ numaNodes: null }), onBond(1, 1, "required"))?.reason).toBe(
      "no NUMA node with 1 free VF(s) for L3 l3 and 1 vCPUs, 1024 MiB free: it reports no NUMA nodes",
    );
    // Busy PFs and PFs without locality do not count for any node.
    const busy = numaHost({
      physicalNics: [
        { id: "pf0", name: "em1", bondName: "bond0", availableVfs: 2, numaNode: 0, busy: true },
        { id: "pf1", name: "em2", bondName: "bond0", availableVfs: 3, numaNode: null },
      ],
    });
    expect(judgeHost(busy, onBond(1, 1, "required"))?.kind).toBe("numa");
  });

  it("picks the fitting node with the most vCPUs free, and asks the reservation for its PFs only", () => {
    expect(numaNodeFor(numaHost(), onBond(2, 1, "required"))).toBe(0);
    const fuller0 = numaHost({
      numaNodes: [
        { id: 0, cpuCount: 8, memoryMiB: 16384, usedVcpus: 7, usedMemoryMiB: 0 },
        { id: 1, cpuCount: 8, memoryMiB: 16384, usedVcpus: 6, usedMemoryMiB: 0 },
      ],
    });
    expect(numaNodeFor(fuller0, onBond(2, 1, "preferred"))).toBe(1);
    expect(numaNodeFor(numaHost(), onBond(3, 4, "preferred"))).toBeNull();
    expect(numaNodeFor(numaHost(), onBond(1, 1, "none"))).toBeNull();
    // No VF NICs: there is nothing to keep local, so no node.
    expect(numaNodeFor(numaHost(), onBond(0, 1, "required"))).toBeNull();
    const calls = reservationCalls(numaHost(), onBond(2, 1, "required"), 1);
    expect(calls).toMatchObject([{ pfIds: ["pf1"], want: 2, numaNode: 1 }]);
  });

  it("a NUMA refusal is the furthest a host gets: its code wins over another host's lack of VFs", () => {
    const numa = judgeHost(numaHost(), onBond(3, 4, "required"));
    const empty = [{ id: "pf", name: "bond0", bondName: null, availableVfs: 0 }];
    const noVf = judgeHost(host("e", { physicalNics: empty }), onBond(3, 4, "required"));
    const error = placementError(
      [noVf, numa].filter((r) => r !== null),
      "l3",
    );
    expect(error.code).toBe("NO_NUMA_NODE_AVAILABLE");
    expect(error.message).toContain("n: no NUMA node with 3 free VF(s)");
  });
});

describe("reserveOnHost's statement, kept per call shape", () => {
  const network = (l2Id: string, vfs: number) => ({
    l2Id,
    l3Name: `l3-${l2Id}`,
    physicalInterface: "em1",
    clusterIds: new Set(["c1"]),
    vfs,
  });
  const call = (l2Id: string, pfIds: string[], numaNode?: number | null): ReservationCall => ({
    network: network(l2Id, 1),
    pfIds,
    want: pfIds.length,
    numaNode,
  });
  // Every shape reserveOnHost sends: no VF network, one or two, anywhere or on a node, with and
  // without a project. Each twice with other values, so a value left over from the first build
  // (the parts are cached by shape) would show.
  const shapes: Array<{ demand: CreateDemand; calls: (round: number) => ReservationCall[] }> = [
    { demand, calls: () => [{ network: null, pfIds: [], want: 0 }] },
    { demand, calls: (r) => [call(`l2-${r}`, [`pf-${r}`])] },
    { demand: { ...demand, projectId: "p1" }, calls: (r) => [call(`l2-${r}`, [`pf-${r}`], r)] },
    {
      demand: { ...demand, vcpus: 3, memoryMiB: 4096, projectId: "p2" },
      calls: (r) => [call("a", [`pf-${r}`, "pf-x"], r), call("b", ["pf-x", `pf-y-${r}`], r)],
    },
    { demand, calls: (r) => [call("a", [`pf-${r}`]), call("b", [`pf-${r}`], null)] },
  ];

  it("has the text and the values the statement built from its fragments has", () => {
    for (const { demand: wanted, calls } of shapes) {
      for (const round of [1, 2]) {
        const onHost = host(`h${round}`);
        const built = reserveSql(onHost, wanted, calls(round));
        const cached = reserveStatement(onHost, wanted, calls(round));
        expect(cached.text).toBe(built.text);
        expect(cached.values).toEqual(built.values);
      }
    }
  });
});
