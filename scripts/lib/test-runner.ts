// How `npm test` runs vitest and Playwright and reads their verdicts. The counts never trust a
// summary alone: a non-zero exit, a file that cannot load, an error outside any test, no tests
// where spec files exist, and a skip that nobody declared are each a failure.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DECLARED_SKIPS } from "../declared-skips";
import { repoRoot } from "./paths";

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  /** Why the run failed beyond failed tests: printed before the summary line. */
  problems: string[];
}

export const emptyCounts = (): Counts => ({ passed: 0, failed: 0, skipped: 0, problems: [] });

export function addCounts(total: Counts, more: Counts): void {
  total.passed += more.passed;
  total.failed += more.failed;
  total.skipped += more.skipped;
  total.problems.push(...more.problems);
}

/** The last line CI reads; `N passed, N failed` stays its prefix. */
export function summaryLine(total: Counts): string {
  return `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`;
}

export function exitCodeFor(total: Counts): number {
  return total.failed > 0 || total.problems.length > 0 || total.passed === 0 ? 1 : 0;
}

function undeclaredSkips(titles: string[], declared: readonly string[]): string[] {
  return titles.filter((title) => !declared.includes(title));
}

/**
 * Async on purpose: embedded Postgres logs through pipes that this process drains, and a
 * blocking spawnSync would let them fill until Postgres stalls mid-test.
 */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  return new Promise((resolve, reject) => {
    // A runner started from inside a vitest worker (its own test) must not look like one.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")),
    );
    const child = spawn(command, args, { cwd, stdio: "inherit", env: { ...inherited, ...env } });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

// ---- vitest ----------------------------------------------------------------------------------

const VitestReport = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number().default(0),
  numTodoTests: z.number().default(0),
  numFailedTestSuites: z.number().default(0),
  testResults: z
    .array(
      z.object({
        name: z.string(),
        status: z.string(),
        message: z.string().default(""),
        assertionResults: z
          .array(z.object({ fullName: z.string(), status: z.string() }))
          .default([]),
      }),
    )
    .default([]),
});

export function vitestCounts(
  reportText: string | undefined,
  exitCode: number,
  declared: readonly string[] = DECLARED_SKIPS,
): Counts {
  if (reportText === undefined)
    return {
      ...emptyCounts(),
      failed: 1,
      problems: [`vitest exited ${exitCode} and wrote no report`],
    };
  const report = VitestReport.parse(JSON.parse(reportText));
  const counts: Counts = {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
    problems: [],
  };
  for (const file of report.testResults) {
    // A file that cannot load has a failed status and no tests in it.
    if (
      file.status === "failed" &&
      !file.assertionResults.some((test) => test.status === "failed")
    ) {
      counts.failed += 1;
      counts.problems.push(
        `vitest: ${path.relative(repoRoot, file.name)} failed outside its tests: ${file.message.split("\n")[0] ?? ""}`,
      );
    }
  }
  const skipped = report.testResults.flatMap((file) =>
    file.assertionResults
      .filter(
        (test) => test.status === "skipped" || test.status === "pending" || test.status === "todo",
      )
      .map((test) => test.fullName),
  );
  for (const title of undeclaredSkips(skipped, declared))
    counts.problems.push(`vitest: "${title}" was skipped but is not in scripts/declared-skips.ts`);
  if (exitCode !== 0 && counts.failed === 0) {
    counts.failed = 1;
    counts.problems.push(
      `vitest exited ${exitCode} with no failed test (an unhandled error or a forbidden .only)`,
    );
  }
  return counts;
}

export interface VitestRun {
  /** The folder vitest runs in (its config is looked up there). */
  root: string;
  output: string;
  filters?: string[];
  env?: NodeJS.ProcessEnv;
}

export async function runVitest(options: VitestRun): Promise<Counts> {
  rmSync(options.output, { force: true });
  const exitCode = await run(
    path.join(repoRoot, "node_modules/.bin/vitest"),
    [
      "run",
      "--root",
      options.root,
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${options.output}`,
      ...(options.filters ?? []),
    ],
    options.root,
    options.env ?? {},
  );
  return vitestCounts(
    existsSync(options.output) ? readFileSync(options.output, "utf8") : undefined,
    exitCode,
  );
}

// ---- Playwright ------------------------------------------------------------------------------

interface PlaywrightSuite {
  title: string;
  specs: Array<{ title: string; tests: Array<{ status: string }> }>;
  suites?: PlaywrightSuite[];
}
const PlaywrightSuite: z.ZodType<PlaywrightSuite> = z.lazy(() =>
  z.object({
    title: z.string(),
    specs: z.array(
      z.object({ title: z.string(), tests: z.array(z.object({ status: z.string() })) }),
    ),
    suites: z.array(PlaywrightSuite).optional(),
  }),
);
const PlaywrightReport = z.object({
  stats: z.object({
    expected: z.number(),
    unexpected: z.number(),
    flaky: z.number(),
    skipped: z.number(),
  }),
  errors: z.array(z.object({ message: z.string().default("") })).default([]),
  suites: z.array(PlaywrightSuite).default([]),
});

function skippedTitles(suites: PlaywrightSuite[], parents: string[] = []): string[] {
  return suites.flatMap((suite) => {
    const titles = [...parents, suite.title].filter(Boolean);
    return [
      ...suite.specs
        .filter((spec) => spec.tests.some((test) => test.status === "skipped"))
        .map((spec) => [...titles, spec.title].join(" > ")),
      ...skippedTitles(suite.suites ?? [], titles),
    ];
  });
}

export function playwrightCounts(
  reportText: string | undefined,
  exitCode: number,
  specFiles: number,
  declared: readonly string[] = DECLARED_SKIPS,
): Counts {
  if (reportText === undefined)
    return {
      ...emptyCounts(),
      failed: 1,
      problems: [`playwright exited ${exitCode} and wrote no report`],
    };
  const report = PlaywrightReport.parse(JSON.parse(reportText));
  const { stats } = report;
  // Retries are off, so a flaky test failed once: it counts as failed.
  const counts: Counts = {
    passed: stats.expected,
    failed: stats.unexpected + stats.flaky,
    skipped: stats.skipped,
    problems: [],
  };
  for (const error of report.errors) {
    counts.failed += 1;
    counts.problems.push(`playwright: ${error.message.split("\n")[0] ?? ""}`);
  }
  const ran = stats.expected + stats.unexpected + stats.flaky + stats.skipped;
  if (ran === 0 && specFiles > 0) {
    counts.failed += 1;
    counts.problems.push(`playwright ran no test, but ${specFiles} spec file(s) exist`);
  }
  for (const title of undeclaredSkips(skippedTitles(report.suites), declared))
    counts.problems.push(
      `playwright: "${title}" was skipped but is not in scripts/declared-skips.ts`,
    );
  if (exitCode !== 0 && counts.failed === 0) {
    counts.failed = 1;
    counts.problems.push(`playwright exited ${exitCode} with no failed test`);
  }
  return counts;
}

export function countSpecFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) =>
    /\.spec\.tsx?$/.test(file),
  ).length;
}

export interface PlaywrightRun {
  config: string;
  cwd: string;
  testDir: string;
  output: string;
  env?: NodeJS.ProcessEnv;
  /** Spec file filters, as Playwright takes them (`sriov` runs e2e/sriov.spec.ts); none runs all. */
  filters?: string[];
}

export async function runPlaywright(options: PlaywrightRun): Promise<Counts> {
  rmSync(options.output, { force: true });
  const exitCode = await run(
    path.join(repoRoot, "node_modules/.bin/playwright"),
    // The reporters are set here, not only in the config, because these counts depend on them;
    // --forbid-only holds under CI whatever a config says.
    [
      "test",
      "-c",
      options.config,
      "--reporter=list,json",
      ...(process.env.CI || options.env?.CI ? ["--forbid-only"] : []),
      ...(options.filters ?? []),
    ],
    options.cwd,
    { ...options.env, PLAYWRIGHT_JSON_OUTPUT_NAME: options.output },
  );
  return playwrightCounts(
    existsSync(options.output) ? readFileSync(options.output, "utf8") : undefined,
    exitCode,
    countSpecFiles(options.testDir),
  );
}
