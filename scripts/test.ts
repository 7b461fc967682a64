// `npm test`: provisions real Postgres and Redis, runs vitest (unit + integration) and then
// Playwright against the whole stack, and ends with the line `N passed, N failed, N skipped`.
// scripts/lib/test-runner.ts decides what counts as a failure.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { migrateDeploy } from "@virtfn/db";
import { embeddedPostgresUrl, ensurePostgres, ensureRedis } from "@virtfn/db/services";
import { dataRoot, repoRoot } from "./lib/paths";
import { startStack } from "./lib/stack";
import {
  addCounts,
  emptyCounts,
  exitCodeFor,
  runPlaywright,
  runVitest,
  summaryLine,
  type Counts,
} from "./lib/test-runner";

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

async function resetDatabases(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const stale = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 'virtfn_template%' or datname like 'virtfn_e2e%'",
    );
    for (const row of stale.rows)
      await client.query(`drop database if exists "${row.datname}" with (force)`);
    await client.query(`create database "${TEMPLATE_DB}"`);
  } finally {
    await client.end();
  }
}

async function runAllVitest(env: NodeJS.ProcessEnv): Promise<Counts> {
  return runVitest({
    root: repoRoot,
    output: path.join(resultsDir, "vitest.json"),
    filters: vitestFilters,
    env,
  });
}

async function runE2e(): Promise<Counts> {
  const logDir = path.join(resultsDir, "stack");
  rmSync(logDir, { recursive: true, force: true });
  const stack = await startStack({
    dataDir: path.join(dataDir, "e2e"),
    pgPort: PG_PORT,
    redisPort: REDIS_PORT,
    webPort: Number(process.env.VIRTFN_TEST_WEB_PORT ?? 3001),
    agentBasePort: Number(process.env.VIRTFN_TEST_AGENT_BASE_PORT ?? 7201),
    database: "virtfn_e2e",
    queuePrefix: "virtfn-e2e",
    spareAgents: [
      { name: "kvm-spare", profile: "kvm-i350-82599" },
      // A second kvm-01 look-alike for migrate.spec.ts: live migration needs the same L2 on two hosts.
      { name: "kvm-spare-migrate", profile: "kvm-i350-82599" },
    ],
    perVfDelayMs: 2,
    reconcileMs: 2000,
    log,
    quietChildren: process.env.VIRTFN_TEST_VERBOSE !== "1",
    // The web and worker output of every run is kept: a failed e2e run is diagnosed from it.
    logDir,
  });
  try {
    const spare = stack.spare[0];
    if (!spare) throw new Error("the spare sim agent did not start");
    const webDir = path.join(repoRoot, "apps/web");
    const counts = await runPlaywright({
      config: path.join(webDir, "playwright.config.ts"),
      cwd: webDir,
      testDir: path.join(webDir, "e2e"),
      output: path.join(resultsDir, "e2e.json"),
      // With --e2e-only the filters name specs (`npm test -- --e2e-only sriov`); with both
      // suites they stay vitest's, and every spec runs.
      filters: onlyE2e ? vitestFilters : [],
      env: {
        VIRTFN_WEB_URL: stack.webUrl,
        VIRTFN_E2E_SPARE_AGENT_URL: spare.url,
        VIRTFN_E2E_SPARE_AGENT_TOKEN: stack.agentToken,
        VIRTFN_E2E_MIGRATE_AGENT_URL: stack.spare[1]?.url ?? "",
      },
    });
    if (counts.failed > 0)
      log(
        `e2e failed: the stack's logs are in ${path.relative(repoRoot, logDir)}/, traces in apps/web/test-results/artifacts/`,
      );
    return counts;
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<Counts> {
  mkdirSync(resultsDir, { recursive: true });
  // Each run starts from empty sim hosts; the Postgres cluster itself is reused between runs.
  rmSync(path.join(dataDir, "e2e", "sim"), { recursive: true, force: true });
  const postgres = await ensurePostgres({
    dataDir: path.join(dataDir, "pg"),
    port: PG_PORT,
    database: "postgres",
    disposable: true,
    log,
  });
  const redis = await ensureRedis({ dataDir: path.join(dataDir, "redis"), port: REDIS_PORT, log });
  const total = emptyCounts();
  try {
    const adminUrl = process.env.DATABASE_URL
      ? postgres.url.replace(/\/[^/?]+(\?|$)/, "/postgres$1")
      : embeddedPostgresUrl(PG_PORT, "postgres");
    await resetDatabases(adminUrl);
    const templateUrl = adminUrl.replace(/\/postgres(\?|$)/, `/${TEMPLATE_DB}$1`);
    await migrateDeploy(templateUrl);
    log(`template database migrated (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    if (!onlyE2e) {
      addCounts(
        total,
        await runAllVitest({
          VIRTFN_TEST_ADMIN_URL: adminUrl,
          VIRTFN_TEST_TEMPLATE_DB: TEMPLATE_DB,
          REDIS_URL: redis.url,
        }),
      );
    }
    // Filters without --e2e-only pick vitest files, so the e2e specs sit that run out.
    if (!skipE2e && (onlyE2e || vitestFilters.length === 0)) {
      try {
        addCounts(total, await runE2e());
      } catch (error) {
        console.error(error);
        addCounts(total, {
          ...emptyCounts(),
          failed: 1,
          problems: [`the e2e stack failed: ${String(error)}`],
        });
      }
    }
  } finally {
    await redis.stop();
    await postgres.stop();
  }
  return total;
}

const total = await main().catch((error: unknown): Counts => {
  console.error(error);
  return { ...emptyCounts(), failed: 1, problems: [`the test run failed: ${String(error)}`] };
});
log(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const problem of total.problems) log(`FAIL ${problem}`);
console.log(summaryLine(total));
process.exit(exitCodeFor(total));
