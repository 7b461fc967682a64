// Issue 15 (first-load JS of the largest route under 150 kB gzipped): a form's libraries are
// about 50 kB gzipped (zod 36 kB, react-hook-form 15 kB), more than any page's own code. A page
// gets them when a dialog opens, through next/dynamic; a static import anywhere below the page
// puts them in its first load (the L2 network page paid 229 kB for its Create L3 form).
// bench/first-load-js.ts measures the build; this test names the import that brings them.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const webSrc = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
const appDir = join(webSrc, "app");

/** Form libraries: fine in a dialog loaded on demand, too heavy for a page's first paint. */
const formLibraries = ["zod", "react-hook-form", "@hookform/resolvers", "@virtfn/core/schemas"];

/**
 * Pages that still reach a form library on first paint, with the import that brings it. Each
 * entry is a known cost to remove, not a licence: the test fails when a page not listed here
 * gains one, and when a listed page loses it (so the list shrinks with the fix).
 */
const knownFirstPaintForms: Record<string, string> = {};

function resolveSource(spec: string, from: string): string | null {
  const base = spec.startsWith("~/") ? join(webSrc, spec.slice(2)) : resolve(dirname(from), spec);
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, "index.ts"),
    join(base, "index.tsx"),
  ])
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return null;
}

/**
 * The packages the browser loads up front for a page or layout: those reached by static runtime
 * imports below a "use client" module (type-only and dynamic imports load nothing up front;
 * server modules send only what they render).
 */
function firstPaintPackages(entry: string): Map<string, string> {
  const reachedBy = new Map<string, string>();
  const seen = new Set<string>();
  const queue: { file: string; client: boolean }[] = [{ file: entry, client: false }];
  while (queue.length) {
    const { file, client: parentIsClient } = queue.shift() as { file: string; client: boolean };
    const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    const client = parentIsClient || /^\s*(?:\/\/.*\n\s*)*["']use client["']/.test(source);
    const key = `${client ? "client" : "server"}:${file}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pattern = /^(?:import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?"([^"]+)";/gms;
    for (const [, typeOnly, spec] of source.matchAll(pattern)) {
      if (typeOnly || !spec) continue;
      if (spec.startsWith(".") || spec.startsWith("~/")) {
        const target = resolveSource(spec, file);
        if (target) queue.push({ file: target, client });
      } else if (client && !reachedBy.has(spec)) reachedBy.set(spec, relative(webSrc, file));
    }
  }
  return reachedBy;
}

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === "api" ? [] : pages(full);
    return name === "page.tsx" || name === "layout.tsx" ? [full] : [];
  });
}

describe("first paint of each page", () => {
  const found = pages(appDir).map((page) => {
    const reached = firstPaintPackages(page);
    const forms = formLibraries.filter((lib) => reached.has(lib));
    return {
      page: relative(appDir, page),
      forms: forms.map((lib) => `${lib} (imported by ${reached.get(lib)})`),
      first: forms[0],
    };
  });

  it("walks every page and layout of the console", () => {
    expect(found.length).toBeGreaterThan(20);
  });

  it("reaches no form library except the known ones, which still do", () => {
    const unexpected = found.filter((p) => p.forms.length && !knownFirstPaintForms[p.page]);
    expect(unexpected.map((p) => `${p.page}: ${p.forms.join(", ")}`)).toEqual([]);
    for (const [page, lib] of Object.entries(knownFirstPaintForms))
      expect(found.find((p) => p.page === page)?.first, page).toBe(lib);
  });
});

/**
 * The client data layer (react-query and the tRPC client, ~22 kB gzipped). A page that fetches in
 * the browser loads it with itself, by rendering TRPCReactProvider in its page.tsx; a layout or
 * the root error pages would put it in every page's first load, server-rendered ones included.
 */
const dataLayer = [
  "@tanstack/react-query",
  "@trpc/client",
  "@trpc/tanstack-react-query",
  "superjson",
];

/** Pages rendered by the server from core, with no client data layer on first paint. */
const serverRenderedPages = ["(console)/audit/page.tsx"];

describe("the client data layer on first paint", () => {
  const entries = [...pages(appDir), join(appDir, "error.tsx"), join(appDir, "not-found.tsx")];
  const reaching = entries.map((file) => {
    const reached = firstPaintPackages(file);
    return {
      entry: relative(appDir, file),
      source: readFileSync(file, "utf8"),
      dataLayer: dataLayer
        .filter((lib) => reached.has(lib))
        .map((lib) => `${lib} (imported by ${reached.get(lib)})`),
    };
  });

  it("is in no layout, no root error page and no server-rendered page", () => {
    const shared = reaching.filter(
      (e) => !e.entry.endsWith("page.tsx") || serverRenderedPages.includes(e.entry),
    );
    expect(shared.length).toBeGreaterThan(serverRenderedPages.length);
    expect(shared.flatMap((e) => e.dataLayer.map((lib) => `${e.entry}: ${lib}`))).toEqual([]);
  });

  it("comes with TRPCReactProvider on every page that uses it", () => {
    const bare = reaching.filter(
      (e) => e.dataLayer.length && !e.source.includes("<TRPCReactProvider>"),
    );
    expect(bare.map((e) => `${e.entry}: ${e.dataLayer.join(", ")}`)).toEqual([]);
  });
});
