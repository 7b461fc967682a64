// Zones and clusters through the REST API and core: create, rename, delete when empty (refused
// with the blocking resources otherwise), admins only, audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, createZone, deleteCluster, type Actor } from "@virtfn/core";
import { createFixture, type Fixture } from "../../worker/test/helpers";
import { resetRateLimits } from "../src/server/rest/rate-limit";
import { rest } from "./fixture";

let fx: Fixture;
let adminToken: string;
let tenantToken: string;
let auditor: Actor;

beforeAll(async () => {
  fx = await createFixture("zones");
  adminToken = (await createApiKey(fx.db, fx.admin, { name: "zones-admin" })).token;
  tenantToken = (
    await createApiKey(fx.db, fx.tenant, {
      name: "zones-tenant",
      projectId: fx.tenant.projectIds[0],
    })
  ).token;
  const row = await fx.db.user.findUniqueOrThrow({ where: { username: "auditor" } });
  auditor = { userId: row.id, username: row.username, role: "Auditor", projectIds: [] };
}, 60_000);
afterAll(async () => {
  await fx?.cleanup();
});

function call(method: string, path: string, body?: unknown, token = adminToken) {
  resetRateLimits();
  return rest(fx.db, method, path, { token, ...(body === undefined ? {} : { body }) });
}

describe("zones and clusters", () => {
  it("creates, renames and deletes an empty zone and cluster, each audited", async () => {
    const zone = await call("POST", "/zones", { name: "zone-east", description: "East DC" });
    expect(zone.status).toBe(200);
    const zoneId = (zone.body as { id: string }).id;
    expect((await call("PATCH", `/zones/${zoneId}`, { name: "zone-east-1" })).body).toMatchObject({
      id: zoneId,
      name: "zone-east-1",
      description: "East DC",
    });
    const cluster = await call("POST", "/clusters", { zoneId, name: "rack-1" });
    expect(cluster.status).toBe(200);
    const clusterId = (cluster.body as { id: string }).id;
    const renamed = await call("PATCH", `/clusters/${clusterId}`, { name: "rack-01" });
    expect(renamed.body).toMatchObject({ id: clusterId, name: "rack-01", zoneId });
    const listed = await call("GET", "/clusters");
    expect((listed.body as { items: unknown[] }).items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: clusterId, zoneName: "zone-east-1", hostCount: 0 }),
      ]),
    );

    expect((await call("DELETE", `/clusters/${clusterId}`)).status).toBe(200);
    expect((await call("DELETE", `/zones/${zoneId}`)).status).toBe(200);
    expect(await fx.db.zone.findUnique({ where: { id: zoneId } })).toBeNull();

    const actions = await fx.db.auditEvent.findMany({
      where: { targetId: { in: [zoneId, clusterId] }, outcome: "Success" },
      orderBy: { at: "asc" },
      select: { action: true, actorName: true },
    });
    expect(actions.map((a) => a.action)).toEqual([
      "zone.create",
      "zone.rename",
      "cluster.create",
      "cluster.rename",
      "cluster.delete",
      "zone.delete",
    ]);
    expect(new Set(actions.map((a) => a.actorName))).toEqual(new Set(["admin"]));
  });

  it("refuses to delete a zone or cluster that is not empty, naming what blocks it", async () => {
    const zone = (await call("POST", "/zones", { name: "zone-busy" })).body as { id: string };
    const cluster = (await call("POST", "/clusters", { zoneId: zone.id, name: "busy-1" })).body as {
      id: string;
    };
    const host = await fx.db.host.create({
      data: {
        clusterId: cluster.id,
        name: "kvm-busy",
        agentUrl: "http://127.0.0.1:9/busy",
        agentToken: "t",
      },
    });

    const zoneRefused = await call("DELETE", `/zones/${zone.id}`);
    expect(zoneRefused.status).toBe(409);
    expect(zoneRefused.body).toMatchObject({
      code: "ZONE_NOT_EMPTY",
      details: { clusters: [{ id: cluster.id, name: "busy-1" }], l2Networks: [], vxlanPools: [] },
    });
    const clusterRefused = await call("DELETE", `/clusters/${cluster.id}`);
    expect(clusterRefused.status).toBe(409);
    expect(clusterRefused.body).toMatchObject({
      code: "CLUSTER_NOT_EMPTY",
      details: { hosts: [{ id: host.id, name: "kvm-busy" }] },
    });
    expect(await fx.db.cluster.findUnique({ where: { id: cluster.id } })).not.toBeNull();

    // Once empty, both go.
    await fx.db.host.delete({ where: { id: host.id } });
    await deleteCluster(fx.db, fx.admin, { clusterId: cluster.id });
    expect((await call("DELETE", `/zones/${zone.id}`)).status).toBe(200);
  });

  it("refuses duplicates and unknown zones with clear codes", async () => {
    const zone = (await call("POST", "/zones", { name: "zone-dup" })).body as { id: string };
    const again = await call("POST", "/zones", { name: "zone-dup" });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "ALREADY_EXISTS" });
    await call("POST", "/clusters", { zoneId: zone.id, name: "c1" });
    expect((await call("POST", "/clusters", { zoneId: zone.id, name: "c1" })).body).toMatchObject({
      code: "ALREADY_EXISTS",
    });
    const missing = await call("POST", "/clusters", {
      zoneId: "00000000-0000-4000-8000-000000000000",
      name: "c2",
    });
    expect(missing.status).toBe(404);
    expect((await call("POST", "/zones", { name: "" })).body).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { fieldErrors: { name: expect.any(Array) } },
    });
  });

  it("is for admins only: tenants and auditors are refused and nothing changes", async () => {
    const byTenant = await call("POST", "/zones", { name: "zone-tenant" }, tenantToken);
    expect(byTenant.status).toBe(403);
    const zone = await fx.db.zone.findFirstOrThrow();
    expect((await call("DELETE", `/zones/${zone.id}`, undefined, tenantToken)).status).toBe(403);
    await expect(createZone(fx.db, auditor, { name: "zone-auditor" })).rejects.toMatchObject({
      code: "ADMIN_ONLY",
    });
    expect(
      await fx.db.zone.count({ where: { name: { in: ["zone-tenant", "zone-auditor"] } } }),
    ).toBe(0);
  });
});
