// The fleet rollout over REST: 202 + Location like the other long operations, admins only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@virtfn/core";
import { createWebFixture, rest, type WebFixture } from "./fixture";

let w: WebFixture;
let adminToken: string;

beforeAll(async () => {
  w = await createWebFixture("fleet-rest");
  adminToken = (await createApiKey(w.db, w.fx.admin, { name: "fleet-admin" })).token;
}, 120_000);
afterAll(async () => {
  await w?.cleanup();
});

describe("REST /api/v1/fleet-rollouts", () => {
  it("previews, starts with 202 + Location, shows progress per cluster; tenants get 403", async () => {
    const body = {
      action: "restore",
      selection: { clusterIds: [w.fx.clusterId], pfIds: [w.pfId] },
      maxUnavailable: "2",
      force: true,
    };
    const denied = await rest(w.db, "POST", "/fleet-rollouts", { token: w.a.token, body });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: "ADMIN_ONLY" });

    const bad = await rest(w.db, "POST", "/fleet-rollouts", {
      token: adminToken,
      body: { ...body, maxUnavailable: "0%" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      details: { fieldErrors: { maxUnavailable: expect.any(Array) } },
    });

    const preview = await rest(w.db, "POST", "/fleet-rollouts/preview", {
      token: adminToken,
      body,
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ eligible: 1, refused: [], clusters: [{ budget: 2 }] });

    const started = await rest(w.db, "POST", "/fleet-rollouts", { token: adminToken, body });
    expect(started.status).toBe(202);
    const answer = started.body as {
      operation: { id: string; kind: string };
      rollout: { id: string };
    };
    expect(answer.operation.kind).toBe("fleet.setVfCount");
    expect(started.headers.get("location")).toBe(`/api/v1/operations/${answer.operation.id}`);
    const shown = await rest(w.db, "GET", `/fleet-rollouts/${answer.rollout.id}`, {
      token: adminToken,
    });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ maxUnavailable: "2", clusters: [{ total: 1, budget: 2 }] });
    const audit = await w.db.auditEvent.findFirst({
      where: { action: "fleet.restore", targetId: answer.rollout.id },
    });
    expect(audit).not.toBeNull();
  });
});
