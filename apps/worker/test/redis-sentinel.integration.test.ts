// Redis through a real Sentinel (Debian's redis-sentinel) and a hash-tagged queue prefix: the
// worker's connection asks the sentinel for the master by name and runs BullMQ jobs through it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Queue, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queuePrefixFromEnv, redisTargetFromEnv } from "@virtfn/core";
import { createRedis } from "../src/connection";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("Redis Sentinel and a Cluster hash tag, by environment", () => {
  const children: ChildProcess[] = [];
  let dir: string;
  let sentinelPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-sentinel-"));
    const masterPort = await freePort();
    sentinelPort = await freePort();
    children.push(
      spawn(
        "redis-server",
        ["--port", String(masterPort), "--bind", "127.0.0.1", "--save", "", "--dir", dir],
        { stdio: "ignore" },
      ),
    );
    await waitForPort(masterPort);
    // Sentinel rewrites its config file, so it gets one of its own.
    const config = path.join(dir, "sentinel.conf");
    writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor virtfn-test 127.0.0.1 ${masterPort} 1`,
        "",
      ].join("\n"),
    );
    children.push(spawn("redis-server", [config, "--sentinel"], { stdio: "ignore" }));
    await waitForPort(sentinelPort);
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads the sentinels and the master name from the environment", () => {
    expect(
      redisTargetFromEnv({
        REDIS_URL: "redis://:s3cret@ignored:6379/2",
        VIRTFN_REDIS_SENTINELS: "10.0.0.1:26379, [::1]:26380",
        VIRTFN_REDIS_SENTINEL_NAME: "prod",
      }),
    ).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "10.0.0.1", port: 26379 },
        { host: "::1", port: 26380 },
      ],
      name: "prod",
      password: "s3cret",
      db: 2,
    });
    expect(redisTargetFromEnv({ REDIS_URL: "redis://127.0.0.1:6379" })).toEqual({
      kind: "url",
      url: "redis://127.0.0.1:6379",
    });
    expect(() =>
      redisTargetFromEnv({ REDIS_URL: "redis://x", VIRTFN_REDIS_SENTINELS: "nohost" }),
    ).toThrow(/host:port/);
  });

  it("hash-tags the queue prefix for Redis Cluster", () => {
    expect(queuePrefixFromEnv({})).toBe("virtfn");
    expect(queuePrefixFromEnv({ VIRTFN_REDIS_CLUSTER: "true" })).toBe("{virtfn}");
    expect(queuePrefixFromEnv({ VIRTFN_REDIS_CLUSTER: "1", VIRTFN_QUEUE_PREFIX: "prod" })).toBe(
      "{prod}",
    );
    expect(queuePrefixFromEnv({ VIRTFN_REDIS_CLUSTER: "1", VIRTFN_QUEUE_PREFIX: "{prod}" })).toBe(
      "{prod}",
    );
  });

  it("runs a BullMQ job through the master the sentinel names, under a hash-tagged prefix", async () => {
    const env = {
      // The URL's host is never dialled with sentinels set: only its password and db apply.
      REDIS_URL: "redis://unreachable.invalid:1/0",
      VIRTFN_REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`,
      VIRTFN_REDIS_SENTINEL_NAME: "virtfn-test",
      VIRTFN_REDIS_CLUSTER: "1",
      VIRTFN_QUEUE_PREFIX: `sentinel-${process.pid}`,
    };
    const target = redisTargetFromEnv(env);
    const prefix = queuePrefixFromEnv(env);
    const producer = createRedis(target);
    const consumer = createRedis(target);
    const queue = new Queue("probe", { connection: producer, prefix });
    const done = new Promise<unknown>((resolve) => {
      const worker = new Worker("probe", async (job) => job.data as unknown, {
        connection: consumer,
        prefix,
      });
      worker.on("completed", (_job, result) => {
        void worker.close().then(() => resolve(result));
      });
    });
    try {
      await queue.add("echo", { hello: "sentinel" });
      expect(await done).toEqual({ hello: "sentinel" });
      // Every key of the queue is inside the hash tag, so a cluster keeps them in one slot.
      const keys = await producer.keys("*probe*");
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((key) => key.startsWith(`{sentinel-${process.pid}}:probe`))).toBe(true);
    } finally {
      await queue.close();
      producer.disconnect();
      consumer.disconnect();
    }
  });
});
