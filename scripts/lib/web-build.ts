import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./paths";
import { spawnManaged } from "./processes";

// The web app runs as a production build (`next start`): pages answer at once instead of
// compiling on first visit. The build is reused while nothing it is made from has changed.
const SOURCES = [
  "apps/web/src",
  "apps/web/next.config.ts",
  "apps/web/package.json",
  "packages/core/src",
  "packages/db/src",
  "packages/agent-client/src",
  "package-lock.json",
  "prisma/schema.prisma",
];
const SKIP = new Set(["node_modules", "generated", "test-results"]);
const webDir = path.join(repoRoot, "apps/web");

/** The build directory (relative to apps/web) that belongs to one data folder. */
export function distDirFor(dataDir: string): string {
  return `.next-${createHash("sha1").update(path.resolve(dataDir)).digest("hex").slice(0, 8)}`;
}

export function hashSources(): string {
  const hash = createHash("sha256");
  const visit = (full: string) => {
    const stat = statSync(full);
    if (stat.isDirectory()) {
      for (const name of readdirSync(full).sort())
        if (!SKIP.has(name)) visit(path.join(full, name));
      return;
    }
    if (/\.test\.tsx?$/.test(full)) return;
    hash.update(path.relative(repoRoot, full));
    hash.update(readFileSync(full));
  };
  for (const source of SOURCES) {
    const full = path.join(repoRoot, source);
    if (existsSync(full)) visit(full);
  }
  return hash.digest("hex");
}

export async function ensureWebBuild(
  distDir: string,
  log: (line: string) => void,
  quiet: boolean,
  logFile?: string,
): Promise<void> {
  const stampFile = path.join(webDir, distDir, "virtfn-source-hash");
  const wanted = hashSources();
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === wanted) {
    log("web build is up to date");
    return;
  }
  log("building the web app (next build; reused on later starts until the sources change) …");
  const started = Date.now();
  const build = spawnManaged(
    "build",
    path.join(repoRoot, "node_modules", ".bin", "next"),
    ["build"],
    // Production whoever builds: a test that builds from inside vitest has NODE_ENV=test, and the
    // build is reused by `npm start` and the e2e stack.
    { NEXT_TELEMETRY_DISABLED: "1", VIRTFN_NEXT_DIST_DIR: distDir, NODE_ENV: "production" },
    { cwd: webDir, quiet, logFile },
  );
  // next build prints nothing for minutes on a loaded machine: say that it is still working.
  const progress = setInterval(
    () => log(`still building the web app (${((Date.now() - started) / 1000).toFixed(0)} s) …`),
    30_000,
  );
  const code = await new Promise<number>((resolve) =>
    build.child.on("exit", (exitCode) => resolve(exitCode ?? 1)),
  );
  clearInterval(progress);
  if (code !== 0) throw new Error(`next build failed with exit code ${code}`);
  mkdirSync(path.dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, wanted);
  log(`web app built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
