// `npm test`: provisions real Postgres and Redis, runs vitest (unit + integration) and then
// Playwright against the whole stack, and ends with the line `N passed, N failed`.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { migrateDeploy } from "@virtfn/db";
import { embeddedPostgresUrl, ensurePostgres, ensureRedis } from "@virtfn/db/services";
import { dataRoot, repoRoot } from "./lib/paths";
import { startStack } from "./lib/stack";

const args = process.argv.slice(2);
const skipE2e = args.includes("--skip-e2e");
const onlyE2e = args.includes("--e2e-only");
const vitestFilters = args.filter((arg) => !arg.startsWith("--"));
const log = (line: string) => console.log(`[test] ${line}`);
const started = Date.now();
const dataDir = process.env.VIRTFN_TEST_DATA_DIR ?? path.join(dataRoot, "test");
const resultsDir = path.join(repoRoot, "test-results");
const TEMPLATE_DB = "virtfn_template";
const PG_PORT = Number(process.env.VIRTFN_TEST_PG_PORT ?? 55433);
const REDIS_PORT = Number(process.env.VIRTFN_TEST_REDIS_PORT ?? 56380);

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

async function resetDatabases(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const stale = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 'virtfn_template%' or datname like 'virtfn_e2e%'",
    );
    for (const row of stale.rows) await client.query(`drop database if exists "${row.datname}" with (force)`);
    await client.query(`create database "${TEMPLATE_DB}"`);
  } finally {
    await client.end();
  }
}

const VitestReport = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number().default(0),
  numTodoTests: z.number().default(0),
  numFailedTestSuites: z.number().default(0),
});

/**
 * Async on purpose: embedded Postgres logs through pipes that this process drains, and a
 * blocking spawnSync would let them fill until Postgres stalls mid-test.
 */
function run(command: string, commandArgs: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

async function runVitest(env: NodeJS.ProcessEnv): Promise<Counts> {
  const output = path.join(resultsDir, "vitest.json");
  rmSync(output, { force: true });
  const status = await run(
    path.join(repoRoot, "node_modules/.bin/vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${output}`, ...vitestFilters],
    repoRoot,
    env,
  );
  if (!existsSync(output)) return { passed: 0, failed: 1, skipped: 0 };
  const report = VitestReport.parse(JSON.parse(readFileSync(output, "utf8")));
  // A file that fails to load has no failed tests but is a failure all the same.
  const failed = report.numFailedTests + (report.numFailedTests === 0 && status !== 0 ? Math.max(1, report.numFailedTestSuites) : 0);
  return { passed: report.numPassedTests, failed, skipped: report.numPendingTests + report.numTodoTests };
}

const PlaywrightReport = z.object({
  stats: z.object({ expected: z.number(), unexpected: z.number(), flaky: z.number(), skipped: z.number() }),
});

async function runPlaywright(): Promise<Counts> {
  const stack = await startStack({
    dataDir: path.join(dataDir, "e2e"),
    pgPort: PG_PORT,
    redisPort: REDIS_PORT,
    webPort: Number(process.env.VIRTFN_TEST_WEB_PORT ?? 3001),
    agentBasePort: Number(process.env.VIRTFN_TEST_AGENT_BASE_PORT ?? 7201),
    database: "virtfn_e2e",
    queuePrefix: "virtfn-e2e",
    spareAgents: [{ name: "kvm-spare", profile: "kvm-i350-82599" }],
    perVfDelayMs: 2,
    reconcileMs: 2000,
    log,
    quietChildren: process.env.VIRTFN_TEST_VERBOSE !== "1",
  });
  try {
    const spare = stack.spare[0];
    if (!spare) throw new Error("the spare sim agent did not start");
    const output = path.join(resultsDir, "e2e.json");
    rmSync(output, { force: true });
    await run(
      path.join(repoRoot, "node_modules/.bin/playwright"),
      ["test", "-c", path.join(repoRoot, "apps/web/playwright.config.ts")],
      path.join(repoRoot, "apps/web"),
      {
        VIRTFN_WEB_URL: stack.webUrl,
        VIRTFN_E2E_SPARE_AGENT_URL: spare.url,
        VIRTFN_E2E_SPARE_AGENT_TOKEN: stack.agentToken,
        PLAYWRIGHT_JSON_OUTPUT_NAME: output,
      },
    );
    if (!existsSync(output)) return { passed: 0, failed: 1, skipped: 0 };
    const { stats } = PlaywrightReport.parse(JSON.parse(readFileSync(output, "utf8")));
    return { passed: stats.expected, failed: stats.unexpected + stats.flaky, skipped: stats.skipped };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<Counts> {
  mkdirSync(resultsDir, { recursive: true });
  // Each run starts from empty sim hosts; the Postgres cluster itself is reused between runs.
  rmSync(path.join(dataDir, "e2e", "sim"), { recursive: true, force: true });
  const postgres = await ensurePostgres({ dataDir: path.join(dataDir, "pg"), port: PG_PORT, database: "postgres", disposable: true, log });
  const redis = await ensureRedis({ dataDir: path.join(dataDir, "redis"), port: REDIS_PORT, log });
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    const adminUrl = process.env.DATABASE_URL
      ? postgres.url.replace(/\/[^/?]+(\?|$)/, "/postgres$1")
      : embeddedPostgresUrl(PG_PORT, "postgres");
    await resetDatabases(adminUrl);
    const templateUrl = adminUrl.replace(/\/postgres(\?|$)/, `/${TEMPLATE_DB}$1`);
    await migrateDeploy(templateUrl);
    log(`template database migrated (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    const add = (counts: Counts) => {
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
    };
    if (!onlyE2e) {
      add(await runVitest({ VIRTFN_TEST_ADMIN_URL: adminUrl, VIRTFN_TEST_TEMPLATE_DB: TEMPLATE_DB, REDIS_URL: redis.url }));
    }
    if (!skipE2e && vitestFilters.length === 0) {
      try {
        add(await runPlaywright());
      } catch (error) {
        console.error(error);
        add({ passed: 0, failed: 1, skipped: 0 });
      }
    }
  } finally {
    await redis.stop();
    await postgres.stop();
  }
  return total;
}

const total = await main().catch((error: unknown) => {
  console.error(error);
  return { passed: 0, failed: 1, skipped: 0 };
});
log(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
