// tRPC's data transformer for the console and the server (both ends must agree). Procedures answer
// JSON plus Dates (outputs.generated.ts: no Map, Set or bigint; transformer.test.ts keeps it so),
// so this carries Dates only, in superjson's wire shape — `{json, meta: {values: {"items.0.at":
// ["Date"]}}}` — so that clients written against superjson (the e2e helpers, scripts) keep
// working, at a fraction of superjson's size in every page's first load.
import type { TRPCDataTransformer } from "@trpc/server";

interface Wire {
  json: unknown;
  meta?: { values?: Record<string, [string]> | [string]; v?: number };
}

/** superjson escapes dots and backslashes in a key; a path is the escaped keys joined by dots. */
const escapeKey = (key: string) => key.replace(/\\/g, "\\\\").replace(/\./g, "\\.");

function parsePath(path: string): string[] {
  const keys: string[] = [];
  let key = "";
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === "\\" && i + 1 < path.length) key += path[++i];
    else if (char === ".") {
      keys.push(key);
      key = "";
    } else key += char;
  }
  keys.push(key);
  return keys;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A JSON copy of `value` with each Date as its ISO string, and the Dates' paths. */
function encode(value: unknown, path: string, dates: string[]): unknown {
  if (value instanceof Date) {
    dates.push(path);
    return value.toISOString();
  }
  if (Array.isArray(value))
    return value.map((item, i) => encode(item, join(path, String(i)), dates));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      if (item !== undefined) out[key] = encode(item, join(path, escapeKey(key)), dates);
    return out;
  }
  return value;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object";

const join = (path: string, key: string) => (path === "" ? key : `${path}.${key}`);

/** superjson's "undefined" tag (its clients send it) means an absent value; others pass as sent. */
function revive(tag: string, value: unknown): unknown {
  if (tag === "Date" && typeof value === "string") return new Date(value);
  return tag === "undefined" ? undefined : value;
}

/** Keys a request could use to reach an object's prototype instead of its data. */
const unsafeKeys = new Set(["__proto__", "constructor", "prototype"]);

export function serialize(value: unknown): Wire {
  const dates: string[] = [];
  const json = encode(value, "", dates);
  if (dates.length === 0) return { json };
  if (dates.length === 1 && dates[0] === "") return { json, meta: { values: ["Date"], v: 1 } };
  return { json, meta: { values: Object.fromEntries(dates.map((p) => [p, ["Date"]])), v: 1 } };
}

export function deserialize(wire: unknown): unknown {
  const { json, meta } = (wire ?? {}) as Wire;
  const values = meta?.values;
  if (!values) return json;
  if (Array.isArray(values)) return revive(values[0], json);
  for (const [path, [tag]] of Object.entries(values)) {
    const keys = parsePath(path);
    if (keys.some((key) => unsafeKeys.has(key))) continue;
    const last = keys.pop() as string;
    let parent: unknown = json;
    for (const key of keys)
      parent = isObject(parent) && Object.hasOwn(parent, key) ? parent[key] : undefined;
    if (isObject(parent) && Object.hasOwn(parent, last)) parent[last] = revive(tag, parent[last]);
  }
  return json;
}

/** For initTRPC and the client's link: the same both ways. */
export const dateTransformer: TRPCDataTransformer = { serialize, deserialize };
