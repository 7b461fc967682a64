import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./lib/paths";
import { CHECKED_PROJECTS, uncheckedFiles } from "./typecheck-coverage";

describe("typecheck coverage", () => {
  it("names a TypeScript file that no checked tsconfig includes", () => {
    const root = path.join(repoRoot, "test-results", "typecheck-coverage");
    rmSync(root, { recursive: true, force: true });
    for (const dir of ["src", "test", "node_modules/x", ".next-1"])
      mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({ include: ["src"] }));
    for (const file of [
      "src/a.ts",
      "test/b.test.ts",
      "c.config.ts",
      "node_modules/x/d.ts",
      ".next-1/e.ts",
    ])
      writeFileSync(path.join(root, file), "export {};\n");
    expect(uncheckedFiles(root, ["tsconfig.json"]).sort()).toEqual([
      "c.config.ts",
      "test/b.test.ts",
    ]);
  });

  it("finds every TypeScript file of this repository in a project that `npm run typecheck` checks", () => {
    expect(uncheckedFiles(repoRoot, CHECKED_PROJECTS)).toEqual([]);
  });
});
