// Tenant isolation: project B's key walks every tRPC procedure of the appRouter (enumerated, so
// new procedures are covered automatically) and every REST endpoint they declare, aiming at
// project A's ids. Nothing of A may come back, and nothing may change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { Prisma, type Db } from "@virtfn/db";
import { endpoints } from "../src/server/rest/endpoints";
import { resetRateLimits } from "../src/server/rest/rate-limit";
import {
  allProcedurePaths,
  inputSchemaOf,
  procedureAt,
  typesOf,
  type JsonSchema,
} from "../src/server/rest/schemas";
import { callerWith, createWebFixture, rest, type WebFixture } from "./fixture";

let w: WebFixture;
/** Input field name → one of A's ids (or a shared resource's id). */
let ids: Record<string, string>;
/** What must never reach B: A's ids and names. */
let secrets: string[];
/** What the shared L3 shows every tenant: its gateway and range bounds. */
let published: Set<string | null>;

beforeAll(async () => {
  process.env.VIRTFN_RATE_LIMIT = "off";
  // The walks sign in as probe-b with a wrong password; failed sign-ins are counted in Redis for a
  // day, so without fresh keys a rerun on the same Redis meets the lockout (TOO_MANY_REQUESTS).
  resetRateLimits();
  w = await createWebFixture("iso");
  const opA = await w.db.operation.findFirstOrThrow({ where: { projectId: w.a.projectId } });
  const userA = w.a.actor.userId;
  ids = {
    vmId: w.vmA.id,
    nicId: w.vmA.vnicId,
    projectId: w.a.projectId,
    securityGroupId: w.securityGroupA.id,
    ruleId: w.securityGroupA.ruleId,
    apiKeyId: w.a.apiKeyId,
    userId: userA,
    id: opA.id,
    operationId: opA.id,
    targetId: w.vmA.id,
    l3Id: w.l3.id,
    vipL3Id: w.l3.id,
    hostId: w.host.hostId,
    targetHostId: w.host.hostId,
    pfId: w.pfId,
    offeringId: w.cat.offeringId,
    imageId: w.cat.imageId,
    clusterId: w.fx.clusterId,
  };
  const aOps = await w.db.operation.findMany({
    where: { projectId: w.a.projectId },
    select: { id: true },
  });
  const aKey = await w.db.apiKey.findUniqueOrThrow({ where: { id: w.a.apiKeyId } });
  const aNics = await w.db.vmNic.findMany({ where: { vmId: w.vmA.id } });
  published = new Set([
    w.l3.gateway,
    ...w.l3.ipRanges.flatMap((range) => [range.startIp, range.endIp]),
  ]);
  secrets = [
    w.vmA.id,
    w.vmA.vfNicId,
    w.vmA.vnicId,
    w.a.projectId,
    w.a.projectName,
    w.vmA.name,
    w.securityGroupA.id,
    w.securityGroupA.name,
    w.securityGroupA.ruleId,
    w.a.apiKeyId,
    aKey.prefix,
    aKey.name,
    w.a.actor.username,
    userA,
    ...aOps.map((op) => op.id),
    ...aNics.flatMap((nic) => [nic.mac, nic.ip]),
  ];
}, 180_000);
afterAll(async () => {
  delete process.env.VIRTFN_RATE_LIMIT;
  await w?.cleanup();
});

/** A plausible value for a JSON Schema, using A's ids for id fields. */
function sample(name: string, schema: JsonSchema | undefined, depth = 0): unknown {
  if (ids[name]) return ids[name];
  if (!schema || depth > 4) return undefined;
  if (schema.default !== undefined) return schema.default;
  const types = typesOf(schema);
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (variants.length && !schema.type)
    return sample(name, variants.find((v) => v.type !== "null") ?? variants[0], depth + 1);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (types.includes("object") || schema.properties) return sampleObject(schema, depth + 1);
  if (types.includes("array")) {
    const min = typeof schema.minItems === "number" ? schema.minItems : 0;
    return Array.from({ length: Math.max(min, name === "nics" ? 1 : 0) }, () =>
      sample(`${name}[]`, schema.items, depth + 1),
    );
  }
  if (types.includes("integer") || types.includes("number"))
    return typeof schema.minimum === "number" ? schema.minimum : 1;
  if (types.includes("boolean")) return true;
  if (types.includes("string")) {
    if (schema.format === "uuid") return "00000000-0000-4000-8000-00000000b0b0";
    if (schema.format === "ipv4" || /ip/i.test(name)) return "10.30.0.50";
    if (/cidr/i.test(name)) return "10.99.0.0/24";
    if (/password/i.test(name)) return "not-the-password-0123";
    return "probe-b";
  }
  return undefined;
}

function sampleObject(schema: JsonSchema, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const required = (schema.required ?? []).includes(key);
    if (!required && !ids[key]) continue;
    const value = sample(key, property, depth);
    if (value !== undefined) out[key] = value;
  }
  if (Array.isArray(out.nics)) out.nics = [{ l3Id: w.l3.id, sriov: true }];
  return out;
}

/**
 * Everything that could change, except what probing itself writes (audit, idempotency, key use)
 * and the VF and child-row counts derived from the rows compared here, which the worker folds and
 * refreshes in the background (their row counts change with no request at all).
 */
async function snapshot(db: Db) {
  const counts: Record<string, number> = {};
  const derived = [
    "VfStateCount",
    "ClusterVfCount",
    "ClusterVfCountFresh",
    "ClusterVfCountStale",
    "RowCount",
  ];
  for (const model of Object.values(Prisma.ModelName)) {
    if (["AuditEvent", "IdempotencyRecord", ...derived].includes(model)) continue;
    const delegate = (db as unknown as Record<string, { count(): Promise<number> } | undefined>)[
      model.charAt(0).toLowerCase() + model.slice(1)
    ];
    if (!delegate) throw new Error(`no delegate for ${model}`);
    counts[model] = await delegate.count();
  }
  const [vms, nics, vfs, projects, memberships, users, keys, groups, rules, qos, operations] =
    await Promise.all([
      db.vm.findMany({ orderBy: { id: "asc" } }),
      db.vmNic.findMany({ orderBy: { id: "asc" } }),
      db.virtualFunction.findMany({ select: { id: true, state: true }, orderBy: { id: "asc" } }),
      db.project.findMany({ orderBy: { id: "asc" } }),
      db.membership.findMany({ orderBy: [{ userId: "asc" }, { projectId: "asc" }] }),
      db.user.findMany({ orderBy: { id: "asc" } }),
      db.apiKey.findMany({
        select: { id: true, name: true, revokedAt: true, projectId: true },
        orderBy: { id: "asc" },
      }),
      db.securityGroup.findMany({ orderBy: { id: "asc" } }),
      db.securityGroupRule.findMany({ orderBy: { id: "asc" } }),
      db.nicQos.findMany({ orderBy: { nicId: "asc" } }),
      db.operation.findMany({
        select: { id: true, status: true, kind: true },
        orderBy: { id: "asc" },
      }),
    ]);
  return JSON.parse(
    JSON.stringify(
      {
        counts,
        vms,
        nics,
        vfs,
        projects,
        memberships,
        users,
        keys,
        groups,
        rules,
        qos,
        operations,
      },
      (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
    ),
  ) as unknown;
}

/**
 * A secret counts only as a whole token: A's NIC at 10.30.0.2 is not leaked by a response that
 * mentions 10.30.0.254. Neither is an address the shared L3 publishes to every tenant (its
 * gateway and range bounds), which A's NIC may draw by chance.
 */
function leakedSecrets(text: string, sent: string): string[] {
  return secrets.filter(
    (secret) =>
      secret &&
      !published.has(secret) &&
      containsToken(text, secret) &&
      !containsToken(sent, secret),
  );
}

function containsToken(text: string, token: string): boolean {
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\w.])${escaped}(?!\\w|\\.\\d)`).test(text);
}

/**
 * Walks every tRPC procedure and every REST endpoint with one key, aiming at project A's ids:
 * nothing of A may come back (unless the key reads everything), nothing may change, and the only
 * audit events the walk leaves are refusals.
 */
async function walkEverything(who: {
  label: string;
  token: string;
  userId: string;
  readsAll?: boolean;
}): Promise<void> {
  const before = await snapshot(w.db);
  const auditBefore = await w.db.auditEvent.count();
  const started = new Date();
  const caller = await callerWith(w.db, { authorization: `Bearer ${who.token}` });
  const problems: string[] = [];
  const paths = allProcedurePaths();
  let calls = 0;
  // An auditor reads everything by design, verdicts on A's resources included (a 409 "cannot be
  // migrated" is a read's answer): only that nothing changes is checked for it.
  const allowedCodes = new Set(["NOT_FOUND", "FORBIDDEN", "BAD_REQUEST", "UNAUTHORIZED"]);
  if (who.readsAll) allowedCodes.add("CONFLICT");
  const allowedStatuses = who.readsAll ? [400, 403, 404, 409] : [400, 403, 404];
  const leaked = (text: string, sent: string) => (who.readsAll ? [] : leakedSecrets(text, sent));

  for (const path of paths) {
    const schema = inputSchemaOf(path);
    const inputs: unknown[] = schema ? [sampleObject(schema)] : [undefined];
    if (schema && procedureAt(path)?._def.type === "query") inputs.push({});
    for (const input of inputs) {
      calls += 1;
      const sent = JSON.stringify(input ?? null);
      const fn = path
        .split(".")
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
        i?: unknown,
      ) => Promise<unknown>;
      try {
        const result = await fn(input);
        const text = JSON.stringify(result ?? null);
        const found = leaked(text, "");
        if (found.length) problems.push(`${path}(${sent}) returned A's data: ${found.join(", ")}`);
      } catch (error) {
        if (!(error instanceof TRPCError)) {
          problems.push(`${path}: unexpected ${String(error)}`);
          continue;
        }
        if (!allowedCodes.has(error.code))
          problems.push(`${path}(${sent}): ${error.code} ${error.message}`);
        const cause = error.cause as { details?: unknown } | undefined;
        const found = leaked(`${error.message} ${JSON.stringify(cause?.details ?? null)}`, sent);
        if (found.length) problems.push(`${path}(${sent}) error leaked: ${found.join(", ")}`);
      }
    }
  }

  let restCalls = 0;
  const projectProbes = new Set<string>();
  for (const endpoint of endpoints) {
    const schema = inputSchemaOf(endpoint.procedure);
    const path = endpoint.path.replace(
      /:([A-Za-z0-9_]+)/g,
      (_m, name: string) => ids[name] ?? "00000000-0000-4000-8000-00000000b0b0",
    );
    const filled = schema ? sampleObject(schema) : {};
    let url = path;
    let body: unknown;
    if (endpoint.inputFrom === "query") {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(filled))
        if (typeof value === "string") query.set(key, value);
      url = `${path}?${query.toString()}`;
    } else if (endpoint.inputFrom === "body") {
      body = filled;
    }
    restCalls += 1;
    const answer = await rest(w.db, endpoint.method, url, {
      token: who.token,
      ...(body !== undefined ? { body } : {}),
    });
    const sent = `${url} ${JSON.stringify(body ?? null)}`;
    // One visibility answer: whatever names another project (reading its EIPs, security groups,
    // VM create options or the project itself; filtering a list by it; creating a VM, EIP,
    // security group or key in it) answers as if it did not exist. Admin-only endpoints refuse a
    // tenant by role (ADMIN_ONLY) whatever the project, which tells nothing either.
    const namesProjectA =
      endpoint.path.includes(":projectId") || filled.projectId === ids.projectId;
    if (!who.readsAll && namesProjectA) {
      const code = (answer.body as { code?: unknown } | null)?.code;
      const asUnknown = answer.status === 404 && code === "NOT_FOUND";
      const byRole = answer.status === 403 && code === "ADMIN_ONLY";
      if (!asUnknown && !byRole)
        problems.push(
          `${endpoint.method} ${endpoint.path} naming another project: ${answer.status} ${String(code)}, not 404 NOT_FOUND`,
        );
      projectProbes.add(`${endpoint.method} ${endpoint.path}`);
    }
    if (answer.status >= 200 && answer.status < 300) {
      const found = leaked(answer.text, "");
      if (found.length)
        problems.push(`${endpoint.method} ${endpoint.path} returned A's data: ${found.join(", ")}`);
    } else {
      if (!allowedStatuses.includes(answer.status))
        problems.push(`${endpoint.method} ${endpoint.path}: HTTP ${answer.status} ${answer.text}`);
      const found = leaked(answer.text, sent);
      if (found.length)
        problems.push(`${endpoint.method} ${endpoint.path} error leaked: ${found.join(", ")}`);
    }
  }

  const after = await snapshot(w.db);
  console.log(
    `[isolation] walked ${paths.length} procedures (${calls} calls) and ${endpoints.length} REST endpoints (${restCalls} calls) with ${who.label}; ${problems.length} problems`,
  );
  expect(problems).toEqual([]);
  if (!who.readsAll)
    for (const probe of ["GET /vms", "POST /vms", "POST /eips", "GET /projects/:projectId/eips"])
      expect([...projectProbes]).toContain(probe);
  expect(after).toEqual(before);
  // Probing leaves audit events, and only refusals or failures.
  const probes = await w.db.auditEvent.findMany({
    where: { actorId: who.userId, at: { gte: started } },
  });
  expect(
    probes.filter((event) => event.outcome === "Success").map((event) => event.action),
  ).toEqual([]);
  expect(await w.db.auditEvent.count()).toBeGreaterThan(auditBefore);
}

describe("tenant isolation", () => {
  it("project B's key gets nothing of project A from any procedure or REST endpoint, and changes nothing", async () => {
    await walkEverything({ label: "project B's key", token: w.b.token, userId: w.b.actor.userId });
  });

  it("a key scoped to another project of a user who is also in A gets nothing of A", async () => {
    const { addProjectMember, createApiKey, createProject, createUser } =
      await import("@virtfn/core");
    const projectC = await createProject(w.db, w.fx.admin, { name: `iso-c-${Date.now()}` });
    const user = await createUser(w.db, w.fx.admin, {
      username: `iso-ac-${Date.now()}`,
      password: "password-ac-0123456789",
      role: "Tenant",
      projectIds: [w.a.projectId],
    });
    await addProjectMember(w.db, w.fx.admin, { projectId: projectC.id, userId: user.id });
    // The user requested one of A's operations: "my requests" must not widen a C key's view.
    const opA = await w.db.operation.findFirstOrThrow({ where: { projectId: w.a.projectId } });
    await w.db.operation.update({ where: { id: opA.id }, data: { requesterId: user.id } });
    const { token } = await createApiKey(
      w.db,
      {
        userId: user.id,
        username: user.username,
        role: "Tenant",
        projectIds: [w.a.projectId, projectC.id],
      },
      { name: "c-only", projectId: projectC.id },
    );
    // The user's own name and id are theirs to see; A's resources are not.
    secrets = secrets.filter((secret) => secret !== user.id);
    await walkEverything({ label: "a project-C key of an A+C user", token, userId: user.id });
  });

  it("an auditor's key reads but changes nothing anywhere", async () => {
    const { createApiKey } = await import("@virtfn/core");
    const { token } = await createApiKey(w.db, w.auditor, { name: "iso-auditor" });
    try {
      await walkEverything({
        label: "an auditor's key",
        token,
        userId: w.auditor.userId,
        readsAll: true,
      });
    } finally {
      await w.db.apiKey.deleteMany({ where: { userId: w.auditor.userId, name: "iso-auditor" } });
    }
  });

  it("R15: admin-only procedures and endpoints refuse tenants, even on their own project's resources", async () => {
    const before = await snapshot(w.db);
    const caller = await callerWith(w.db, { authorization: `Bearer ${w.a.token}` });
    const adminOnly: Array<[string, unknown]> = [
      ["sriov.split", { pfId: w.pfId, count: 1 }],
      ["sriov.restore", { pfId: w.pfId, force: true }],
      ["hosts.setIommu", { hostId: w.host.hostId, enabled: false }],
      ["hosts.reboot", { hostId: w.host.hostId }],
      ["hosts.delete", { hostId: w.host.hostId }],
      ["networks.l2.update", { l2Id: w.l3.l2.id, sriovEnabled: false }],
      ["networks.l3.update", { l3Id: w.l3.id, sriovEnabled: false }],
      ["networks.l3.delete", { l3Id: w.l3.id }],
      ["iam.users.setRole", { userId: w.a.actor.userId, role: "Admin" }],
      ["iam.projects.addMember", { projectId: w.a.projectId, userId: w.b.actor.userId }],
      ["iam.projects.delete", { projectId: w.a.projectId }],
      ["catalog.deleteOffering", { offeringId: w.cat.offeringId }],
    ];
    for (const [path, input] of adminOnly) {
      const fn = path
        .split(".")
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
        i: unknown,
      ) => Promise<unknown>;
      await expect(fn(input), path).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    const adminEndpoints = [
      ["POST", `/pfs/${w.pfId}/split`, { count: 1 }],
      ["POST", `/pfs/${w.pfId}/restore`, { force: true }],
      ["PUT", `/hosts/${w.host.hostId}/iommu`, { enabled: false }],
      ["PATCH", `/l2-networks/${w.l3.l2.id}`, { sriovEnabled: false }],
      ["PATCH", `/l3-networks/${w.l3.id}`, { sriovEnabled: false }],
      ["POST", "/users", { username: "sneaky", password: "0123456789ab", role: "Admin" }],
      ["PUT", `/users/${w.a.actor.userId}/role`, { role: "Admin" }],
    ] as const;
    for (const [method, path, body] of adminEndpoints) {
      const answer = await rest(w.db, method, path, { token: w.a.token, body });
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    // Auditors read everything and change nothing, tenants' VMs included.
    const auditor = await w.db.user.findUniqueOrThrow({ where: { username: "auditor" } });
    const { createApiKey } = await import("@virtfn/core");
    const { token } = await createApiKey(w.db, w.auditor, { name: "audit-bot" });
    expect((await rest(w.db, "GET", `/vms/${w.vmA.id}`, { token })).status).toBe(200);
    for (const [method, path] of [
      ["POST", `/vms/${w.vmA.id}/stop`],
      ["DELETE", `/vms/${w.vmA.id}`],
      ["DELETE", `/nics/${w.vmA.vnicId}/qos`],
    ] as const) {
      expect((await rest(w.db, method, path, { token })).status, `${method} ${path}`).toBe(403);
    }
    await w.db.apiKey.deleteMany({ where: { userId: auditor.id } });
    expect(await snapshot(w.db)).toEqual(before);
  });
});
