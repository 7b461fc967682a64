import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperation, reconnectHost } from "@virtfn/core";
import { createCoreFixture, insertHost, type CoreFixture } from "./fixtures";

// reconnectHost is one statement (no interactive transaction): what the checks in a transaction
// guaranteed must still hold. No worker runs here, so an operation it writes stays Pending.

describe("host reconnect in one statement", () => {
  let fx: CoreFixture;

  beforeAll(async () => {
    fx = await createCoreFixture("reconnect");
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  /** What a reconnect writes, for one host. */
  async function footprint(hostId: string) {
    const [host, operations, outbox, audit] = await Promise.all([
      fx.db.host.findUniqueOrThrow({
        where: { id: hostId },
        select: { connectionState: true, updatedAt: true },
      }),
      fx.db.operation.count({ where: { targetId: hostId } }),
      fx.db.outboxEntry.count({ where: { operation: { targetId: hostId } } }),
      fx.db.auditEvent.count({ where: { targetId: hostId, action: "host.reconnect" } }),
    ]);
    return { host, operations, outbox, audit };
  }

  it("writes the operation, its outbox entry, the Connecting mark and the audit event together", async () => {
    const host = await insertHost(fx.db, { name: "kvm-r1", clusterId: fx.clusterA, pfs: [] });
    const before = await footprint(host.id);
    const { host: answered, operation } = await reconnectHost(fx.db, fx.admin, {
      hostId: host.id,
    });
    expect(answered).toEqual({ id: host.id, name: "kvm-r1" });
    expect(operation).toMatchObject({
      kind: "host.connect",
      status: "Pending",
      targetType: "Host",
      targetId: host.id,
      targetName: "kvm-r1",
      requesterId: fx.admin.userId,
      input: { scanIommu: false },
    });
    expect(operation.createdAt).toBeInstanceOf(Date);
    const after = await footprint(host.id);
    expect(after).toMatchObject({
      host: { connectionState: "Connecting" },
      operations: before.operations + 1,
      outbox: before.outbox + 1,
      audit: before.audit + 1,
    });
    const event = await fx.db.auditEvent.findFirstOrThrow({
      where: { targetId: host.id, action: "host.reconnect" },
    });
    expect(event).toMatchObject({
      actorId: fx.admin.userId,
      actorName: "admin",
      outcome: "Success",
    });
  });

  it("a host busy with its own operation, of any kind, is refused and nothing is written or marked", async () => {
    const host = await insertHost(fx.db, { name: "kvm-r2", clusterId: fx.clusterA, pfs: [] });
    const running = await fx.db.$transaction((tx) =>
      createOperation(tx, null, {
        kind: "host.syncFdb",
        targetType: "HostFdb",
        targetId: host.id,
        targetName: host.name,
      }),
    );
    const before = await footprint(host.id);
    await expect(reconnectHost(fx.db, fx.admin, { hostId: host.id })).rejects.toMatchObject({
      code: "OPERATION_IN_PROGRESS",
    });
    expect(await footprint(host.id)).toEqual(before);

    await fx.db.operation.update({ where: { id: running.id }, data: { status: "Succeeded" } });
    const first = await reconnectHost(fx.db, fx.admin, { hostId: host.id });
    // Back to Connected, as a finished connect would leave it, with the connect still Pending.
    await fx.db.host.update({ where: { id: host.id }, data: { connectionState: "Connected" } });
    const busy = await footprint(host.id);
    await expect(reconnectHost(fx.db, fx.admin, { hostId: host.id })).rejects.toMatchObject({
      code: "OPERATION_IN_PROGRESS",
      details: { operationId: first.operation.id },
    });
    expect(await footprint(host.id)).toEqual(busy);
  });

  it("an unknown host is NOT_FOUND, and a tenant is refused", async () => {
    const operations = await fx.db.operation.count();
    await expect(reconnectHost(fx.db, fx.admin, { hostId: fx.clusterA })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const host = await insertHost(fx.db, { name: "kvm-r3", clusterId: fx.clusterA, pfs: [] });
    await expect(reconnectHost(fx.db, fx.tenant, { hostId: host.id })).rejects.toMatchObject({
      code: "ADMIN_ONLY",
    });
    expect(await fx.db.operation.count()).toBe(operations);
  });
});
