import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import {
  addHost,
  createVm,
  enterHostMaintenance,
  getHost,
  getVm,
  l2VfAvailability,
  leaveHostMaintenance,
  migrateVm,
  placementHosts,
  reserveOnHost,
  startVm,
  stopVm,
  updateHost,
  type L3View,
} from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import {
  AGENT_TOKEN,
  createFixture,
  startInProcessWorker,
  waitForOperation,
  type Fixture,
} from "./helpers";
import { addSimHost, pfNamed, startSlowSimAgent, type SimHost } from "./sriov-helpers";
import {
  catalog,
  finish,
  network,
  runningVm,
  split,
  vmFootprint,
  type Catalog,
} from "./vms-helpers";

// Maintenance and host edit against a real worker, Postgres and sim agents over HTTP.

describe("a host in maintenance takes no new placements; what runs there keeps running", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let cat: Catalog;
  let hostA: SimHost;
  let hostB: SimHost;
  let flat: L3View;
  const agents: RunningAgent[] = [];

  beforeAll(async () => {
    fx = await createFixture("maintenance");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    [hostA, hostB] = await Promise.all([
      addSimHost(fx, agents, "kvm-a", "kvm-i350-82599"),
      addSimHost(fx, agents, "kvm-b", "kvm-i350-82599"),
    ]);
    await Promise.all([split(fx, hostA, "em1", 4), split(fx, hostB, "em1", 2)]);
    flat = await network(fx, { name: "flat", iface: "em1", cidr: "10.40.0.0/24", sriov: true });
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("refuses creates, starts and moves onto the host with HOST_IN_MAINTENANCE / its reason; splits stay allowed", async () => {
    // Both VMs onto kvm-a: kvm-b is in maintenance while they are created.
    await enterHostMaintenance(fx.db, fx.admin, { hostId: hostB.hostId });
    const stays = await runningVm(fx, fx.tenant, cat, "stays", [{ l3Id: flat.id, sriov: true }]);
    const paused = await runningVm(fx, fx.tenant, cat, "paused", [{ l3Id: flat.id, sriov: true }]);
    expect([stays.hostId, paused.hostId]).toEqual([hostA.hostId, hostA.hostId]);
    expect((await finish(fx, stopVm(fx.db, fx.tenant, { vmId: paused.id }))).status).toBe(
      "Succeeded",
    );
    await leaveHostMaintenance(fx.db, fx.admin, { hostId: hostB.hostId });

    const entered = await enterHostMaintenance(fx.db, fx.admin, { hostId: hostA.hostId });
    expect(entered).toMatchObject({ host: { maintenance: true }, vmsOnHost: 2 });
    const detail = await getHost(fx.db, fx.admin, hostA.hostId);
    expect(detail).toMatchObject({ maintenance: true, vmCount: 2 });
    expect(detail.actions.enterMaintenance.code).toBe("HOST_MAINTENANCE_UNCHANGED");
    expect(detail.actions.leaveMaintenance.allowed).toBe(true);
    expect(detail.allocation.vms.map((vm) => vm.name)).toEqual(["paused", "stays"]);
    const audit = await fx.db.auditEvent.findFirstOrThrow({
      where: { action: "host.enterMaintenance", targetId: hostA.hostId },
    });
    expect(audit.details).toMatchObject({ name: "kvm-a", vmsOnHost: 2 });

    // A create lands on the other host only.
    const elsewhere = await runningVm(fx, fx.tenant, cat, "elsewhere", [
      { l3Id: flat.id, sriov: true },
    ]);
    expect(elsewhere.hostId).toBe(hostB.hostId);

    // A move onto it is refused, with the host's reason in words.
    expect((await finish(fx, stopVm(fx.db, fx.tenant, { vmId: elsewhere.id }))).status).toBe(
      "Succeeded",
    );
    await expect(
      migrateVm(fx.db, fx.admin, { vmId: elsewhere.id, targetHostId: hostA.hostId }),
    ).rejects.toMatchObject({
      code: "NO_MIGRATION_TARGET",
      message: expect.stringContaining("it is in maintenance"),
    });

    // With every host in maintenance, a create is refused and changes nothing.
    await enterHostMaintenance(fx.db, fx.admin, { hostId: hostB.hostId });
    const before = await vmFootprint(fx.db);
    await expect(
      createVm(fx.db, fx.tenant, {
        ...cat,
        name: "refused",
        nics: [{ l3Id: flat.id, sriov: true }],
      }),
    ).rejects.toMatchObject({
      code: "HOST_IN_MAINTENANCE",
      message: expect.stringContaining("kvm-a: it is in maintenance"),
    });
    // A start on its own host is refused too; the VM stays stopped.
    await expect(startVm(fx.db, fx.tenant, { vmId: paused.id })).rejects.toMatchObject({
      code: "HOST_IN_MAINTENANCE",
    });
    expect(await vmFootprint(fx.db)).toEqual(before);
    expect((await fx.db.vm.findUniqueOrThrow({ where: { id: paused.id } })).state).toBe("Stopped");

    // The VM already there keeps running; the L2 page says why the host offers no VF.
    expect((await getVm(fx.db, fx.tenant, { vmId: stays.id })).state).toBe("Running");
    const availability = await l2VfAvailability(fx.db, fx.admin, { l2Id: flat.l2.id });
    expect(availability.hosts.find((h) => h.hostName === "kvm-a")).toMatchObject({
      reason: "HOST_IN_MAINTENANCE",
      message: expect.stringContaining("maintenance"),
    });

    // Splits are allowed in maintenance: the admin can repair the host.
    expect(await split(fx, hostA, "p1p1", 2)).toBe((await pfNamed(fx.db, hostA.hostId, "p1p1")).id);

    // Out of maintenance, the start goes through.
    await leaveHostMaintenance(fx.db, fx.admin, { hostId: hostA.hostId });
    expect((await finish(fx, startVm(fx.db, fx.tenant, { vmId: paused.id }))).status).toBe(
      "Succeeded",
    );
    await leaveHostMaintenance(fx.db, fx.admin, { hostId: hostB.hostId });
  });

  it("a placement judged before the host entered maintenance is refused under the host lock", async () => {
    const [stale] = await placementHosts(fx.db, { hostIds: [hostB.hostId] });
    if (!stale) throw new Error("no facts for kvm-b");
    expect(stale.maintenance).toBe(false);
    await enterHostMaintenance(fx.db, fx.admin, { hostId: hostB.hostId });
    const attempt = await reserveOnHost(
      fx.db,
      stale,
      { vcpus: 1, memoryMiB: 512, networks: [] },
      [],
    );
    expect(attempt).toMatchObject({
      ok: false,
      refusal: { reason: expect.stringContaining("in maintenance") },
    });
    await leaveHostMaintenance(fx.db, fx.admin, { hostId: hostB.hostId });
  });

  it("refuses entering twice, leaving when not in it, and tenants", async () => {
    await expect(
      leaveHostMaintenance(fx.db, fx.admin, { hostId: hostA.hostId }),
    ).rejects.toMatchObject({ code: "HOST_MAINTENANCE_UNCHANGED" });
    await enterHostMaintenance(fx.db, fx.admin, { hostId: hostA.hostId });
    await expect(
      enterHostMaintenance(fx.db, fx.admin, { hostId: hostA.hostId }),
    ).rejects.toMatchObject({ code: "HOST_MAINTENANCE_UNCHANGED" });
    await expect(
      leaveHostMaintenance(fx.db, fx.tenant, { hostId: hostA.hostId }),
    ).rejects.toMatchObject({ code: "ADMIN_ONLY" });
    await leaveHostMaintenance(fx.db, fx.admin, { hostId: hostA.hostId });
  });
});

describe("a host whose add failed is fixed by editing it", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  const agents: RunningAgent[] = [];

  beforeAll(async () => {
    fx = await createFixture("host-edit");
    worker = await startInProcessWorker(fx.config);
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("a wrong token, then a moved agent: each edit re-connects; the token is never returned or audited", async () => {
    const agent = await startSlowSimAgent("kvm-i350-82599", 0);
    agents.push(agent);
    const added = await addHost(fx.db, fx.admin, {
      name: "kvm-typo",
      clusterId: fx.clusterId,
      agentUrl: agent.url,
      agentToken: "not-the-agent-token",
      scanIommu: false,
    });
    const failed = await waitForOperation(fx.db, fx.admin, added.operation.id);
    expect(failed.status).toBe("Failed");
    expect((await getHost(fx.db, fx.admin, added.host.id)).connectionState).toBe("Disconnected");

    const edited = await updateHost(fx.db, fx.admin, {
      hostId: added.host.id,
      name: "kvm-fixed",
      agentToken: AGENT_TOKEN,
    });
    expect(edited.changed).toEqual(["name", "agentToken"]);
    expect(JSON.stringify(edited)).not.toContain(AGENT_TOKEN);
    if (!edited.operation) throw new Error("the edit started no re-connect");
    expect(edited.operation.kind).toBe("host.connect");
    expect((await waitForOperation(fx.db, fx.admin, edited.operation.id)).status).toBe("Succeeded");
    const fixed = await getHost(fx.db, fx.admin, added.host.id);
    expect(fixed).toMatchObject({ name: "kvm-fixed", connectionState: "Connected" });
    expect(fixed.nics.length).toBeGreaterThan(0);

    // The agent moved: a new URL (the same token), and the host follows it.
    const moved = await startSlowSimAgent("kvm-i350-82599", 0);
    agents.push(moved);
    const followed = await updateHost(fx.db, fx.admin, {
      hostId: added.host.id,
      agentUrl: `${moved.url}/`,
      agentToken: "",
    });
    expect(followed.changed).toEqual(["agentUrl"]);
    expect(followed.host.agentUrl).toBe(moved.url);
    if (!followed.operation) throw new Error("the edit started no re-connect");
    expect((await waitForOperation(fx.db, fx.admin, followed.operation.id)).status).toBe(
      "Succeeded",
    );

    const audits = await fx.db.auditEvent.findMany({
      where: { action: "host.update", targetId: added.host.id },
      orderBy: { at: "asc" },
    });
    expect(audits.map((a) => a.details)).toMatchObject([
      { changed: ["name", "agentToken"], previousName: "kvm-typo", name: "kvm-fixed" },
      { changed: ["agentUrl"], previousAgentUrl: agent.url, agentUrl: moved.url },
    ]);
    expect(JSON.stringify(audits)).not.toContain(AGENT_TOKEN);
  });

  it("refuses a taken name, unknown fields, an empty edit and tenants, changing nothing", async () => {
    const other = await addSimHost(fx, agents, "kvm-other", "kvm-i350-82599", { scanIommu: false });
    const settings = { name: true, agentUrl: true, agentToken: true } as const;
    const before = await fx.db.host.findUniqueOrThrow({
      where: { id: other.hostId },
      select: settings,
    });
    await expect(
      updateHost(fx.db, fx.admin, { hostId: other.hostId, name: "kvm-fixed" }),
    ).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    // A taken agent URL names the input's field path, so the edit form shows it on "Agent URL".
    const fixed = await fx.db.host.findFirstOrThrow({ where: { name: "kvm-fixed" } });
    await expect(
      updateHost(fx.db, fx.admin, { hostId: other.hostId, agentUrl: fixed.agentUrl }),
    ).rejects.toMatchObject({
      code: "ALREADY_EXISTS",
      message: `A host with agent URL "${fixed.agentUrl}" already exists.`,
      details: { field: "agentUrl" },
    });
    await expect(
      updateHost(fx.db, fx.admin, {
        hostId: other.hostId,
        name: "renamed",
        bogus: 1,
      } as Parameters<typeof updateHost>[2]),
    ).rejects.toThrow();
    await expect(updateHost(fx.db, fx.admin, { hostId: other.hostId })).rejects.toThrow(
      "Change the name, the agent URL or the token",
    );
    await expect(
      updateHost(fx.db, fx.tenant, { hostId: other.hostId, name: "renamed" }),
    ).rejects.toMatchObject({ code: "ADMIN_ONLY" });
    expect(
      await fx.db.host.findUniqueOrThrow({ where: { id: other.hostId }, select: settings }),
    ).toEqual(before);
  });
});
