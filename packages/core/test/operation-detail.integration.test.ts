// An operation's detail (agent task, fleet parent and children) and retrying a failed operation
// as a new one, with core deciding which kinds may be re-run and by whom.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getOperationDetail, retryOperation, retryVerdict, type Actor } from "@virtfn/core";
import { createCoreFixture, insertHost, type CoreFixture } from "./fixtures";

let fx: CoreFixture;
let auditor: Actor;

beforeAll(async () => {
  fx = await createCoreFixture("op-detail");
  auditor = { ...fx.admin, role: "Auditor" };
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
});

async function failedOp(kind: string, targetType: string, targetId: string, input = {}) {
  return fx.db.operation.create({
    data: {
      kind,
      targetType,
      targetId,
      targetName: "target",
      status: "Failed",
      errorCode: "AGENT_ERROR",
      errorMessage: "the agent said no",
      input,
      requesterId: fx.admin.userId,
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
}

describe("operation detail", () => {
  it("shows a split's agent task and host, and links a fleet rollout to its children", async () => {
    const host = await insertHost(fx.db, {
      name: "detail-host",
      clusterId: fx.clusterA,
      pfs: [{ name: "em1", totalVfs: 8 }],
    });
    const pf = await fx.db.physicalNic.findFirstOrThrow({ where: { hostId: host.id } });
    const parent = await fx.db.operation.create({
      data: {
        kind: "fleet.setVfCount",
        targetType: "FleetRollout",
        targetId: "rollout-1",
        targetName: "split to 4",
        status: "Running",
      },
    });
    const child = await failedOp("pf.split", "PhysicalNic", pf.id, { count: 4 });
    const rollout = await fx.db.fleetRollout.create({
      data: {
        id: "6f1f2f3f-0000-4000-8000-000000000001",
        operationId: parent.id,
        action: "split",
        count: 4,
        maxUnavailable: "1",
        onFailure: "pause",
        requesterName: "admin",
      },
    });
    await fx.db.fleetRolloutItem.create({
      data: {
        rolloutId: rollout.id,
        clusterId: fx.clusterA,
        hostId: host.id,
        hostName: host.name,
        pfId: pf.id,
        pfName: "em1",
        state: "Failed",
        operationId: child.id,
        startedAt: new Date(),
      },
    });

    const detail = await getOperationDetail(fx.db, fx.admin, child.id);
    expect(detail).toMatchObject({
      agentTaskId: child.id,
      targetHostId: host.id,
      errorCode: "AGENT_ERROR",
      parent: { id: parent.id, kind: "fleet.setVfCount" },
      children: [],
      retry: { allowed: true, reason: null },
    });
    const parentDetail = await getOperationDetail(fx.db, fx.admin, parent.id);
    expect(parentDetail.children.map((c) => c.id)).toEqual([child.id]);
    expect(parentDetail.childCount).toBe(1);
    expect(parentDetail.agentTaskId).toBeNull();
    expect(parentDetail.retry.allowed).toBe(false);
    // Tenants see only their projects' operations: a PF split is none of them.
    await expect(getOperationDetail(fx.db, fx.tenant, child.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("retrying a failed operation", () => {
  it("decides by status, kind and role, and says why not", () => {
    expect(retryVerdict(fx.admin, { kind: "vm.start", status: "Failed" })).toEqual({
      allowed: true,
      reason: null,
    });
    expect(retryVerdict(fx.admin, { kind: "vm.start", status: "Succeeded" }).reason).toMatch(
      /only a failed operation/i,
    );
    expect(retryVerdict(fx.admin, { kind: "vm.create", status: "Failed" }).reason).toMatch(
      /create the VM again/,
    );
    expect(retryVerdict(fx.tenant, { kind: "pf.split", status: "Failed" }).reason).toMatch(
      /only admins/i,
    );
    expect(retryVerdict(auditor, { kind: "vm.start", status: "Failed" }).allowed).toBe(false);
  });

  it("runs a failed split again as a new operation with the same count, through the service", async () => {
    const host = await insertHost(fx.db, {
      name: "retry-host",
      clusterId: fx.clusterA,
      pfs: [{ name: "em1", totalVfs: 8 }],
    });
    const pf = await fx.db.physicalNic.findFirstOrThrow({ where: { hostId: host.id } });
    const failed = await failedOp("pf.split", "PhysicalNic", pf.id, { count: 6 });
    const retried = await retryOperation(fx.db, fx.admin, { id: failed.id });
    expect(retried.retriedFrom).toBe(failed.id);
    expect(retried.operation).toMatchObject({ kind: "pf.split", status: "Pending" });
    expect(retried.operation.id).not.toBe(failed.id);
    expect(retried.operation.input).toMatchObject({ count: 6 });
    const old = await fx.db.operation.findUniqueOrThrow({ where: { id: failed.id } });
    expect(old.status).toBe("Failed");
    // The rules are checked afresh: the split now in flight makes a second retry busy.
    await expect(retryOperation(fx.db, fx.admin, { id: failed.id })).rejects.toMatchObject({
      code: "OPERATION_IN_PROGRESS",
    });
  });

  it("refuses what core does not allow, changing nothing", async () => {
    const host = await insertHost(fx.db, {
      name: "refuse-host",
      clusterId: fx.clusterA,
      pfs: [{ name: "em1", totalVfs: 8 }],
    });
    const failed = await failedOp("host.reboot", "Host", host.id);
    const before = await fx.db.operation.count();
    await expect(retryOperation(fx.db, fx.admin, { id: failed.id })).rejects.toMatchObject({
      code: "OPERATION_NOT_RETRYABLE",
      message: expect.stringMatching(/reboot the host again/),
    });
    await expect(retryOperation(fx.db, auditor, { id: failed.id })).rejects.toMatchObject({
      code: "OPERATION_NOT_RETRYABLE",
    });
    expect(await fx.db.operation.count()).toBe(before);
  });
});
