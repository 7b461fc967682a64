// Part of `npm run typecheck`: every TypeScript file in the repository must belong to a tsconfig
// that the typecheck runs, so a test, config or script cannot drift out of type checking unseen.
import { readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { repoRoot } from "./lib/paths";

/** The projects `npm run typecheck` checks: each workspace (through turbo), the root, scripts, bench. */
export const CHECKED_PROJECTS = [
  "tsconfig.json",
  "scripts/tsconfig.json",
  "bench/tsconfig.json",
  "apps/agent/tsconfig.json",
  "apps/web/tsconfig.json",
  "apps/worker/tsconfig.json",
  "packages/agent-client/tsconfig.json",
  "packages/core/tsconfig.json",
  "packages/db/tsconfig.json",
  "packages/telemetry/tsconfig.json",
];

/** Files checked another way, and by what. */
const CHECKED_ELSEWHERE: Record<string, string> = {
  // It imports types generated from the live OpenAPI document; the test generates them and compiles it.
  "apps/web/examples/ts-client/create-vm.ts": "apps/web/test/ts-client.test.ts",
};

const SKIP_DIRS = new Set([
  "node_modules",
  "generated",
  "test-results",
  "playwright-report",
  "coverage",
  "dist",
]);

export function typeScriptFiles(root: string, dir = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    // Dot folders are build output and tool state (.next-*, .data, .turbo, .git).
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && !SKIP_DIRS.has(entry.name))
        found.push(...typeScriptFiles(root, relative));
    } else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
      found.push(relative.split(path.sep).join("/"));
    }
  }
  return found;
}

export function filesOfProject(root: string, tsconfig: string): Set<string> {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, tsconfig),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${tsconfig}`);
  return new Set(
    parsed.fileNames.map((file) => path.relative(root, file).split(path.sep).join("/")),
  );
}

export function uncheckedFiles(root: string, projects: string[]): string[] {
  const checked = new Set<string>();
  for (const project of projects)
    for (const file of filesOfProject(root, project)) checked.add(file);
  return typeScriptFiles(root).filter((file) => !checked.has(file) && !(file in CHECKED_ELSEWHERE));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const unchecked = uncheckedFiles(repoRoot, CHECKED_PROJECTS);
  if (unchecked.length > 0) {
    console.error(
      `These TypeScript files belong to no type-checked tsconfig (${CHECKED_PROJECTS.join(", ")}):`,
    );
    for (const file of unchecked) console.error(`  ${file}`);
    process.exit(1);
  }
  console.log(`typecheck covers every TypeScript file (${CHECKED_PROJECTS.length} projects)`);
}
