// Per-test-file databases: each file gets a fresh clone of a migrated template, which is far
// faster than migrating per file and keeps files independent when they run in parallel.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type Db } from "./client";

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through \`npm test\``);
  return value;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: requireEnv("VIRTFN_TEST_ADMIN_URL") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(label = "t"): Promise<TestDatabase> {
  const template = requireEnv("VIRTFN_TEST_TEMPLATE_DB");
  const name = `${template}_${label
    .replace(/[^a-z0-9]/gi, "")
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = withDatabase(requireEnv("VIRTFN_TEST_ADMIN_URL"), name);
  const db = createDb(url, { max: 10 });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** A Redis key prefix of its own, so that parallel test files never share queues. */
export function testQueuePrefix(label = "t"): string {
  return `vtest-${label}-${randomBytes(4).toString("hex")}`;
}

export function testRedisUrl(): string {
  return requireEnv("REDIS_URL");
}
