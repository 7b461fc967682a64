// First-load JS per console route, gzipped: what a browser downloads before a page is usable.
// Reads Next's own per-route chunk list (diagnostics/route-bundle-stats.json) from a production
// build of the current sources: one the stack or a test run already made, else a fresh one.
// The baseline is the target (150 kB gzipped for the largest route), so the ratio says how far
// each route is from it (below 1.000× is under target).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { repoRoot } from "../scripts/lib/paths";
import { ensureWebBuild, hashSources } from "../scripts/lib/web-build";
import { ratio } from "./lib/stats";

const TARGET_KB = 150;
const webDir = path.join(repoRoot, "apps/web");

interface RouteStats {
  route: string;
  firstLoadChunkPaths: string[];
}

/** A build directory whose source stamp matches the working tree, or a fresh build. */
async function currentBuild(): Promise<string> {
  const wanted = hashSources();
  const fresh = readdirSync(webDir)
    .filter((name) => name.startsWith(".next"))
    .find((name) => {
      const stamp = path.join(webDir, name, "virtfn-source-hash");
      const stats = path.join(webDir, name, "diagnostics", "route-bundle-stats.json");
      return existsSync(stamp) && existsSync(stats) && readFileSync(stamp, "utf8") === wanted;
    });
  if (fresh) {
    console.log(`using the build in apps/web/${fresh} (made from the current sources)`);
    return fresh;
  }
  await ensureWebBuild(".next-bench", (line) => console.log(line), true);
  return ".next-bench";
}

const distDir = await currentBuild();
const routes = JSON.parse(
  readFileSync(path.join(webDir, distDir, "diagnostics", "route-bundle-stats.json"), "utf8"),
) as RouteStats[];

// Chunks are shared between routes: gzip each file once.
const gzipped = new Map<string, number>();
const sizeOf = (chunk: string) => {
  let size = gzipped.get(chunk);
  if (size === undefined) {
    size = gzipSync(readFileSync(path.join(webDir, chunk)), { level: 9 }).length;
    gzipped.set(chunk, size);
  }
  return size;
};
const measured = routes
  .map((r) => ({
    route: r.route,
    kb: r.firstLoadChunkPaths.reduce((s, c) => s + sizeOf(c), 0) / 1024,
  }))
  .sort((a, b) => b.kb - a.kb);

console.log(`first-load JS, gzipped (level 9), ${measured.length} routes:`);
for (const { route, kb } of measured) console.log(`  ${route.padEnd(28)} ${kb.toFixed(1)} kB`);
// Where the bytes are: Next's own root files (React DOM, the router, Turbopack's runtime) load
// on every page; the rest of the shared part is the root layout's client code (data layer,
// error and not-found boundaries). Only the remainder belongs to a route.
const kbOf = (chunks: string[]) => chunks.reduce((s, c) => s + sizeOf(c), 0) / 1024;
const buildManifest = JSON.parse(
  readFileSync(path.join(webDir, distDir, "build-manifest.json"), "utf8"),
) as { rootMainFiles?: string[] };
const nextRoot = (buildManifest.rootMainFiles ?? []).map((f) => path.join(distDir, f));
const shared = routes
  .map((r) => r.firstLoadChunkPaths)
  .reduce(
    (common, chunks) => common.filter((c) => chunks.includes(c)),
    routes[0]?.firstLoadChunkPaths ?? [],
  );
console.log(`shared by every route: ${kbOf(shared).toFixed(1)} kB`);
console.log(`  of which Next's root files: ${kbOf(nextRoot).toFixed(1)} kB`);
const largest = measured[0];
if (largest) {
  const own = routes.find((r) => r.route === largest.route)?.firstLoadChunkPaths ?? [];
  const extra = own.filter((c) => !shared.includes(c));
  console.log(`${largest.route} beyond the shared part: ${kbOf(extra).toFixed(1)} kB`);
  console.log(`largest route: ${largest.route}`);
  console.log(ratio("largest first-load JS vs the 150 kB target", largest.kb, TARGET_KB, " kB"));
  const median = measured[Math.floor(measured.length / 2)];
  if (median) console.log(ratio("median route vs the target", median.kb, TARGET_KB, " kB"));
}
