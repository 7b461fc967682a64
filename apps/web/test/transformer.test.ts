// The console's tRPC transformer carries Dates only (src/trpc/transformer.ts). It replaced superjson
// (about 4 kB gzipped in every page's first load) on two conditions this test keeps: procedures
// answer nothing else JSON cannot carry, and the wire stays superjson's for clients written for it.
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import * as outputs from "../src/server/routers/outputs.generated";
import { deserialize, serialize } from "../src/trpc/transformer";

/** Over the wire: what the other end parses. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const page = {
  items: [
    { id: "a", at: new Date("2026-01-31T12:00:00.000Z"), finishedAt: null, tags: ["x"] },
    // A string that looks like a time stays a string; keys with dots and backslashes keep theirs.
    {
      id: "b",
      at: new Date(0),
      details: { "range.cidr": new Date(1), "a\\b": "2026-01-31T12:00:00.000Z" },
    },
  ],
  nextCursor: null,
  total: 2,
};

describe("the Date transformer", () => {
  it("brings Dates back where they were, at any depth and at the root", () => {
    expect(deserialize(wire(serialize(page)))).toEqual(page);
    expect(deserialize(wire(serialize(new Date(5))))).toEqual(new Date(5));
    expect(deserialize(wire(serialize({ n: 1, s: "t", b: false, z: null })))).toEqual({
      n: 1,
      s: "t",
      b: false,
      z: null,
    });
  });

  it("speaks superjson's wire both ways", () => {
    expect(deserialize(wire(superjson.serialize(page)))).toEqual(page);
    expect(superjson.deserialize(wire(serialize(page)) as never)).toEqual(page);
    // What the e2e helpers send: {json} with no meta.
    expect(deserialize({ json: { limit: 25 } })).toEqual({ limit: 25 });
  });

  it("lets no path in a request reach an object's prototype", () => {
    const json = {};
    for (const path of ["__proto__.polluted", "constructor.prototype.polluted"])
      deserialize({ json, meta: { values: { [path]: ["Date"] } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** The zod types a procedure's output may hold: JSON's, plus Dates. */
const carried = new Set([
  "string",
  "number",
  "boolean",
  "null",
  "enum",
  "literal",
  "date",
  "object",
  "array",
  "union",
  "optional",
  "nullable",
  "pipe",
  "lazy",
  "record",
  "unknown",
]);

function typesIn(schema: z.ZodType, seen = new Set<unknown>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const children: unknown[] = [
    def.innerType,
    def.element,
    def.in,
    def.out,
    def.valueType,
    def.keyType,
    ...(Array.isArray(def.options) ? def.options : []),
    ...(def.shape && typeof def.shape === "object" ? Object.values(def.shape) : []),
    ...(typeof def.getter === "function" ? [(def.getter as () => unknown)()] : []),
  ];
  return [
    def.type,
    ...children.flatMap((c) =>
      c && typeof c === "object" && "_zod" in c ? typesIn(c as z.ZodType, seen) : [],
    ),
  ];
}

describe("what procedures answer", () => {
  it("is JSON and Dates only (a Map, Set or bigint needs more than the Date transformer)", () => {
    const found = new Set<string>();
    for (const group of Object.values(outputs))
      for (const schema of "_zod" in group ? [group] : Object.values(group))
        for (const type of typesIn(schema as z.ZodType)) found.add(type);
    expect([...found].filter((type) => !carried.has(type))).toEqual([]);
    expect(found.has("date")).toBe(true);
  });
});
