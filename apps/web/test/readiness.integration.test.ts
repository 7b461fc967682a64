// Readiness asks Postgres and Redis for real: real servers of the test's own, killed with SIGKILL,
// and a Redis that stops answering (SIGSTOP) without closing its socket. Liveness never looks.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@virtfn/db";
import { GET as health } from "../src/app/api/health/route";
import { checkReadiness } from "../src/server/readiness";
import { startPgProcess, type PgProcess } from "@virtfn/db/pg-process";

let pgp: PgProcess;
let db: Db;
let redis: ChildProcess;
let redisUrl: string;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

beforeAll(async () => {
  pgp = await startPgProcess("ready");
  db = createDb(pgp.url("postgres"), { max: 2, connectionTimeoutMs: 1000 });
  const port = await freePort();
  redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", ""], {
    stdio: "ignore",
  });
  redisUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if ((await checkReadiness({ db, redisUrl })).checks.redis.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 120_000);

afterAll(async () => {
  if (redis.exitCode === null && redis.signalCode === null) {
    redis.kill("SIGCONT");
    redis.kill("SIGKILL");
  }
  await db?.$disconnect().catch(() => undefined);
  await pgp?.stop();
});

describe("readiness", () => {
  it("is ready when Postgres and Redis both answer", async () => {
    expect(await checkReadiness({ db, redisUrl })).toEqual({
      ok: true,
      checks: { postgres: { ok: true }, redis: { ok: true } },
    });
  });

  it("names Redis when it hangs, within its short timeout, and when it is dead", async () => {
    redis.kill("SIGSTOP");
    const hung = await checkReadiness({ db, redisUrl, timeoutMs: 500 });
    redis.kill("SIGCONT");
    expect(hung).toMatchObject({
      ok: false,
      checks: { postgres: { ok: true }, redis: { ok: false, error: expect.any(String) } },
    });
    const exited = new Promise((resolve) => redis.once("exit", resolve));
    redis.kill("SIGKILL");
    await exited;
    expect(await checkReadiness({ db, redisUrl })).toMatchObject({
      ok: false,
      checks: { postgres: { ok: true }, redis: { ok: false } },
    });
  });

  it("names Postgres when it is dead, while liveness still answers ok", async () => {
    await pgp.kill();
    const readiness = await checkReadiness({ db, redisUrl });
    expect(readiness).toMatchObject({
      ok: false,
      checks: { postgres: { ok: false, error: expect.any(String) }, redis: { ok: false } },
    });
    const live = health();
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ ok: true });
    await pgp.start();
    let back = await checkReadiness({ db, redisUrl });
    for (let i = 0; i < 50 && !back.checks.postgres.ok; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      back = await checkReadiness({ db, redisUrl });
    }
    expect(back.checks.postgres).toEqual({ ok: true });
  });
});
