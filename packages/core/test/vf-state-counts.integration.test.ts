// The VF counts the database keeps per PF and state ("VfStateCount", appended by statement
// triggers on VirtualFunction and folded by vf_state_counts_compact()) must equal count(*) over
// the VF rows after any mix of writes, and stay exact while reservations race compaction.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compactVfStateCounts } from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { createTestDatabase, type TestDatabase } from "@virtfn/db/testing";
import { generateFleet } from "../../../bench/lib/fleet";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase("vf-state-counts");
  db = database.db;
  await generateFleet(database.url, { hosts: 4 });
}, 60_000);

afterAll(async () => {
  await database?.drop();
});

/** Rows per PF and state as "pfId/state" → n, from the VF rows and from the kept counts. */
async function bothCounts() {
  const rows = await db.$queryRaw<Array<{ k: string; n: number }>>`
    SELECT "pfId" || '/' || state AS k, count(*)::int AS n FROM "VirtualFunction" GROUP BY 1`;
  const kept = await db.$queryRaw<Array<{ k: string; n: number }>>`
    SELECT "pfId" || '/' || state AS k, sum(n)::int AS n FROM "VfStateCount" GROUP BY 1 HAVING sum(n) <> 0`;
  const asMap = (list: Array<{ k: string; n: number }>) =>
    Object.fromEntries(list.map((r) => [r.k, r.n]).sort());
  return { rows: asMap(rows), kept: asMap(kept) };
}

async function compactAll(): Promise<void> {
  await compactVfStateCounts(db, 3);
}

describe("VF state counts kept by the database", () => {
  it("equal count(*) per PF and state after inserts, state changes, deletes and a cascade, before and after compaction", async () => {
    const host = await db.host.findFirstOrThrow({ where: { name: "host-00002" } });
    // A new PF with VFs, some state changes in one statement, some one by one, a delete.
    const pf = await db.physicalNic.create({
      data: {
        hostId: host.id,
        name: "ens9",
        pciAddress: "0000:09:00.0",
        vendorId: "8086",
        deviceId: "1572",
        model: "XL710",
        driver: "i40e",
        totalVfs: 32,
        numVfs: 16,
        virtualizationState: "Virtualized",
      },
    });
    await db.$executeRaw`
      INSERT INTO "VirtualFunction"("pfId", "hostId", index, "pciAddress", state)
      SELECT ${pf.id}::uuid, ${host.id}::uuid, v, '0000:09:02.' || v, 'Available'
      FROM generate_series(0, 15) v`;
    await db.$executeRaw`
      UPDATE "VirtualFunction" SET state = (ARRAY['Reserved','Attached','Releasing','Missing'])[index % 4 + 1]::"VfState"
      WHERE "pfId" = ${pf.id}::uuid AND index < 8`;
    await db.virtualFunction.updateMany({
      where: { pfId: pf.id, index: 9 },
      data: { state: "Reserved" },
    });
    // A change that leaves the state as it was, and one that only touches other columns.
    await db.virtualFunction.updateMany({
      where: { pfId: pf.id, index: 10 },
      data: { state: "Available" },
    });
    await db.virtualFunction.updateMany({ where: { pfId: pf.id }, data: { driver: "vfio-pci" } });
    await db.virtualFunction.deleteMany({ where: { pfId: pf.id, index: { gte: 14 } } });
    // Elsewhere: every em1 VF of host 1 changes state in one statement.
    await db.$executeRaw`
      UPDATE "VirtualFunction" vf SET state = 'Releasing' FROM "PhysicalNic" p JOIN "Host" h ON h.id = p."hostId"
      WHERE p.id = vf."pfId" AND p.name = 'em1' AND h.name = 'host-00001' AND vf.state = 'Available'`;

    let counts = await bothCounts();
    expect(counts.kept).toEqual(counts.rows);
    expect(counts.rows[`${pf.id}/Available`]).toBe(5);
    expect(counts.rows[`${pf.id}/Reserved`]).toBe(3);

    await compactAll();
    counts = await bothCounts();
    expect(counts.kept).toEqual(counts.rows);
    // One base row per (PF, state) that has VFs, nothing left to fold.
    const [shape] = await db.$queryRaw<[{ pending: number; dupes: number }]>`
      SELECT count(*) FILTER (WHERE NOT base)::int AS pending,
             (SELECT count(*)::int FROM (SELECT 1 FROM "VfStateCount" GROUP BY "pfId", state HAVING count(*) > 1) d) AS dupes
      FROM "VfStateCount"`;
    expect(shape).toEqual({ pending: 0, dupes: 0 });

    // Deleting the PF cascades to its VFs; after compaction nothing of it is left.
    await db.physicalNic.delete({ where: { id: pf.id } });
    counts = await bothCounts();
    expect(counts.kept).toEqual(counts.rows);
    await compactAll();
    const left = await db.$queryRaw<Array<{ id: bigint }>>`
      SELECT id FROM "VfStateCount" WHERE "pfId" = ${pf.id}::uuid`;
    expect(left).toEqual([]);
  });

  it("stay exact while 16 connections reserve and release VFs of the same PFs and compaction runs", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 18 });
    try {
      const host = await db.host.findFirstOrThrow({ where: { name: "host-00003" } });
      let stop = false;
      // The reservation statement of architecture.md, on one host's PFs, then a release.
      const worker = async () => {
        for (let i = 0; i < 40; i++) {
          const reserved = await pool.query<{ id: string }>(
            `UPDATE "VirtualFunction" SET state = 'Reserved' WHERE id IN (
               SELECT id FROM "VirtualFunction" WHERE "hostId" = $1 AND state = 'Available'
               LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`,
            [host.id],
          );
          const id = reserved.rows[0]?.id;
          if (id && i % 3 !== 0) {
            await pool.query(`UPDATE "VirtualFunction" SET state = 'Available' WHERE id = $1`, [
              id,
            ]);
          }
        }
      };
      // Two compactors whose plans visit the rows in different orders (PF by PF; heap order), as
      // two calls planned on different statistics do: side by side, they deadlocked.
      const compactor = async (planSettings: string) => {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          await client.query(planSettings);
          let runs = 0;
          while (!stop || runs === 0) {
            await client.query(`SELECT vf_state_counts_compact(2)`);
            runs++;
          }
          return runs;
        } finally {
          await client.end();
        }
      };
      const compactors = [
        compactor("SET enable_hashjoin = off; SET enable_mergejoin = off"),
        compactor("SET enable_nestloop = off; SET enable_mergejoin = off"),
      ];
      await Promise.all(Array.from({ length: 16 }, worker));
      stop = true;
      const runs = await Promise.all(compactors);
      expect(runs.every((n) => n > 0)).toBe(true);

      let counts = await bothCounts();
      expect(counts.kept).toEqual(counts.rows);
      await compactAll();
      counts = await bothCounts();
      expect(counts.kept).toEqual(counts.rows);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it("let one compaction in at a time: another returns at once instead of waiting for its rows", async () => {
    const host = await db.host.findFirstOrThrow({ where: { name: "host-00004" } });
    const reserveOne = () => db.$executeRaw`
      UPDATE "VirtualFunction" SET state = 'Reserved' WHERE id IN (
        SELECT id FROM "VirtualFunction" WHERE "hostId" = ${host.id}::uuid AND state = 'Available' LIMIT 1)`;
    const first = new pg.Client({ connectionString: database.url });
    const second = new pg.Client({ connectionString: database.url });
    await Promise.all([first.connect(), second.connect()]);
    try {
      await reserveOne();
      await first.query("BEGIN");
      expect(
        (await first.query<{ n: number }>("SELECT vf_state_counts_compact(1000) AS n")).rows[0]?.n,
      ).toBeGreaterThan(0);
      // More to fold, on PFs whose rows the open compaction holds.
      await reserveOne();
      // Waiting would be a lock wait on the first one's rows; the timeout turns it into an error.
      await second.query("SET lock_timeout = '5s'");
      expect(
        (await second.query<{ n: number }>("SELECT vf_state_counts_compact(1000) AS n")).rows[0]?.n,
      ).toBe(0);
      await first.query("COMMIT");
      expect(
        (await second.query<{ n: number }>("SELECT vf_state_counts_compact(1000) AS n")).rows[0]?.n,
      ).toBeGreaterThan(0);
      const counts = await bothCounts();
      expect(counts.kept).toEqual(counts.rows);
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });
});
