import { describe, expect, it } from "vitest";
import { DB_DEFAULTS, dbOptionsFromEnv } from "@virtfn/db";
import { configFromEnv, workerDbOptions } from "../src/config";

const base = { DATABASE_URL: "postgresql://x@127.0.0.1/db", REDIS_URL: "redis://127.0.0.1" };

// Issue 10: the worker's pool is configured the way the web app's is, from VIRTFN_DB_*.
describe("the worker's database pool settings", () => {
  it("come from VIRTFN_DB_* through the same dbOptionsFromEnv the web app uses", () => {
    const env = {
      ...base,
      VIRTFN_DB_POOL_MAX: "7",
      VIRTFN_DB_CONNECT_TIMEOUT_MS: "1500",
      VIRTFN_DB_IDLE_TIMEOUT_MS: "9000",
      VIRTFN_DB_TX_MAX_WAIT_MS: "300",
      VIRTFN_DB_TX_TIMEOUT_MS: "4000",
    };
    const options = workerDbOptions(configFromEnv(env));
    expect(options).toEqual({
      max: 7,
      min: 7,
      connectionTimeoutMs: 1500,
      idleTimeoutMs: 9000,
      transactionMaxWaitMs: 300,
      transactionTimeoutMs: 4000,
    });
    expect(options).toEqual(dbOptionsFromEnv(env));
    // The whole pool is kept unless VIRTFN_DB_POOL_MIN says otherwise (0: close every idle one).
    expect(workerDbOptions(configFromEnv({ ...env, VIRTFN_DB_POOL_MIN: "0" })).min).toBe(0);
    expect(workerDbOptions(configFromEnv({ ...env, VIRTFN_DB_POOL_MIN: "2" })).min).toBe(2);
  });

  it("unset, the pool has a connection per job slot up to 16, one per four reconciles in flight, plus four, and the shared defaults otherwise", () => {
    const options = workerDbOptions(
      configFromEnv({ ...base, VIRTFN_WORKER_CONCURRENCY: "3", VIRTFN_RECONCILE_IN_FLIGHT: "16" }),
    );
    expect(options.max).toBe(3 + 4 + 4);
    expect(options.min).toBe(options.max);
    // Beyond 16 slots the jobs share connections: each one is short, and a connection's first
    // statements cost Postgres far more than its later ones.
    const wide = workerDbOptions(
      configFromEnv({ ...base, VIRTFN_WORKER_CONCURRENCY: "64", VIRTFN_RECONCILE_IN_FLIGHT: "16" }),
    );
    expect(wide.max).toBe(16 + 4 + 4);
    expect(options.connectionTimeoutMs ?? DB_DEFAULTS.connectionTimeoutMs).toBe(
      DB_DEFAULTS.connectionTimeoutMs,
    );
  });

  it("refuses a malformed value instead of ignoring it", () => {
    expect(() => configFromEnv({ ...base, VIRTFN_DB_POOL_MAX: "lots" })).toThrow(
      /VIRTFN_DB_POOL_MAX/,
    );
    expect(() => configFromEnv({ ...base, VIRTFN_DB_POOL_MIN: "-1" })).toThrow(
      /VIRTFN_DB_POOL_MIN must be a non-negative whole number/,
    );
  });
});
