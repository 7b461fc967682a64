// /api/docs: a self-contained HTML page rendering the OpenAPI document (no script, nothing external).
import { TAGS } from "./route";
import { openApiDocument } from "./openapi";
import type { JsonSchema } from "./schemas";

const esc = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** Escaped text with `backticks` as <code>. */
const md = (value: unknown) => esc(value).replace(/`([^`]+)`/g, "<code>$1</code>");

function typeLabel(schema: JsonSchema | undefined): string {
  if (!schema) return "any";
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop() ?? "object";
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (variants.length) return variants.map(typeLabel).join(" | ");
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  if (type === "array") return `${typeLabel(schema.items)}[]`;
  return schema.format ? `${type} (${String(schema.format)})` : type;
}

function constraints(schema: JsonSchema): string {
  const parts: string[] = [];
  for (const key of [
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
  ]) {
    if (schema[key] !== undefined) parts.push(`${key} ${String(schema[key])}`);
  }
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(", ");
}

function nestedObject(schema: JsonSchema | undefined): JsonSchema | undefined {
  if (!schema) return undefined;
  if (schema.properties) return schema;
  if (schema.items?.properties) return schema.items;
  return [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].find((v) => v.properties);
}

function propertiesTable(schema: JsonSchema | undefined, depth = 0): string {
  const properties = schema?.properties;
  if (!properties || Object.keys(properties).length === 0) return `<p class="muted">No fields.</p>`;
  const required = new Set(schema?.required ?? []);
  const rows = Object.entries(properties)
    .map(([name, property]) => {
      const nested = depth < 3 ? nestedObject(property) : undefined;
      return `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ""}</td><td>${esc(typeLabel(property))}</td><td>${esc(constraints(property))}${typeof property.description === "string" ? `<div>${md(property.description)}</div>` : ""}${nested ? propertiesTable(nested, depth + 1) : ""}</td></tr>`;
    })
    .join("");
  return `<table><thead><tr><th>Field</th><th>Type</th><th>Notes</th></tr></thead><tbody>${rows}</tbody></table>`;
}

interface Param {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

interface Op {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Param[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { description: string }>;
  "x-trpc-procedure": string;
}

export function docsPageHtml(): string {
  const doc = openApiDocument();
  const ops: Array<{ method: string; path: string; op: Op }> = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods))
      ops.push({ method: method.toUpperCase(), path, op: op as Op });
  }
  const sections = TAGS.map((tag) => {
    const mine = ops.filter((o) => o.op.tags.includes(tag.name));
    if (mine.length === 0) return "";
    const items = mine
      .map(({ method, path, op }) => {
        const params = (op.parameters ?? [])
          .map(
            (p) =>
              `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ""}</td><td>${esc(p.in)}</td><td>${esc(typeLabel(p.schema))}</td><td>${esc(p.description ?? (p.schema ? constraints(p.schema) : ""))}</td></tr>`,
          )
          .join("");
        const body = op.requestBody?.content["application/json"].schema;
        const codes = Object.keys(op.responses)
          .filter((c) => c.startsWith("2"))
          .join(", ");
        return `<details id="${esc(op.operationId)}"><summary><span class="method m-${method.toLowerCase()}">${method}</span> <code class="path">${esc(path)}</code> <span class="sum">${esc(op.summary)}</span></summary>
<div class="op">${op.description ? `<p>${md(op.description)}</p>` : ""}
<p class="muted">Procedure <code>${esc(op["x-trpc-procedure"])}</code> · success ${esc(codes)} · errors 400, 401, 403, 404, 409, 429, 500 as <code>{ code, message, details }</code></p>
${params ? `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Notes</th></tr></thead><tbody>${params}</tbody></table>` : ""}
${body ? `<h4>JSON body</h4>${propertiesTable(body)}` : ""}</div></details>`;
      })
      .join("\n");
    return `<section id="tag-${esc(tag.name.replace(/\W+/g, "-"))}"><h2>${esc(tag.name)}</h2><p class="muted">${md(tag.description)}</p>${items}</section>`;
  }).join("\n");
  const toc = TAGS.map(
    (t) => `<li><a href="#tag-${esc(t.name.replace(/\W+/g, "-"))}">${esc(t.name)}</a></li>`,
  ).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>virtfn API reference</title><style>
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2937;background:#f8fafc}
body{margin:0}main{max-width:980px;margin:0 auto;padding:24px 16px 64px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.2rem;margin:32px 0 4px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}h4{margin:12px 0 6px;font-size:.9rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em;overflow-wrap:anywhere}
.muted{color:#64748b;font-size:.9rem}.intro{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px}
nav ul{display:flex;flex-wrap:wrap;gap:6px 14px;padding:0;list-style:none;margin:12px 0 0}
details{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin:8px 0}summary{cursor:pointer;padding:10px 12px;display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.op{padding:0 12px 12px}.sum{color:#334155}.path{font-weight:600}
.method{display:inline-block;min-width:58px;text-align:center;border-radius:4px;padding:2px 6px;font:600 .75rem ui-monospace,monospace;color:#fff}
.m-get{background:#2563eb}.m-post{background:#059669}.m-put{background:#b45309}.m-patch{background:#7c3aed}.m-delete{background:#dc2626}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:4px 0}th,td{border:1px solid #e2e8f0;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f1f5f9}
td table{margin-top:6px}.req{color:#b91c1c;font-size:.75rem}
a{color:#1d4ed8}
</style></head><body><main>
<h1>virtfn API reference</h1>
<p class="muted">OpenAPI ${esc(doc.openapi)} · ${ops.length} endpoints · machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p>
<div class="intro">
<p>${md(doc.info.description)}</p>
<p><code>curl -H "Authorization: Bearer $VIRTFN_KEY" http://127.0.0.1:3000/api/v1/vms</code></p>
</div>
<nav><ul>${toc}</ul></nav>
${sections}
</main></body></html>`;
}
