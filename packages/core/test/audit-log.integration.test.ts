// The audit log reads as words: one action vocabulary (refusals written under the procedure's path
// come out as the entity's word, and old rows are rewritten by the migration), a refused create
// logged against what was being created, and target names resolved per page.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditAction, listAuditEvents, recordAuditFailure } from "@virtfn/core";
import { createCoreFixture, insertHost, type CoreFixture } from "./fixtures";

const here = path.dirname(fileURLToPath(import.meta.url));
const migration = path.join(
  here,
  "../../../prisma/migrations/20261203060001_audit_actions/migration.sql",
);

let fx: CoreFixture;

beforeAll(async () => {
  fx = await createCoreFixture("audit-log");
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
});

describe("one action vocabulary", () => {
  it("turns procedure paths into the entity's word, the same as operation kinds", () => {
    expect(auditAction("vms.start")).toBe("vm.start");
    expect(auditAction("vm.stop")).toBe("vm.stop");
    expect(auditAction("sriov.restore")).toBe("pf.restore");
    expect(auditAction("networks.l2.create")).toBe("l2.create");
    expect(auditAction("netservices.securityGroups.addRule")).toBe("securityGroup.addRule");
    expect(auditAction("inventory.renameCluster")).toBe("cluster.rename");
    expect(auditAction("auth.login")).toBe("auth.login");
  });

  it("writes a refused start under vm.start, against the VM, with its name on the page", async () => {
    const project = await fx.db.project.findFirstOrThrow({ where: { name: "demo-project" } });
    const vm = await fx.db.vm.create({
      data: {
        projectId: project.id,
        name: "refused-vm",
        offeringId: (await fx.db.instanceOffering.findFirstOrThrow()).id,
        imageId: (await fx.db.image.findFirstOrThrow()).id,
        state: "Stopped",
      },
    });
    await recordAuditFailure(fx.db, fx.admin, {
      action: "vms.start",
      outcome: "Failure",
      errorCode: "NO_VF_AVAILABLE",
      message: "no available VF on L3 vf-net",
      targetType: "Vm",
      targetId: vm.id,
      projectId: project.id,
    });
    const page = await listAuditEvents(fx.db, fx.admin, { action: "vms.start" });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      action: "vm.start",
      targetType: "Vm",
      targetId: vm.id,
      targetName: "refused-vm",
      projectName: "demo-project",
      errorCode: "NO_VF_AVAILABLE",
    });
  });

  it("logs a refused VM create against the VM asked for, not the offering", async () => {
    const offering = await fx.db.instanceOffering.findFirstOrThrow();
    await recordAuditFailure(fx.db, fx.tenant, {
      action: "vms.create",
      outcome: "Failure",
      errorCode: "NO_VF_AVAILABLE",
      targetType: "InstanceOffering",
      targetId: offering.id,
      input: { name: "web-42", offeringId: offering.id, password: "never-read" },
    });
    const [event] = (await listAuditEvents(fx.db, fx.admin, { action: "vm.create" })).items;
    expect(event).toMatchObject({
      action: "vm.create",
      targetType: "Vm",
      targetId: null,
      targetName: "web-42",
      details: { name: "web-42", via: { type: "InstanceOffering", id: offering.id } },
    });
    expect(JSON.stringify(event?.details)).not.toContain("never-read");
  });

  it("names a PF target with its host, for the link", async () => {
    const host = await insertHost(fx.db, {
      name: "audit-host",
      clusterId: fx.clusterA,
      pfs: [{ name: "em1", totalVfs: 8 }],
    });
    const pf = await fx.db.physicalNic.findFirstOrThrow({ where: { hostId: host.id } });
    await recordAuditFailure(fx.db, fx.admin, {
      action: "sriov.restore",
      outcome: "Failure",
      errorCode: "VFS_IN_USE",
      targetType: "PhysicalNic",
      targetId: pf.id,
    });
    const [event] = (await listAuditEvents(fx.db, fx.admin, { action: "pf.restore" })).items;
    expect(event).toMatchObject({
      targetName: "em1 on audit-host",
      targetHostId: host.id,
    });
  });

  it("the migration rewrites old rows to the same words and moves a create's target", async () => {
    const offering = await fx.db.instanceOffering.findFirstOrThrow();
    const old = async (action: string, targetType: string, targetId: string | null) =>
      fx.db.auditEvent.create({
        data: { actorName: "old", action, targetType, targetId, outcome: "Failure" },
      });
    const rows = await Promise.all([
      old("vms.start", "Vm", "00000000-0000-4000-8000-000000000001"),
      old("sriov.restore", "PhysicalNic", "00000000-0000-4000-8000-000000000002"),
      old("networks.l2.delete", "L2Network", "00000000-0000-4000-8000-000000000003"),
      old("vms.create", "InstanceOffering", offering.id),
      old("vm.stop", "Vm", "00000000-0000-4000-8000-000000000004"),
    ]);
    const sql = readFileSync(migration, "utf8")
      .split(/;\s*\n/)
      .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
      .filter((statement) => statement && !statement.startsWith("CREATE INDEX"));
    for (const statement of sql) await fx.db.$executeRawUnsafe(statement);
    const after = await fx.db.auditEvent.findMany({
      where: { id: { in: rows.map((row) => row.id) } },
    });
    const byId = new Map(after.map((row) => [row.id, row]));
    expect(rows.map((row) => byId.get(row.id)?.action)).toEqual([
      "vm.start",
      "pf.restore",
      "l2.delete",
      "vm.create",
      "vm.stop",
    ]);
    const create = byId.get(rows[3]?.id ?? "");
    expect(create).toMatchObject({
      targetType: "Vm",
      targetId: null,
      details: { via: { type: "InstanceOffering", id: offering.id } },
    });
  });
});
