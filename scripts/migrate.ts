// `npm run migrate`: applies the pending migrations and exits, as its own step (a Kubernetes Job,
// a compose one-shot service) before web and worker replicas start; no replica migrates on start.
// VIRTFN_MIGRATE_DATABASE_URL, when set, is used instead of DATABASE_URL: migrations take
// advisory locks, which need a direct connection rather than PgBouncer in transaction mode.
import { migrateDeploy } from "@virtfn/db";

const url = process.env.VIRTFN_MIGRATE_DATABASE_URL || process.env.DATABASE_URL;
if (!url) {
  console.error("[migrate] DATABASE_URL (or VIRTFN_MIGRATE_DATABASE_URL) is required");
  process.exit(2);
}
try {
  await migrateDeploy(url);
  console.log("[migrate] database is up to date");
} catch (error) {
  console.error(`[migrate] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
