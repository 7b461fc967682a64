// Hostile input, generated from the OpenAPI document (so a new endpoint is fuzzed without anyone
// remembering to): for every operation, a bounded set of bad path, query, header and body values,
// sent with an admin key and a tenant key through the real route handler. No answer may be a 5xx,
// every error must be `{ code, message, details }`, and a batch answered only with 4xx must leave
// the database as it was.
import { randomUUID } from "node:crypto";
import { createApiKey } from "@virtfn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleRest } from "../src/server/rest/handler";
import type { JsonSchema } from "../src/server/rest/schemas";
import { createWebFixture, rest, type WebFixture } from "./fixture";

let w: WebFixture;
let adminToken: string;

beforeAll(async () => {
  process.env.VIRTFN_RATE_LIMIT = "off";
  w = await createWebFixture("fuzz");
  adminToken = (await createApiKey(w.db, w.fx.admin, { name: "fuzz-admin" })).token;
}, 180_000);
afterAll(async () => {
  delete process.env.VIRTFN_RATE_LIMIT;
  await w?.cleanup();
});

interface OpenApiParameter {
  name: string;
  in: "path" | "query" | "header";
  schema?: JsonSchema;
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
}

interface Probe {
  label: string;
  method: string;
  /** Raw, already percent-encoded path and query (sent as they are). */
  target: string;
  headers?: Record<string, string>;
  /** Raw body text (or bytes, for invalid UTF-8). */
  body?: string | Uint8Array;
  /** The one answer this probe must get: 400 VALIDATION_FAILED naming this field. */
  refusesField?: string;
}

const BAD_SEGMENTS = [
  "%25",
  "%E0%A4%A",
  "%zz",
  "a%00b",
  "%ED%A0%80",
  "x".repeat(2000),
  "not-a-uuid",
  "99999999999999999999",
];
const BAD_QUERY_VALUES = [
  "a%00b",
  "%E0%A4%A",
  "%ED%A0%80",
  "99999999999999999999",
  "1e309",
  "%25",
  "_",
  "y".repeat(5000),
];

/** A plausible JSON value for a schema: the base that one bad field at a time is put into. */
function plausible(schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 4) return "x";
  if (schema.default !== undefined) return schema.default;
  const enumValues = schema.enum as unknown[] | undefined;
  if (enumValues?.length) return enumValues[0];
  const options = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (options.length) return plausible(options[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === "object") {
    const out: Record<string, unknown> = {};
    for (const name of schema.required ?? [])
      out[name] = plausible(schema.properties?.[name], depth + 1);
    return out;
  }
  if (type === "array") {
    const min = Number(schema.minItems ?? 0);
    return min > 0 ? [plausible(schema.items, depth + 1)] : [];
  }
  if (type === "integer" || type === "number") return Number(schema.minimum ?? 1);
  if (type === "boolean") return false;
  if (schema.format === "uuid") return randomUUID();
  return "fuzz";
}

/** Raw JSON texts of bad values for one body field (written by hand: JSON.stringify cannot). */
const BAD_JSON_VALUES = [
  '"a\\u0000b"',
  '"\\ud800x"',
  "1e400",
  "9223372036854775808",
  "null",
  "{}",
  `"${"z".repeat(70_000)}"`,
  "1.5",
  `${"[".repeat(200)}${"]".repeat(200)}`,
];
/** Fields past the first few get only the first (cheapest, most telling) values. */
const FULL_FIELDS = 3;
const SHORT_VALUES = 4;

function probesFor(path: string, method: string, op: OpenApiOperation): Probe[] {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === "path");
  const fill = (override?: { name: string; raw: string }) =>
    path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      override && override.name === name
        ? override.raw
        : encodeURIComponent(String(plausible(pathParams.find((p) => p.name === name)?.schema))),
    );
  const base = fill().replace(/^\/api\/v1/, "");
  const probes: Probe[] = [];
  const M = method.toUpperCase();
  for (const param of pathParams) {
    for (const raw of BAD_SEGMENTS) {
      probes.push({
        label: `path ${param.name}=${raw.slice(0, 20)}`,
        method: M,
        target: fill({ name: param.name, raw }).replace(/^\/api\/v1/, ""),
      });
    }
  }
  const queryNames = params.filter((p) => p.in === "query").map((p) => p.name);
  for (const [i, name] of queryNames.entries()) {
    for (const value of BAD_QUERY_VALUES.slice(0, i < FULL_FIELDS ? undefined : SHORT_VALUES)) {
      probes.push({
        label: `query ${name}=${value.slice(0, 20)}`,
        method: M,
        target: `${base}?${encodeURIComponent(name)}=${value}`,
      });
    }
  }
  // Strict query strings: a parameter the endpoint does not take (beside a body, any but `wait`).
  probes.push({
    label: "query unknown parameter",
    method: M,
    target: `${base}?bogusParam=1`,
    ...(M !== "GET" ? { body: "{}" } : {}),
    refusesField: M === "GET" ? "bogusParam" : "query.bogusParam",
  });
  probes.push({ label: "query name NUL", method: M, target: `${base}?a%00=1` });
  probes.push({ label: "query name bad escape", method: M, target: `${base}?%E0%A4%A=1` });
  probes.push({
    label: "bad x-request-id",
    method: M,
    target: base,
    headers: { "x-request-id": "a b\u00e9" },
  });
  probes.push({
    label: "huge header",
    method: M,
    target: base,
    headers: { "x-filler": "h".repeat(20_000) },
  });
  if (M === "POST") {
    probes.push({
      label: "bad Idempotency-Key",
      method: M,
      target: base,
      headers: { "idempotency-key": "ü".repeat(300) },
      body: "{}",
    });
  }
  const bodySchema = op.requestBody?.content["application/json"].schema;
  if (M !== "GET") {
    // Strict bodies: an otherwise valid body with one field the endpoint does not take.
    const valid = bodySchema ? (plausible(bodySchema) as Record<string, unknown>) : {};
    probes.push({
      label: "body unknown field",
      method: M,
      target: base,
      body: JSON.stringify({ ...valid, bogusField: 1 }),
      refusesField: "bogusField",
    });
  }
  if (bodySchema) {
    const valid = plausible(bodySchema) as Record<string, unknown>;
    const withField = (name: string, rawValue: string) => {
      const rest = JSON.stringify({ ...valid, [name]: undefined });
      return rest === "{}"
        ? `{${JSON.stringify(name)}:${rawValue}}`
        : `{${JSON.stringify(name)}:${rawValue},${rest.slice(1)}`;
    };
    for (const [i, name] of Object.keys(bodySchema.properties ?? {}).entries()) {
      for (const raw of BAD_JSON_VALUES.slice(0, i < FULL_FIELDS ? undefined : SHORT_VALUES)) {
        probes.push({
          label: `body ${name}=${raw.slice(0, 20)}`,
          method: M,
          target: base,
          body: withField(name, raw),
        });
      }
    }
    probes.push({ label: "body not JSON", method: M, target: base, body: "{nope" });
    probes.push({ label: "body array", method: M, target: base, body: "[1]" });
    probes.push({
      label: "body invalid UTF-8",
      method: M,
      target: base,
      body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    probes.push({
      label: "body text/plain",
      method: M,
      target: base,
      body: "{}",
      headers: { "content-type": "text/plain" },
    });
    probes.push({
      label: "body too large",
      method: M,
      target: base,
      body: `{"a":"${"b".repeat(1_100_000)}"}`,
    });
  }
  return probes;
}

let sent = 0;

async function send(probe: Probe, token: string): Promise<{ status: number; text: string }> {
  sent++;
  const headers = new Headers({ authorization: `Bearer ${token}` });
  for (const [name, value] of Object.entries(probe.headers ?? {})) {
    try {
      headers.set(name, value);
    } catch {
      // A value fetch's Headers refuses (non-Latin-1) cannot be sent by an HTTP client either.
      headers.set(name, encodeURIComponent(value));
    }
  }
  if (probe.body !== undefined && !headers.has("content-type"))
    headers.set("content-type", "application/json");
  const request = new Request(`http://127.0.0.1:3000/api/v1${probe.target}`, {
    method: probe.method,
    headers,
    // Bytes go as a fresh ArrayBuffer: fetch's BodyInit takes no view over a shared buffer.
    ...(probe.body !== undefined
      ? { body: typeof probe.body === "string" ? probe.body : Uint8Array.from(probe.body).buffer }
      : {}),
  });
  const response = await handleRest(request, [], { db: w.db });
  return { status: response.status, text: await response.text() };
}

/**
 * A digest of every table a call could change, without columns that move on their own and
 * without the VF counts derived from the VF rows digested here (per PF, cluster and L2: a read
 * refreshes a stale cluster's sums, and the L2 sums follow by trigger), nor the child-row counts
 * derived from the VM, NIC and host rows (the database appends and folds them on its own
 * schedule, so they move with no request at all).
 */
async function stateDigest(): Promise<string> {
  const tables = await w.db.$queryRaw<Array<{ name: string }>>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
      AND table_name NOT IN ('AuditEvent', 'IdempotencyRecord', 'Session', '_prisma_migrations',
        'VfStateCount', 'ClusterVfCount', 'ClusterVfCountFresh', 'ClusterVfCountStale',
        'RowCount', 'L2VfCount')`;
  const parts: string[] = [];
  for (const { name } of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    const rows = await w.db.$queryRawUnsafe<Array<{ digest: string | null }>>(
      `SELECT md5(string_agg((to_jsonb(t) - 'lastUsedAt' - 'lastSeenAt' - 'updatedAt' - 'stateChangedAt')::text, ',' ORDER BY (to_jsonb(t) - 'lastUsedAt' - 'lastSeenAt' - 'updatedAt' - 'stateChangedAt')::text)) AS digest FROM "${name}" t`,
    );
    parts.push(`${name}:${rows[0]?.digest ?? "-"}`);
  }
  return parts.join(" ");
}

describe("fuzz of every /api/v1 operation", () => {
  it("answers hostile input with a 4xx { code, message, details }, never a 5xx, changing nothing", async () => {
    const doc = (await rest(w.db, "GET", "/openapi.json")).body as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    const failures: string[] = [];
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations++;
        const probes = probesFor(path, method, op);
        for (const [who, token] of [
          ["admin", adminToken],
          ["tenant", w.a.token],
        ] as const) {
          const before = await stateDigest();
          let only4xx = true;
          for (const probe of probes) {
            const { status, text } = await send(probe, token);
            const where = `${who} ${probe.method} ${path} [${probe.label}] → ${status}`;
            if (status >= 500) failures.push(`${where}: ${text.slice(0, 200)}`);
            if (
              probe.refusesField &&
              (status !== 400 ||
                !text.includes('"VALIDATION_FAILED"') ||
                !text.includes(`"${probe.refusesField}":`))
            )
              failures.push(
                `${where}: not a 400 naming ${probe.refusesField}: ${text.slice(0, 160)}`,
              );
            if (status < 400) {
              only4xx = false;
              continue;
            }
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              body = null;
            }
            const shaped =
              body !== null &&
              typeof body === "object" &&
              typeof (body as { code?: unknown }).code === "string" &&
              typeof (body as { message?: unknown }).message === "string" &&
              typeof (body as { details?: unknown }).details === "object" &&
              (body as { details?: unknown }).details !== null;
            if (!shaped)
              failures.push(`${where}: not { code, message, details }: ${text.slice(0, 120)}`);
          }
          if (only4xx && (await stateDigest()) !== before) {
            failures.push(`${who} ${method.toUpperCase()} ${path}: state changed on 4xx answers`);
          }
        }
      }
    }
    console.log(`[fuzz] ${operations} operations, ${sent} requests, ${failures.length} failures`);
    expect(failures.slice(0, 40)).toEqual([]);
    expect(operations).toBeGreaterThan(50);
  }, 600_000);
});
