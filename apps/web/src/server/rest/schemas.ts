// The procedures' input schemas, as JSON Schema (zod 4's toJSONSchema), for query coercion and the
// OpenAPI document. Procedures are looked up in the appRouter by their dotted path.
import { z } from "zod";
import { appRouter } from "../root";
import { json } from "../routers/outputs.generated";
import type { ProcedureMeta } from "./route";

type JsonSchema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
};
export type { JsonSchema };

interface ProcedureLike {
  _def: {
    type: "query" | "mutation" | "subscription";
    inputs: unknown[];
    output?: unknown;
    meta?: ProcedureMeta;
  };
}

export function procedureAt(path: string): ProcedureLike | undefined {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    ProcedureLike | undefined
  >;
  return procedures[path];
}

/** Every procedure's dotted path, in the order the routers declare them. */
export function declaredProcedurePaths(): string[] {
  return Object.keys(appRouter._def.procedures as unknown as Record<string, unknown>);
}

export function allProcedurePaths(): string[] {
  return declaredProcedurePaths().sort();
}

const cache = new Map<string, JsonSchema | null>();

/** The procedure's input as one JSON Schema object (several .input() calls are merged), or null. */
export function inputSchemaOf(path: string): JsonSchema | null {
  if (cache.has(path)) return cache.get(path) ?? null;
  const procedure = procedureAt(path);
  let result: JsonSchema | null = null;
  for (const parser of procedure?._def.inputs ?? []) {
    if (!(parser instanceof z.ZodType)) continue;
    const schema = z.toJSONSchema(parser, {
      io: "input",
      unrepresentable: "any",
      target: "draft-2020-12",
    }) as JsonSchema;
    delete schema.$schema;
    if (!result) result = schema;
    else {
      const previous: JsonSchema = result;
      result = {
        ...previous,
        properties: { ...(previous.properties ?? {}), ...(schema.properties ?? {}) },
        required: [...new Set([...(previous.required ?? []), ...(schema.required ?? [])])],
      };
    }
  }
  cache.set(path, result);
  return result;
}

/** The JSON types a property accepts ("integer", "boolean", …), looking through anyOf/oneOf. */
export function typesOf(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  const own = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(typesOf);
  return [...own, ...nested];
}

/** Query strings carry text: turn "25" into 25 and "true" into true where the schema wants that. */
export function coerceQuery(path: string, params: URLSearchParams): Record<string, unknown> {
  const properties = inputSchemaOf(path)?.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    const types = typesOf(properties[name]);
    const one = (value: string): unknown => {
      if ((types.includes("integer") || types.includes("number")) && /^-?\d+(\.\d+)?$/.test(value))
        return Number(value);
      if (types.includes("boolean") && /^(true|false|1|0)$/.test(value))
        return value === "true" || value === "1";
      if (types.includes("null") && value === "null") return null;
      return value;
    };
    out[name] = types.includes("array") ? values.map(one) : one(values[values.length - 1] ?? "");
  }
  return out;
}

/** Where the OpenAPI document keeps the schema of a JSON column's value (it is recursive). */
export const JSON_VALUE_REF = "#/components/schemas/JsonValue";

/**
 * Replaces `{$ref: "#/$defs/x"}` by the definition: zod gives recursive schemas (only the JSON
 * column's value here) local definitions, which mean nothing once the schema sits inside the
 * OpenAPI document; the definition itself is a reference to the document's JsonValue.
 */
function inlineDefs(node: unknown, defs: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineDefs(item, defs));
  if (!node || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  const ref = record.$ref;
  if (typeof ref === "string" && ref.startsWith("#/$defs/")) {
    const target = defs[ref.slice("#/$defs/".length)];
    if (!target) throw new Error(`unresolved ${ref}`);
    return inlineDefs(target, defs);
  }
  return Object.fromEntries(
    Object.entries(record)
      .filter(([key]) => key !== "$defs" && key !== "$schema")
      .map(([key, value]) => [key, inlineDefs(value, defs)]),
  );
}

const outputCache = new Map<string, JsonSchema | null>();

/**
 * The procedure's output (its `.output()` schema) as JSON Schema, as the REST layer sends it:
 * dates as ISO strings, bigints as decimal strings, JSON columns as JsonValue. Null when the
 * procedure declares none.
 */
export function outputSchemaOf(path: string): JsonSchema | null {
  if (outputCache.has(path)) return outputCache.get(path) ?? null;
  const parser = procedureAt(path)?._def.output;
  let result: JsonSchema | null = null;
  if (parser instanceof z.ZodType) {
    const schema = z.toJSONSchema(parser, {
      io: "output",
      unrepresentable: "any",
      target: "draft-2020-12",
      override: (ctx) => {
        const type = ctx.zodSchema._zod.def.type;
        if ((ctx.zodSchema as unknown) === json) {
          for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
          ctx.jsonSchema.$ref = JSON_VALUE_REF;
        } else if (type === "date") {
          ctx.jsonSchema.type = "string";
          ctx.jsonSchema.format = "date-time";
        } else if (type === "bigint") {
          ctx.jsonSchema.type = "string";
          ctx.jsonSchema.pattern = "^-?[0-9]+$";
        }
      },
    }) as JsonSchema;
    result = inlineDefs(
      schema,
      (schema.$defs as Record<string, unknown> | undefined) ?? {},
    ) as JsonSchema;
  }
  outputCache.set(path, result);
  return result;
}

/**
 * The fields of `value` that `schema` does not declare, as dotted paths ("bogus", "nics.0.x"):
 * zod's objects drop unknown keys silently, so a misspelt field would be ignored instead of
 * refused. Looks through nested objects and arrays; a union is checked against the declared
 * fields of all its object members.
 */
export function unknownFields(schema: JsonSchema | undefined, value: unknown, at = ""): string[] {
  if (!schema || value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) {
    const items =
      schema.items ??
      [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].find((v) => v.items)?.items;
    return value.flatMap((item, i) => unknownFields(items, item, `${at}${i}.`));
  }
  const objects = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].filter(
    (s) => s.properties !== undefined,
  );
  if (
    objects.length === 0 ||
    objects.some((s) => s.additionalProperties !== undefined && s.additionalProperties !== false)
  )
    return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const declared = objects.map((s) => s.properties?.[key]).find((p) => p !== undefined);
    if (!declared) out.push(`${at}${key}`);
    else out.push(...unknownFields(declared, child, `${at}${key}.`));
  }
  return out;
}
