// Readiness of this web process: Postgres through the app's own pool and Redis, asked for real
// (the checks live in @virtfn/telemetry, shared with the worker's /readyz).
import { pingDatabase } from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { checkReadiness as check, type Readiness } from "@virtfn/telemetry";

export { READY_TIMEOUT_MS, type CheckResult, type Readiness } from "@virtfn/telemetry";

export function checkReadiness(options: {
  db: Db;
  redisUrl: string | undefined;
  timeoutMs?: number;
}): Promise<Readiness> {
  return check({
    pingPostgres: () => pingDatabase(options.db),
    redisUrl: options.redisUrl,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}
