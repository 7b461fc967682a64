// Postgres killed with SIGKILL for ~5 s while the REST API is under load, then started again: the
// web's request path must answer 503 DATABASE_UNAVAILABLE (with Retry-After) while it is down,
// never hang and never 500, and must serve again once it is back, without a restart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, seedDemo } from "@virtfn/core";
import { createDb, DB_DEFAULTS, dbOptionsFromEnv, migrateDeploy, type Db } from "@virtfn/db";
import { ensureDatabase } from "@virtfn/db/services";
import { resetRateLimits } from "../src/server/rest/rate-limit";
import { rest, type RestAnswer } from "./fixture";
import { startPgProcess, type PgProcess } from "@virtfn/db/pg-process";

let pgp: PgProcess;
let db: Db;
let token: string;

/** A call that has not answered after this long is a hang, whatever the load on the machine. */
const HANG_MS = 60_000;

beforeAll(async () => {
  // A key whose request died with the database is free again after this lease.
  process.env.VIRTFN_IDEMPOTENCY_LEASE_MS = "3000";
  // The load here is one key's; its rate limit is not what this file is about.
  process.env.VIRTFN_RATE_LIMIT_KEY = "100000/100000";
  pgp = await startPgProcess("restart");
  await ensureDatabase(pgp.url("postgres"), "virtfn");
  await migrateDeploy(pgp.url("virtfn"));
  // The web app's own pool settings (defaults unless the environment overrides them).
  db = createDb(pgp.url("virtfn"), dbOptionsFromEnv(process.env));
  await seedDemo(db, []);
  const admin = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
  const created = await createApiKey(
    db,
    { userId: admin.id, username: admin.username, role: "Admin", projectIds: [] },
    { name: "restart-load" },
  );
  token = created.token;
}, 180_000);

afterAll(async () => {
  delete process.env.VIRTFN_RATE_LIMIT_KEY;
  // The server goes first: a pool with leaked clients (the bug this file catches) never ends.
  await pgp?.stop();
  await Promise.race([
    db?.$disconnect().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, 5000)),
  ]);
});

type Outcome = RestAnswer | "hung";

async function bounded(call: Promise<RestAnswer>): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), HANG_MS);
  });
  try {
    return await Promise.race([call, hung]);
  } finally {
    clearTimeout(timer);
  }
}

let counter = 0;
/** Creates whose answer was not a 200, by name: retried with the same key once the server is back. */
const unanswered = new Set<string>();

function create(name: string): Promise<Outcome> {
  return bounded(
    rest(db, "POST", "/offerings", {
      token,
      body: { name, vcpus: 1, memoryMiB: 128 },
      headers: { "idempotency-key": `key-${name}` },
    }),
  );
}

/** One unit of load: a transactional create (with an Idempotency-Key) or a read. */
async function oneCall(): Promise<Outcome> {
  counter += 1;
  resetRateLimits();
  if (counter % 2 === 0) return bounded(rest(db, "GET", "/offerings", { token }));
  const name = `load-${counter}`;
  const outcome = await create(name);
  if (outcome === "hung" || outcome.status !== 200) unanswered.add(name);
  return outcome;
}

describe("Postgres killed and restarted under load", () => {
  it("answers 503 DATABASE_UNAVAILABLE while it is down and serves again once it is back", async () => {
    const outcomes: Array<{ phase: string; outcome: Outcome }> = [];
    let phase = "before";
    let running = true;
    const CONCURRENCY = 24;
    const loops = Array.from({ length: CONCURRENCY }, async () => {
      while (running) {
        const at = phase;
        const outcome = await oneCall();
        outcomes.push({ phase: at, outcome });
        if (outcome === "hung") return;
        if (outcome.status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    // Transactions open when the server dies: their ROLLBACK fails on a dead connection, which
    // is what leaked pooled connections (see releaseOnFailedEnd in packages/db).
    const open = Array.from({ length: 4 }, () =>
      db
        .$transaction(async (tx) => tx.$queryRaw`select pg_sleep(60)`, { timeout: 120_000 })
        .then(
          () => "committed",
          () => "failed",
        ),
    );
    // Under load first: the loops have had answers before the server dies.
    const served = () => outcomes.filter((o) => o.outcome !== "hung" && o.outcome.status === 200);
    for (let i = 0; i < 600 && served().length < CONCURRENCY; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(served().length).toBeGreaterThanOrEqual(CONCURRENCY);
    phase = "down";
    await pgp.kill();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    phase = "restarting";
    await pgp.start();
    phase = "after";
    await new Promise((resolve) => setTimeout(resolve, 3000));
    running = false;
    await Promise.all(loops);
    expect(await Promise.all(open)).toEqual(["failed", "failed", "failed", "failed"]);

    const tally = new Map<string, number>();
    for (const { phase: at, outcome } of outcomes) {
      const key = `${at}:${outcome === "hung" ? "hung" : outcome.status}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    console.log(`[db-restart] answers by phase: ${JSON.stringify(Object.fromEntries(tally))}`);
    const hung = outcomes.filter((o) => o.outcome === "hung");
    expect(hung.map((o) => o.phase)).toEqual([]);
    const answers = outcomes.map((o) => o.outcome as RestAnswer);
    // Every failure is a 503 that says the database is unavailable, with Retry-After.
    const failures = answers.filter((a) => a.status !== 200);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect({ status: failure.status, body: failure.body }).toMatchObject({
        status: 503,
        body: { code: "DATABASE_UNAVAILABLE" },
      });
      expect(Number(failure.headers.get("retry-after"))).toBeGreaterThan(0);
    }

    // The whole pool is usable again: as many transactions open at once as it has connections.
    const poolSize = dbOptionsFromEnv(process.env).max ?? DB_DEFAULTS.max;
    let arrived = 0;
    let allArrived: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (allArrived = resolve));
    const together = Array.from({ length: poolSize }, () =>
      db.$transaction(
        async (tx) => {
          await tx.$queryRaw`select 1`;
          arrived += 1;
          if (arrived === poolSize) allArrived();
          await barrier;
          return "ok";
        },
        { maxWait: HANG_MS, timeout: HANG_MS },
      ),
    );
    const held = await Promise.race([
      Promise.all(together),
      new Promise((resolve) =>
        setTimeout(() => resolve(`only ${arrived} of ${poolSize} started`), HANG_MS),
      ),
    ]);
    expect(held).toEqual(together.map(() => "ok"));

    // Retries with the same Idempotency-Key: each create that did not answer 200 either created
    // nothing (the retry creates it) or is replayed; never "in progress" past the lease, never
    // "already exists" (a first attempt that created it without saying so).
    expect(unanswered.size).toBeGreaterThan(0);
    for (const name of unanswered) {
      let retry = await create(name);
      for (let attempt = 0; attempt < 30 && retry !== "hung" && retry.status === 409; attempt++) {
        expect(retry.body).toMatchObject({ code: "IDEMPOTENCY_IN_PROGRESS" });
        await new Promise((resolve) => setTimeout(resolve, 500));
        retry = await create(name);
      }
      expect(
        retry === "hung" ? "hung" : { name, status: retry.status, body: retry.body },
      ).toMatchObject({
        name,
        status: 200,
        body: { name },
      });
    }
    const created = await db.instanceOffering.count({ where: { name: { in: [...unanswered] } } });
    expect(created).toBe(unanswered.size);

    // Back without a restart: more concurrent transactional calls than the pool holds succeed.
    const again = await Promise.all(Array.from({ length: 40 }, () => oneCall()));
    expect(again.filter((o) => o === "hung")).toEqual([]);
    expect((again as RestAnswer[]).map((a) => a.status)).toEqual(again.map(() => 200));
  }, 300_000);
});
