// Shared setup for benchmarks: the same local services as `npm test` (embedded Postgres and
// redis-server, or DATABASE_URL / REDIS_URL), with a fresh, migrated database per benchmark.
import path from "node:path";
import pg from "pg";
import { migrateDeploy } from "@virtfn/db";
import { embeddedPostgresUrl, ensurePostgres, ensureRedis } from "@virtfn/db/services";
import { dataRoot } from "../../scripts/lib/paths";

export interface BenchServices {
  /** URL of the benchmark's own freshly migrated database. */
  databaseUrl: string;
  /** URL of the Postgres maintenance database, for raw baselines that need their own pool. */
  adminUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

const PG_PORT = Number(process.env.VIRTFN_TEST_PG_PORT ?? 55433);
const REDIS_PORT = Number(process.env.VIRTFN_TEST_REDIS_PORT ?? 56380);

/** Starts (or reuses) Postgres and Redis and creates an empty, migrated database `name`. */
export async function benchServices(name: string): Promise<BenchServices> {
  const dataDir = process.env.VIRTFN_TEST_DATA_DIR ?? path.join(dataRoot, "test");
  const postgres = await ensurePostgres({
    dataDir: path.join(dataDir, "pg"),
    port: PG_PORT,
    database: "postgres",
    disposable: true,
  });
  const redis = await ensureRedis({ dataDir: path.join(dataDir, "redis"), port: REDIS_PORT });
  const adminUrl = process.env.DATABASE_URL
    ? postgres.url.replace(/\/[^/?]+(\?|$)/, "/postgres$1")
    : embeddedPostgresUrl(PG_PORT, "postgres");
  const database = `virtfn_bench_${name.replace(/[^a-z0-9_]/gi, "_")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${database}" with (force)`);
  await admin.query(`create database "${database}"`);
  await admin.end();
  const databaseUrl = adminUrl.replace(/\/postgres(\?|$)/, `/${database}$1`);
  await migrateDeploy(databaseUrl);
  return {
    databaseUrl,
    adminUrl,
    redisUrl: redis.url,
    async stop() {
      await redis.stop();
      await postgres.stop();
    },
  };
}
