// The OpenAPI document promises typed answers: every 2xx body of every endpoint is described down
// to its leaves (no `additionalProperties: true`, no schema-less objects), so a client generated
// from it (README, examples/ts-client) has typed bodies.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode } from "@virtfn/core";
import { describe, expect, it } from "vitest";
import { endpoints } from "../src/server/rest/endpoints";
import { openApiDocument } from "../src/server/rest/openapi";
import { inputSchemaOf, outputSchemaOf, procedureAt } from "../src/server/rest/schemas";

type Node = Record<string, unknown>;

/** Where, under `at`, a schema leaves a body untyped. */
function untypedSpots(schema: unknown, at: string, out: string[]): string[] {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) {
    out.push(`${at}: not a schema`);
    return out;
  }
  const node = schema as Node;
  if (typeof node.$ref === "string") return out;
  const combos = ["anyOf", "oneOf", "allOf"].filter((key) => Array.isArray(node[key]));
  for (const key of combos)
    (node[key] as unknown[]).forEach((member, i) =>
      untypedSpots(member, `${at}.${key}[${i}]`, out),
    );
  if (node.type === undefined && node.const === undefined && node.enum === undefined) {
    if (combos.length === 0) out.push(`${at}: no type`);
    return out;
  }
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.includes("object")) {
    const extra = node.additionalProperties;
    const properties = (node.properties ?? {}) as Record<string, unknown>;
    if (extra === true || (extra === undefined && Object.keys(properties).length === 0))
      out.push(`${at}: an object of anything`);
    if (extra && typeof extra === "object") untypedSpots(extra, `${at}[*]`, out);
    for (const [name, property] of Object.entries(properties))
      untypedSpots(property, `${at}.${name}`, out);
  }
  if (types.includes("array")) {
    if (node.items === undefined && node.prefixItems === undefined)
      out.push(`${at}: an array of anything`);
    if (node.items !== undefined) untypedSpots(node.items, `${at}[]`, out);
  }
  return out;
}

describe("the OpenAPI document", () => {
  const doc = openApiDocument();

  it("describes every 2xx body with a typed schema", () => {
    const spots: string[] = [];
    let bodies = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const responses = (operation as { responses: Record<string, Node> }).responses;
        const ok = Object.entries(responses).filter(([status]) => status.startsWith("2"));
        if (ok.length === 0) spots.push(`${method} ${path}: no 2xx response`);
        for (const [status, response] of ok) {
          const content = response.content as Record<string, { schema?: unknown }> | undefined;
          const schema = content?.["application/json"]?.schema;
          bodies += 1;
          untypedSpots(schema, `${method.toUpperCase()} ${path} ${status}`, spots);
        }
      }
    }
    for (const [name, schema] of Object.entries(doc.components.schemas))
      untypedSpots(schema, `#/components/schemas/${name}`, spots);
    expect(bodies).toBeGreaterThan(80);
    expect(spots).toEqual([]);
  });

  it("takes every route from a procedure's meta, with its path parameters among the input fields", () => {
    const problems: string[] = [];
    for (const endpoint of endpoints) {
      const where = `${endpoint.method} ${endpoint.path} (${endpoint.procedure})`;
      const procedure = procedureAt(endpoint.procedure);
      if (procedure?._def.meta?.rest?.route !== `${endpoint.method} ${endpoint.path}`)
        problems.push(`${where}: not the route its procedure declares`);
      // A GET runs a query and changes nothing; every other method runs a mutation.
      const type = endpoint.method === "GET" ? "query" : "mutation";
      if (procedure?._def.type !== type) problems.push(`${where}: a ${procedure?._def.type}`);
      if (!outputSchemaOf(endpoint.procedure)) problems.push(`${where}: no .output()`);
      const fields = Object.keys(inputSchemaOf(endpoint.procedure)?.properties ?? {});
      for (const segment of endpoint.path.split("/").filter((s) => s.startsWith(":")))
        if (!fields.includes(segment.slice(1)))
          problems.push(`${where}: ${segment} is not an input field`);
    }
    expect(problems).toEqual([]);
    expect(endpoints.length).toBe(Object.values(doc.paths).flatMap(Object.keys).length);
  });

  it("resolves every reference inside the document", () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    const names = new Set(Object.keys(doc.components.schemas));
    const broken = [...new Set(refs)]
      .map((ref) => ref.slice('"$ref":"'.length, -1))
      .filter(
        (ref) => !ref.startsWith("#/components/schemas/") || !names.has(ref.split("/").pop() ?? ""),
      );
    expect(broken).toEqual([]);
  });

  it("documents every error code core raises and every code the REST layer answers itself", () => {
    const documented = new Set(
      (doc.components.schemas.Error as { properties: { code: { enum: string[] } } }).properties.code
        .enum,
    );
    const restDir = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      "../src/server/rest",
    );
    const restCodes = readdirSync(restDir)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => {
        const text = readFileSync(path.join(restDir, f), "utf8");
        return [...text.matchAll(/(?:code: |errorBody\(\s*)"([A-Z][A-Z_]+)"/g)].map((m) => m[1]);
      });
    expect(restCodes).toContain("ROUTE_NOT_FOUND");
    expect(restCodes).toContain("UNSUPPORTED_MEDIA_TYPE");
    const missing = [...new Set([...Object.values(ErrorCode), ...restCodes])].filter(
      (code) => code && !documented.has(code),
    );
    expect(missing).toEqual([]);
    expect(documented.has("IDEMPOTENCY_IN_PROGRESS")).toBe(true);
  });
});
