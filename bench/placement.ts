// VF placement under 64 concurrent callers, against a baseline measured in the same run on the
// same Postgres: a raw SKIP LOCKED loop on the project's own schema (the loop: reserve one
// VF, release it). Then core's reservation alone (reserveOnHost: host lock, PF lock, re-check,
// reserve, in one statement), then createVm as a tenant over 64 hosts. The raw loop runs before,
// between and after them (raw, core, raw, createVm, raw), and each is compared with the mean of
// the two raw phases around it, so that a change in the machine's load (it is shared) weighs on
// both sides alike. Prints ratios, CPU per operation (Node's, and Postgres's when it runs here:
// less dependent on the load than the rates) and double bookings. `npm run bench -- placement`.
import os from "node:os";
import { performance } from "node:perf_hooks";
import pg from "pg";
import {
  createL2Network,
  createL3Network,
  createVm,
  placementHosts,
  reserveOnHost,
  seedDemo,
  type Actor,
} from "@virtfn/core";
import { createDb, Prisma, queryRows } from "@virtfn/db";
import { postmasterPid, treeCpuSeconds } from "./lib/cpu";
import { benchServices } from "./lib/services";
import { ratio, stats } from "./lib/stats";

const HOSTS = Number(process.env.BENCH_HOSTS ?? 64);
const VFS_PER_HOST = Number(process.env.BENCH_VFS ?? 64);
const CALLERS = Number(process.env.BENCH_CALLERS ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const POOL = 10; // the web app's default pool

const services = await benchServices("placement");
const db = createDb(services.databaseUrl, { max: POOL });
await seedDemo(db, []);
const admin = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
const tenantRow = await db.user.findUniqueOrThrow({
  where: { username: "tenant" },
  include: { memberships: true },
});
const adminActor: Actor = { userId: admin.id, username: "admin", role: "Admin", projectIds: [] };
const tenant: Actor = {
  userId: tenantRow.id,
  username: tenantRow.username,
  role: "Tenant",
  projectIds: tenantRow.memberships.map((m) => m.projectId),
};
const cluster = await db.cluster.findFirstOrThrow({ where: { name: "cluster-a" } });
const zone = await db.zone.findFirstOrThrow({ where: { id: cluster.zoneId } });

// The inventory, straight into Postgres: HOSTS ready hosts, one split PF each.
await db.$executeRaw`
  INSERT INTO "Host" (id, "clusterId", name, "agentUrl", "agentToken", "connectionState",
                      "cpuCount", "memoryMiB", "iommuEnabled", "iommuKernelArgSet", "iommuActive", "updatedAt")
  SELECT gen_random_uuid(), ${cluster.id}::uuid, 'bench-' || lpad(i::text, 4, '0'),
         'http://127.0.0.1:1/' || i, 'token', 'Connected', 100000, 100000000, true, true, true, now()
  FROM generate_series(1, ${HOSTS}::int) i`;
await db.$executeRaw`
  INSERT INTO "PhysicalNic" (id, "hostId", name, "pciAddress", "vendorId", "deviceId", model, driver,
                             "totalVfs", "numVfs", "desiredNumVfs", "virtualizationState", "updatedAt")
  SELECT gen_random_uuid(), h.id, 'p1p2', '0000:03:00.0', '8086', '10fb', '82599', 'ixgbe',
         ${VFS_PER_HOST}::int, ${VFS_PER_HOST}::int, ${VFS_PER_HOST}::int, 'Virtualized', now()
  FROM "Host" h WHERE h.name LIKE 'bench-%'`;
await db.$executeRaw`
  INSERT INTO "VirtualFunction" (id, "pfId", "hostId", index, "pciAddress", state)
  SELECT gen_random_uuid(), pf.id, pf."hostId", i, '0000:03:10.' || i, 'Available'
  FROM "PhysicalNic" pf CROSS JOIN generate_series(0, ${VFS_PER_HOST - 1}::int) i`;
const l2 = await createL2Network(db, adminActor, {
  zoneId: zone.id,
  name: "bench-l2",
  type: "NoVlan",
  physicalInterface: "p1p2",
  sriovEnabled: true,
  clusterIds: [cluster.id],
});
const l3 = await createL3Network(db, adminActor, {
  l2Id: l2.id,
  name: "bench-l3",
  category: "Flat",
  sriovEnabled: true,
  ipRanges: [{ cidr: "10.64.0.0/14" }],
});
const offering = await db.instanceOffering.findFirstOrThrow({ where: { name: "small" } });
const image = await db.image.findFirstOrThrow({ where: { name: "debian-12" } });
const projectId = tenant.projectIds[0] ?? "";

console.log(
  `virtfn bench placement: ${os.cpus().length} cores, Node ${process.version}; ${HOSTS} hosts × ${VFS_PER_HOST} VFs, ${CALLERS} callers, ${SECONDS} s per phase, pool ${POOL}`,
);

// The bench's own Postgres (embedded, on the test port), whose CPU is this benchmark's alone.
const postgresPid = process.env.DATABASE_URL
  ? null
  : postmasterPid(Number(process.env.VIRTFN_TEST_PG_PORT ?? 55433));

/**
 * Runs `step` in CALLERS loops for SECONDS; returns completed steps per second, latencies, and
 * the CPU per step of Node and of Postgres (null when Postgres runs elsewhere).
 */
async function drive(step: (caller: number) => Promise<void>) {
  const latencies: number[] = [];
  const postgres0 = postgresPid === null ? 0 : treeCpuSeconds(postgresPid);
  const cpu0 = process.cpuUsage();
  const until = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      while (performance.now() < until) {
        const s = performance.now();
        await step(caller);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  // Node's own CPU per step: what the client library costs, apart from Postgres.
  const cpuMs = (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length);
  const postgresMs =
    postgresPid === null
      ? null
      : ((treeCpuSeconds(postgresPid) - postgres0) * 1000) / Math.max(1, latencies.length);
  return {
    perSecond: (latencies.length * 1000) / (performance.now() - t0),
    latencies,
    cpuMs,
    postgresMs,
  };
}

/** A phase's line: rate, latencies, CPU per operation. */
function report(label: string, run: Awaited<ReturnType<typeof drive>>, extra = "") {
  const postgres =
    run.postgresMs === null ? "" : `, Postgres CPU ${run.postgresMs.toFixed(2)}ms/op`;
  console.log(
    `${label}: ${run.perSecond.toFixed(1)}/s ${stats(run.latencies)}; Node CPU ${run.cpuMs.toFixed(2)}ms/op${postgres}${extra}`,
  );
}

/** VFs reserved right now by a caller; seeing one twice is a double booking. */
const held = new Set<string>();
let doubleBookings = 0;
function take(id: string) {
  if (held.has(id)) doubleBookings += 1;
  held.add(id);
}

// 1. Baseline: the raw loop, reserve then release, on a pg pool of the same size. It runs before,
// between and after the phases below; each phase counts against the mean of the two around it.
const pool = new pg.Pool({ connectionString: services.databaseUrl, max: POOL });
const release = (id: string) =>
  pool.query(`UPDATE "VirtualFunction" SET state = 'Available' WHERE id = $1`, [id]);
const rawLoop = () =>
  drive(async () => {
    const { rows } = await pool.query<{ id: string }>(
      `UPDATE "VirtualFunction" SET state = 'Reserved' WHERE id IN (
         SELECT id FROM "VirtualFunction" WHERE state = 'Available' LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
    );
    const id = rows[0]?.id;
    if (!id) return;
    take(id);
    held.delete(id);
    await release(id);
  });
const before = await rawLoop();
report("raw SKIP LOCKED loop (1 of 3)", before);

// 2. Core's locked reservation alone (reserveOnHost, the statement createVm's placement runs),
// on a random host, then release.
const hosts = await placementHosts(db, { clusterIds: [cluster.id] });
const network = {
  l2Id: l2.id,
  l3Name: l3.name,
  physicalInterface: "p1p2",
  clusterIds: new Set([cluster.id]),
  vfs: 1,
};
const demand = { vcpus: 0, memoryMiB: 0, networks: [network] };
const reserve = await drive(async () => {
  const host = hosts[Math.floor(Math.random() * hosts.length)];
  if (!host) return;
  // One statement, so its own transaction: lock host and PF, re-check, reserve.
  const attempt = await reserveOnHost(db, host, demand, [{ index: 0, network }]);
  const vf = attempt.ok ? attempt.reserved.get(0) : undefined;
  if (!vf) return;
  take(vf.id);
  held.delete(vf.id);
  // The baseline's release, on the pool the reservation ran on: each side then has POOL
  // connections (before, the release went through the baseline's pool, and core's phase had two).
  await queryRows(
    db,
    Prisma.sql`UPDATE "VirtualFunction" SET state = 'Available' WHERE id = ${vf.id}::uuid`,
  );
});
report("core reserveOnHost", reserve);
const between = await rawLoop();
report("raw SKIP LOCKED loop (2 of 3)", between);

// 3. createVm as a tenant, one VF NIC each, VMs kept (VFs enough for the run).
let names = 0;
let refused = 0;
const create = await drive(async () => {
  names += 1;
  try {
    await createVm(db, tenant, {
      projectId,
      name: `bench-vm-${names}`,
      offeringId: offering.id,
      imageId: image.id,
      nics: [{ l3Id: l3.id, sriov: true }],
    });
  } catch (error) {
    refused += 1;
    if (refused <= 3) console.log(`createVm refused: ${(error as Error).message}`);
  }
});
const [doubles] = await db.$queryRaw<Array<{ n: number }>>`
  SELECT count(*)::int AS n FROM (
    SELECT "vfId" FROM "VmNic" WHERE "vfId" IS NOT NULL GROUP BY "vfId" HAVING count(*) > 1) d`;
const spread = await db.$queryRaw<Array<{ hosts: number; max: number; min: number }>>`
  SELECT count(*)::int AS hosts, max(n)::int AS max, min(n)::int AS min
  FROM (SELECT count(*) AS n FROM "Vm" GROUP BY "hostId") per`;
doubleBookings += doubles?.n ?? 0;
report("createVm (tenant)", create, `; refused ${refused}`);
console.log(
  `createVm spread: ${spread[0]?.hosts ?? 0} of ${HOSTS} hosts used, ${spread[0]?.min ?? 0}–${spread[0]?.max ?? 0} VMs per host`,
);
const after = await rawLoop();
await pool.end();
report("raw SKIP LOCKED loop (3 of 3)", after);
const around = (a: { perSecond: number }, b: { perSecond: number }) =>
  (a.perSecond + b.perSecond) / 2;
console.log(
  ratio("core reservation vs raw loop", reserve.perSecond, around(before, between), "/s"),
);
console.log(ratio("createVm vs raw loop", create.perSecond, around(between, after), "/s"));
console.log(`double bookings: ${doubleBookings}`);

await db.$disconnect();
await services.stop();
