// The runner that decides CI's verdict, run against tiny spec folders: a spec that cannot load, a
// failing spec, a `.only` under CI and an undeclared skip each fail the run; a clean folder passes.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./lib/paths";
import {
  exitCodeFor,
  playwrightCounts,
  runPlaywright,
  runVitest,
  summaryLine,
  vitestCounts,
  type Counts,
} from "./lib/test-runner";

// Under the repository so the specs resolve vitest and @playwright/test from its node_modules.
const fixtures = path.join(repoRoot, "test-results", "runner-fixtures");

function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(fixtures, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

const VITEST_SPECS = {
  passing: `import { it, expect } from "vitest";\nit("adds", () => expect(1 + 1).toBe(2));\n`,
  cannotLoad: `import { it } from "vitest";\nimport "./no-such-module";\nit("never runs", () => undefined);\n`,
  failing: `import { it, expect } from "vitest";\nit("adds wrong", () => expect(1 + 1).toBe(3));\n`,
  only: `import { it, expect } from "vitest";\nit.only("focused", () => expect(1).toBe(1));\nit("hidden", () => expect(1).toBe(1));\n`,
  skipped: `import { it, expect } from "vitest";\nit("runs", () => expect(1).toBe(1));\nit.skip("forgotten", () => expect(1).toBe(1));\n`,
};

const PLAYWRIGHT_SPECS = {
  passing: `import { test, expect } from "@playwright/test";\ntest("adds", () => expect(1 + 1).toBe(2));\n`,
  cannotLoad: `import { test } from "@playwright/test";\nimport "./no-such-module";\ntest("never runs", () => undefined);\n`,
  failing: `import { test, expect } from "@playwright/test";\ntest("adds wrong", () => expect(1 + 1).toBe(3));\n`,
  only: `import { test, expect } from "@playwright/test";\ntest.only("focused", () => expect(1).toBe(1));\ntest("hidden", () => expect(1).toBe(1));\n`,
};

async function vitestOn(
  name: keyof typeof VITEST_SPECS,
  env: NodeJS.ProcessEnv = {},
): Promise<Counts> {
  const root = folder(`vitest-${name}`, {
    "vitest.config.ts": `export default { test: { include: ["*.test.ts"] } };\n`,
    "case.test.ts": VITEST_SPECS[name],
  });
  return runVitest({ root, output: path.join(root, "report.json"), env });
}

async function playwrightOn(
  name: keyof typeof PLAYWRIGHT_SPECS,
  env: NodeJS.ProcessEnv = {},
): Promise<Counts> {
  const dir = folder(`playwright-${name}`, {
    "playwright.config.ts": `export default { testDir: ".", workers: 1, outputDir: "artifacts" };\n`,
    "case.spec.ts": PLAYWRIGHT_SPECS[name],
  });
  return runPlaywright({
    config: path.join(dir, "playwright.config.ts"),
    cwd: dir,
    testDir: dir,
    output: path.join(dir, "report.json"),
    env,
  });
}

describe("the test runner's verdict (vitest)", () => {
  it("passes a folder whose tests pass", async () => {
    const counts = await vitestOn("passing");
    expect(counts).toMatchObject({ passed: 1, failed: 0, problems: [] });
    expect(exitCodeFor(counts)).toBe(0);
  });

  it("fails a spec that cannot load", async () => {
    const counts = await vitestOn("cannotLoad");
    expect(counts.failed).toBeGreaterThan(0);
    expect(counts.problems.join("\n")).toContain("case.test.ts failed outside its tests");
    expect(exitCodeFor(counts)).toBe(1);
  });

  it("fails a failing spec", async () => {
    const counts = await vitestOn("failing");
    expect(counts.failed).toBe(1);
    expect(exitCodeFor(counts)).toBe(1);
  });

  it("fails a .only under CI", async () => {
    const counts = await vitestOn("only", { CI: "true" });
    expect(exitCodeFor(counts)).toBe(1);
  });

  it("fails a skipped test that scripts/declared-skips.ts does not declare", async () => {
    const counts = await vitestOn("skipped");
    expect(counts).toMatchObject({ passed: 1, failed: 0, skipped: 1 });
    expect(counts.problems.join("\n")).toContain("forgotten");
    expect(exitCodeFor(counts)).toBe(1);
  });
});

describe("the test runner's verdict (Playwright)", () => {
  it("passes a folder whose specs pass", async () => {
    const counts = await playwrightOn("passing");
    expect(counts).toMatchObject({ passed: 1, failed: 0, problems: [] });
    expect(exitCodeFor(counts)).toBe(0);
  });

  it("fails a spec that cannot load", async () => {
    const counts = await playwrightOn("cannotLoad");
    expect(counts.failed).toBeGreaterThan(0);
    expect(counts.problems.join("\n")).toContain("no-such-module");
    expect(exitCodeFor(counts)).toBe(1);
  });

  it("fails a failing spec", async () => {
    const counts = await playwrightOn("failing");
    expect(counts.failed).toBe(1);
    expect(exitCodeFor(counts)).toBe(1);
  });

  it("fails a .only under CI", async () => {
    const counts = await playwrightOn("only", { CI: "true" });
    expect(exitCodeFor(counts)).toBe(1);
  });

  it("runs only the specs a filter names (npm test -- --e2e-only <spec>)", async () => {
    const dir = folder("playwright-filter", {
      "playwright.config.ts": `export default { testDir: ".", workers: 1, outputDir: "artifacts" };\n`,
      "wanted.spec.ts": PLAYWRIGHT_SPECS.passing,
      "other.spec.ts": PLAYWRIGHT_SPECS.failing,
    });
    const counts = await runPlaywright({
      config: path.join(dir, "playwright.config.ts"),
      cwd: dir,
      testDir: dir,
      output: path.join(dir, "report.json"),
      filters: ["wanted"],
    });
    expect(counts).toMatchObject({ passed: 1, failed: 0, problems: [] });
  });
});

describe("the e2e fixture every spec uses", () => {
  it("fails a test on an unexpected console error or page error, not on a declared one", async () => {
    const fixture = path.join(repoRoot, "apps/web/e2e/fixtures.ts");
    const dir = folder("playwright-browser-errors", {
      "playwright.config.ts": `export default { testDir: ".", workers: 1, outputDir: "artifacts", use: { launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" } } };\n`,
      "case.spec.ts": [
        `import { test } from ${JSON.stringify(fixture)};`,
        // First: after a failure Playwright starts a new worker, and each start launches Chromium.
        `test("declared console error", async ({ page, consoleErrors }) => {`,
        `  consoleErrors.allow(/expected boom/);`,
        `  await page.setContent("<script>console.error('expected boom')</script>");`,
        `});`,
        `test("console error", async ({ page }) => { await page.setContent("<script>console.error('boom')</script>"); });`,
        `test("page error", async ({ page }) => { await page.setContent("<script>throw new Error('bang')</script>"); });`,
      ].join("\n"),
    });
    const counts = await runPlaywright({
      config: path.join(dir, "playwright.config.ts"),
      cwd: dir,
      testDir: dir,
      output: path.join(dir, "report.json"),
    });
    expect(counts).toMatchObject({ passed: 1, failed: 2 });
  }, 180_000);

  it("is what every spec in apps/web/e2e imports its test from", () => {
    const e2e = path.join(repoRoot, "apps/web/e2e");
    const specs = readdirSync(e2e).filter((file) => file.endsWith(".spec.ts"));
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      const text = readFileSync(path.join(e2e, spec), "utf8");
      expect(text, spec).toMatch(/import \{[^}]*\btest\b[^}]*\} from "\.\/fixtures"/);
      expect(text, spec).not.toMatch(/import \{[^}]*\btest\b[^}]*\} from "@playwright\/test"/);
    }
  });
});

describe("the test runner's verdict (reports)", () => {
  const report = (stats: { expected: number; unexpected: number; skipped: number }) =>
    JSON.stringify({ stats: { ...stats, flaky: 0 }, errors: [], suites: [] });

  it("fails when Playwright ran no test although spec files exist", () => {
    expect(
      exitCodeFor(playwrightCounts(report({ expected: 0, unexpected: 0, skipped: 0 }), 0, 4)),
    ).toBe(1);
  });

  it("fails when a tool exits non-zero with nothing failed in its report", () => {
    expect(
      exitCodeFor(playwrightCounts(report({ expected: 3, unexpected: 0, skipped: 0 }), 1, 1)),
    ).toBe(1);
    const vitest = JSON.stringify({ numPassedTests: 3, numFailedTests: 0, testResults: [] });
    expect(exitCodeFor(vitestCounts(vitest, 1))).toBe(1);
  });

  it("fails when a tool writes no report", () => {
    expect(exitCodeFor(vitestCounts(undefined, 0))).toBe(1);
    expect(exitCodeFor(playwrightCounts(undefined, 0, 1))).toBe(1);
  });

  it("ends with a line that still starts `N passed, N failed`", () => {
    expect(summaryLine({ passed: 3, failed: 1, skipped: 2, problems: [] })).toMatch(
      /^3 passed, 1 failed, 2 skipped$/,
    );
  });
});
