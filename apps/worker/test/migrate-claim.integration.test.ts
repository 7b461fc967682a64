// Issue 17: a live migration without VF NICs claims the destination's vCPUs and memory in the
// request's transaction, as one with VF NICs does, and lets go when it ends. Three sim hosts of
// 40 CPUs and VMs of 24 vCPUs: each host has room for one, so a VM's only destination is the
// empty host, and two migrations onto it at once cannot both have it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOffering, migrateVm, migrationCandidates, placementHosts } from "@virtfn/core";
import type { RunningAgent } from "@virtfn/agent";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, type Fixture } from "./helpers";
import { addSimHost, type SimHost } from "./sriov-helpers";
import { catalog, finish, network, runningVm } from "./vms-helpers";

describe("a live migration without VF NICs claims the destination (issue 17)", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  const agents: RunningAgent[] = [];
  let hosts: SimHost[];

  beforeAll(async () => {
    fx = await createFixture("migclaim");
    worker = await startInProcessWorker(fx.config);
    hosts = [];
    for (const name of ["kvm-mc1", "kvm-mc2", "kvm-mc3"])
      hosts.push(await addSimHost(fx, agents, name, "kvm-i350-82599"));
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("two at once onto room for one: one goes, the other is refused with the reason; a failed one lets go", async () => {
    const l3 = await network(fx, { name: "mc", iface: "p1p1", cidr: "10.81.0.0/24", sriov: false });
    await createOffering(fx.db, fx.admin, { name: "wide", vcpus: 24, memoryMiB: 4096 });
    const offering = await fx.db.instanceOffering.findFirstOrThrow({ where: { name: "wide" } });
    const cat = { ...(await catalog(fx.db)), offeringId: offering.id };
    const nics = [{ l3Id: l3.id, sriov: false, isDefault: true }];
    const a = await runningVm(fx, fx.tenant, cat, "mc-a", nics);
    const b = await runningVm(fx, fx.tenant, cat, "mc-b", nics);
    const placed = await fx.db.vm.findMany({ where: { id: { in: [a.id, b.id] } } });
    const empty = hosts.find((h) => !placed.some((vm) => vm.hostId === h.hostId));
    expect(empty).toBeDefined();
    const emptyId = empty?.hostId ?? "";

    // The scheduler's pick for each is the empty host; both ask at once.
    const asked = await Promise.allSettled([
      migrateVm(fx.db, fx.tenant, { vmId: a.id }),
      migrateVm(fx.db, fx.tenant, { vmId: b.id }),
    ]);
    const went = asked.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = asked.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(went).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: "NO_MIGRATION_TARGET" });
    expect(String((refused[0] as Error).message)).toContain("not enough CPU");
    const moving = went[0];
    if (!moving) throw new Error("no migration was accepted");
    // Claimed from the request on (or there already): counted once either way.
    const usedOnEmpty = async () =>
      (await placementHosts(fx.db, { hostIds: [emptyId] }))[0]?.usedVcpus;
    expect(await usedOnEmpty()).toBe(24);
    expect((await finish(fx, Promise.resolve(moving))).status).toBe("Succeeded");
    const onEmpty = await fx.db.vm.findMany({
      where: { hostId: emptyId },
      include: { offering: true },
    });
    expect(onEmpty.map((vm) => vm.id)).toEqual([moving.vm.id]);
    expect(await usedOnEmpty()).toBe(24);

    // The one that stayed: the host the other left is free now. Its migration fails at the
    // agent; the claim ends with the operation, so the host is as free as before.
    const stayed = moving.vm.id === a.id ? b : a;
    const freed = placed.find((vm) => vm.id === moving.vm.id)?.hostId ?? "";
    const source = hosts.find((h) => h.hostId === placed.find((vm) => vm.id === stayed.id)?.hostId);
    await source?.client.injectFault({ call: "migrateDomain", times: 1, code: "MIGRATION_FAILED" });
    const failing = migrateVm(fx.db, fx.admin, { vmId: stayed.id, targetHostId: freed });
    await failing;
    const usedOnFreed = async () =>
      (await placementHosts(fx.db, { hostIds: [freed] }))[0]?.usedVcpus;
    expect(await usedOnFreed()).toBe(24);
    const failed = await finish(fx, failing);
    expect(failed.status).toBe("Failed");
    const back = await fx.db.vm.findUniqueOrThrow({ where: { id: stayed.id } });
    expect([back.state, back.hostId]).toEqual(["Running", source?.hostId]);
    expect(await usedOnFreed()).toBe(0);
    const candidates = await migrationCandidates(fx.db, fx.admin, { vmId: stayed.id });
    expect(candidates.hosts.find((h) => h.hostId === freed)?.reason).toBeNull();
    const retried = await finish(
      fx,
      migrateVm(fx.db, fx.admin, { vmId: stayed.id, targetHostId: freed }),
    );
    expect(retried.status).toBe("Succeeded");
  }, 180_000);
});
