// PgBouncer in transaction mode (issue 14), the real one (Debian's pgbouncer): a worker process and
// the REST handler run their paths through it: hosts added and split, VMs created (the placement
// hot path's raw statements), stopped, started and deleted. Through transaction pooling a named
// prepared statement or a LISTEN does not survive the transaction that made it, so the client
// sends unnamed statements there and the dispatcher polls (or LISTENs on VIRTFN_DB_DIRECT_URL).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, splitPhysicalNic } from "@virtfn/core";
import { createDb, listenDatabaseUrl, throughPgBouncer, type Db } from "@virtfn/db";
import { rest } from "../../web/test/fixture";
import { freePort, sleep } from "./faults";
import {
  AGENT_TOKEN,
  createFixture,
  spawnWorkerProcess,
  startSimAgent,
  waitForOperation,
  type Fixture,
} from "./helpers";
import { pfNamed } from "./sriov-helpers";
import { catalog, network, vfConsistency } from "./vms-helpers";

/** Installed by .ci/run (apt-get install pgbouncer); elsewhere the test is a declared skip. */
const PGBOUNCER = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].find(
  (candidate) => spawnSync(candidate, ["--version"]).status === 0,
);

async function untilPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = new net.Socket();
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
      socket.connect(port, "127.0.0.1");
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error("pgbouncer did not listen");
}

describe.skipIf(PGBOUNCER === undefined)("PgBouncer in transaction mode", () => {
  let fx: Fixture;
  let dir: string;
  let bouncer: ChildProcess;
  let bouncerUrl: string;
  let db: Db;
  const children: ChildProcess[] = [];
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    fx = await createFixture("pgbouncer");
    const direct = new URL(fx.database.url);
    const port = await freePort();
    dir = mkdtempSync(path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-pgb-"));
    // pgbouncer refuses to run as root: it drops to the postgres user, who must read its config.
    chmodSync(dir, 0o755);
    const config = path.join(dir, "pgbouncer.ini");
    writeFileSync(
      config,
      [
        "[databases]",
        `* = host=${direct.hostname} port=${direct.port} user=${decodeURIComponent(direct.username)} password=${decodeURIComponent(direct.password)}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        "unix_socket_dir =",
        "auth_type = any",
        "pool_mode = transaction",
        // Fewer server connections than the clients' pools: statements really change connection.
        "default_pool_size = 4",
        "max_client_conn = 500",
        "ignore_startup_parameters = extra_float_digits,options",
      ].join("\n") + "\n",
    );
    chmodSync(config, 0o644);
    const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
    bouncer = spawn(PGBOUNCER ?? "pgbouncer", [...(asRoot ? ["-u", "postgres"] : []), config], {
      stdio: "ignore",
    });
    await untilPort(port, bouncer);
    const through = new URL(fx.database.url);
    through.port = String(port);
    through.searchParams.set("pgbouncer", "true");
    bouncerUrl = through.toString();
    db = createDb(bouncerUrl, { max: 8 });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
    for (const close of closers) await close();
    await db?.$disconnect();
    bouncer?.kill("SIGTERM");
    if (dir) rmSync(dir, { recursive: true, force: true });
    await fx?.cleanup();
  });

  it("knows a URL through PgBouncer and LISTENs only on the direct one", () => {
    expect(throughPgBouncer(bouncerUrl)).toBe(true);
    expect(throughPgBouncer(fx.database.url)).toBe(false);
    expect(listenDatabaseUrl(bouncerUrl, {})).toBeNull();
    expect(listenDatabaseUrl(bouncerUrl, { VIRTFN_DB_DIRECT_URL: fx.database.url })).toBe(
      fx.database.url,
    );
    expect(listenDatabaseUrl(fx.database.url, {})).toBe(fx.database.url);
  });

  it("runs hosts, splits and VM operations from the REST handler to a worker through it", async () => {
    // Two workers on the pooled URL: one polls (no direct URL), one LISTENs past PgBouncer.
    children.push(
      spawnWorkerProcess({ ...fx.config, databaseUrl: bouncerUrl }, { VIRTFN_DISPATCH_MS: "200" }),
      spawnWorkerProcess(
        { ...fx.config, databaseUrl: bouncerUrl },
        { VIRTFN_DISPATCH_MS: "5000", VIRTFN_DB_DIRECT_URL: fx.database.url },
      ),
    );
    const agents = await Promise.all([0, 1].map(() => startSimAgent("kvm-i350-82599")));
    closers.push(...agents.map((agent) => () => agent.close()));
    for (const [i, agent] of agents.entries()) {
      const added = await rest(db, "POST", "/hosts", {
        token: (await createApiKey(db, fx.admin, { name: `admin-${i}` })).token,
        body: {
          name: `bouncer-${i}`,
          clusterId: fx.clusterId,
          agentUrl: agent.url,
          agentToken: AGENT_TOKEN,
          scanIommu: true,
        },
      });
      expect(added.status, added.text).toBe(202);
      const body = added.body as { host: { id: string }; operation: { id: string } };
      const done = await waitForOperation(db, fx.admin, body.operation.id, undefined, 60_000);
      expect(done.status, done.errorMessage ?? "").toBe("Succeeded");
      const pf = await pfNamed(db, body.host.id, "p1p2");
      const split = await splitPhysicalNic(db, fx.admin, { pfId: pf.id, count: 4 });
      const splitDone = await waitForOperation(db, fx.admin, split.operation.id, undefined, 60_000);
      expect(splitDone.status, splitDone.errorMessage ?? "").toBe("Succeeded");
    }
    const l3 = await network(fx, {
      name: "bouncer",
      iface: "p1p2",
      cidr: "10.45.0.0/24",
      sriov: true,
    });
    const cat = await catalog(db);
    const { token } = await createApiKey(db, fx.tenant, {
      name: "bouncer",
      projectId: cat.projectId,
    });

    // Concurrent creates: placement's named hot statements would meet server connections that
    // never prepared them.
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        rest(db, "POST", "/vms", {
          token,
          body: {
            ...cat,
            name: `bouncer-vm-${i}`,
            nics: [
              { l3Id: l3.id, sriov: true },
              { l3Id: l3.id, sriov: false, isDefault: true },
            ],
          },
        }),
      ),
    );
    const vmIds: string[] = [];
    for (const answer of created) {
      expect(answer.status, answer.text).toBe(202);
      const body = answer.body as { vm: { id: string }; operation: { id: string } };
      vmIds.push(body.vm.id);
      const done = await waitForOperation(db, fx.admin, body.operation.id, undefined, 60_000);
      expect(done.status, done.errorMessage ?? "").toBe("Succeeded");
    }
    for (const verb of ["stop", "start"] as const) {
      const answers = await Promise.all(
        vmIds.map((id) => rest(db, "POST", `/vms/${id}/${verb}`, { token })),
      );
      for (const answer of answers) {
        expect(answer.status, answer.text).toBe(202);
        const op = (answer.body as { operation: { id: string } }).operation.id;
        expect((await waitForOperation(db, fx.admin, op, undefined, 60_000)).status).toBe(
          "Succeeded",
        );
      }
    }
    const deleted = await Promise.all(
      vmIds.map((id) => rest(db, "DELETE", `/vms/${id}`, { token })),
    );
    for (const answer of deleted) {
      expect(answer.status, answer.text).toBe(202);
      const op = (answer.body as { operation: { id: string } }).operation.id;
      expect((await waitForOperation(db, fx.admin, op, undefined, 60_000)).status).toBe(
        "Succeeded",
      );
    }
    expect(await vfConsistency(db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
    expect(await db.vm.count()).toBe(0);
  }, 300_000);
});
