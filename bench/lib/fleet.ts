// Builds a whole fleet straight into Postgres with `INSERT … SELECT generate_series`, so that the
// read paths can be measured at 10k hosts / 2.5M VFs without going through the services (which
// would take hours). Every fleet has the same shape per host, so that two sizes differ only in
// scale: 4 PFs per host (em1 and em2 split to 63 VFs, ens1f0/ens1f1 bonded as bond0 and split to
// 62) = 250 VFs per host, 5 VMs per host (each with a vNIC; every other one also a VF NIC holding
// a VF), 10 operations and 10 audit events per host, 50 hosts per cluster.
//
// Run on its own: `npx tsx bench/lib/fleet.ts <database url> <hosts>`.
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import pg from "pg";

export interface FleetSize {
  hosts: number;
}

export interface FleetCounts {
  hosts: number;
  pfs: number;
  vfs: number;
  vms: number;
  nics: number;
  operations: number;
  auditEvents: number;
}

export const HOSTS_PER_CLUSTER = 50;
export const VMS_PER_HOST = 5;

/** The L3s every fleet has: name, L2 interface, category, SR-IOV. */
const L3S = [
  { name: "vf-em1", l2: "l2-em1", iface: "em1", sriov: true, category: "VRouter" },
  { name: "vf-bond0", l2: "l2-bond0", iface: "bond0", sriov: true, category: "Flat" },
  { name: "vnic-em2", l2: "l2-em2", iface: "em2", sriov: false, category: "Flat" },
  { name: "vnic-public", l2: "l2-em2", iface: "em2", sriov: false, category: "Public" },
] as const;

/** Fills an empty, migrated database; returns what it wrote. */
export async function generateFleet(databaseUrl: string, size: FleetSize): Promise<FleetCounts> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const h = size.hosts;
  const clusters = Math.max(1, Math.ceil(h / HOSTS_PER_CLUSTER));
  const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
  try {
    // Bulk load: foreign keys are checked by triggers, which the replica role skips; the rows
    // written here are consistent by construction.
    await q(`SET session_replication_role = replica`);
    await q(`SET synchronous_commit = off`);
    await q(`BEGIN`);
    await q(`INSERT INTO "Zone"(name) VALUES ('fleet-zone')`);
    await q(
      `INSERT INTO "Cluster"("zoneId", name) SELECT z.id, 'cluster-' || lpad(c::text, 4, '0') FROM "Zone" z, generate_series(1, $1) c`,
      [clusters],
    );
    await q(`
      INSERT INTO "User"(username, "displayName", "passwordHash", role, "updatedAt")
      VALUES ('admin', 'Admin', 'x', 'Admin', now()), ('tenant', 'Tenant', 'x', 'Tenant', now())`);
    await q(
      `INSERT INTO "Project"(name) SELECT 'project-' || lpad(p::text, 3, '0') FROM generate_series(1, 20) p`,
    );
    await q(
      `INSERT INTO "Membership"("userId", "projectId") SELECT u.id, p.id FROM "User" u, "Project" p WHERE u.username = 'tenant' AND p.name IN ('project-001', 'project-002')`,
    );
    await q(`INSERT INTO "InstanceOffering"(name, vcpus, "memoryMiB") VALUES ('small', 2, 4096)`);
    await q(`INSERT INTO "Image"(name) VALUES ('debian-12')`);
    await q(
      `INSERT INTO "Host"(id, "clusterId", name, "agentUrl", "agentToken", "connectionState", "lastSeenAt", "cpuCount", "memoryMiB",
         "cpuVirtualization", "iommuEnabled", "iommuKernelArgSet", "iommuActive", "interruptRemapping", "agentBackend", "updatedAt", "createdAt")
       SELECT gen_random_uuid(), c.id, 'host-' || lpad(i::text, 5, '0'), 'http://10.' || (i / 65536) || '.' || (i / 256 % 256) || '.' || (i % 256) || ':7100',
         'fleet-token-0123456789', CASE WHEN i % 50 = 7 THEN 'Disconnected' ELSE 'Connected' END::"HostConnectionState", now(), 64, 524288,
         'vmx', true, true, i % 100 <> 13, true, 'sim', now(), now() - (i || ' seconds')::interval
       FROM generate_series(1, $1) i
       JOIN "Cluster" c ON c.name = 'cluster-' || lpad(((i - 1) / ${HOSTS_PER_CLUSTER} + 1)::text, 4, '0')`,
      [h],
    );
    await q(`
      INSERT INTO "PhysicalNic"("hostId", name, "pciAddress", "vendorId", "deviceId", model, driver, "linkUp", "speedMbps",
        "totalVfs", "numVfs", "desiredNumVfs", "bondName", "bondSlaves", "virtualizationState", "updatedAt")
      SELECT h.id, p.name, p.pci, '8086', '10fb', '82599ES', 'ixgbe', true, 10000, 63, p.vfs, p.vfs, p.bond, p.slaves, 'Virtualized', now()
      FROM "Host" h, (VALUES
        ('em1', '0000:01:00.0', 63, NULL, '{}'::text[]),
        ('em2', '0000:01:00.1', 63, NULL, '{}'::text[]),
        ('ens1f0', '0000:02:00.0', 62, 'bond0', '{ens1f0,ens1f1}'::text[]),
        ('ens1f1', '0000:02:00.1', 62, 'bond0', '{ens1f0,ens1f1}'::text[])) AS p(name, pci, vfs, bond, slaves)`);
    await q(`
      INSERT INTO "VirtualFunction"("pfId", "hostId", index, "pciAddress", state, driver)
      SELECT pf.id, pf."hostId", v,
        '0000:' || lpad(to_hex(16 + substr(pf."pciAddress", 6, 2)::int * 2 + right(pf."pciAddress", 1)::int), 2, '0') || ':' ||
          lpad(to_hex(v / 8), 2, '0') || '.' || (v % 8),
        'Available', 'vfio-pci'
      FROM "PhysicalNic" pf, generate_series(0, pf."numVfs" - 1) v`);
    await q(`
      INSERT INTO "L2Network"("zoneId", name, type, "vlanId", "physicalInterface", "sriovEnabled", "updatedAt")
      SELECT z.id, l.name, 'Vlan', l.vlan, l.iface, l.sriov, now() FROM "Zone" z,
        (VALUES ('l2-em1', 100, 'em1', true), ('l2-bond0', 200, 'bond0', true), ('l2-em2', 300, 'em2', false)) AS l(name, vlan, iface, sriov)`);
    await q(
      `INSERT INTO "L2ClusterAttachment"("l2Id", "clusterId") SELECT l.id, c.id FROM "L2Network" l, "Cluster" c`,
    );
    for (const [n, l3] of L3S.entries()) {
      await q(
        `INSERT INTO "L3Network"("l2Id", name, category, "sriovEnabled", gateway, "prefixLength", "updatedAt")
         SELECT id, $1, $2::"L3Category", $3, $4, 8, now() FROM "L2Network" WHERE name = $5`,
        [l3.name, l3.category, l3.sriov, `${10 + n}.0.0.1`, l3.l2],
      );
      await q(
        `INSERT INTO "IpRange"("l3Id", "startIp", "endIp") SELECT id, $1, $2 FROM "L3Network" WHERE name = $3`,
        [`${10 + n}.0.0.2`, `${10 + n}.255.255.254`, l3.name],
      );
    }
    // VMs: 5 per host, named vm-<host>-<k>, spread over the projects; the host is a Connected one.
    await q(
      `INSERT INTO "Vm"(id, "projectId", name, "offeringId", "imageId", state, "desiredState", "hostId", "clusterId", "updatedAt", "createdAt")
       SELECT gen_random_uuid(), p.id, 'vm-' || lpad(hn::text, 5, '0') || '-' || k, o.id, im.id,
         CASE WHEN k = 4 THEN 'Stopped' ELSE 'Running' END::"VmState", CASE WHEN k = 4 THEN 'Stopped' ELSE 'Running' END::"VmState",
         h.id, h."clusterId", now(), h."createdAt" + (k || ' seconds')::interval
       FROM (SELECT id, "clusterId", "createdAt", substr(name, 6)::int AS hn FROM "Host") h
       CROSS JOIN generate_series(0, ${VMS_PER_HOST - 1}) k
       JOIN "Project" p ON p.name = 'project-' || lpad(((h.hn * ${VMS_PER_HOST} + k) % 20 + 1)::text, 3, '0')
       CROSS JOIN "InstanceOffering" o CROSS JOIN "Image" im`,
    );
    // Every VM: a vNIC on vnic-em2. Every running VM with an even k: a VF NIC on vf-em1 holding
    // the VF with index k of the host's em1.
    await q(`
      INSERT INTO "VmNic"("vmId", "l3Id", "deviceIndex", ip, mac, type, "isDefault")
      SELECT vm.id, l3.id, 0, '12.' || (r / 65536 % 256) || '.' || (r / 256 % 256) || '.' || (r % 256 + 0),
        '52:54:00:' || lpad(to_hex(r / 65536 % 256), 2, '0') || ':' || lpad(to_hex(r / 256 % 256), 2, '0') || ':' || lpad(to_hex(r % 256), 2, '0'),
        'VNIC', true
      FROM (SELECT id, row_number() OVER (ORDER BY name) + 256 AS r FROM "Vm") vm, "L3Network" l3 WHERE l3.name = 'vnic-em2'`);
    await q(`
      WITH chosen AS (
        SELECT vm.id AS "vmId", vf.id AS "vfId", row_number() OVER (ORDER BY vm.name) + 256 AS r
        FROM "Vm" vm
        JOIN "PhysicalNic" pf ON pf."hostId" = vm."hostId" AND pf.name = 'em1'
        JOIN "VirtualFunction" vf ON vf."pfId" = pf.id AND vf.index = substr(vm.name, 10)::int
        WHERE substr(vm.name, 10)::int % 2 = 0 AND vm.state = 'Running'
      ), nics AS (
        INSERT INTO "VmNic"("vmId", "l3Id", "deviceIndex", ip, mac, type, "vfId", "lastVfId")
        SELECT c."vmId", l3.id, 1, '10.' || (r / 65536 % 256) || '.' || (r / 256 % 256) || '.' || (r % 256),
          '52:54:01:' || lpad(to_hex(r / 65536 % 256), 2, '0') || ':' || lpad(to_hex(r / 256 % 256), 2, '0') || ':' || lpad(to_hex(r % 256), 2, '0'),
          'VF', c."vfId", c."vfId"
        FROM chosen c, "L3Network" l3 WHERE l3.name = 'vf-em1'
        RETURNING "vfId"
      )
      UPDATE "VirtualFunction" SET state = 'Attached' WHERE id IN (SELECT "vfId" FROM nics)`);
    // A few VFs in the other states, and the FDB entries of the vNICs on em2's host (desired).
    await q(
      `UPDATE "VirtualFunction" vf SET state = 'Missing' FROM "PhysicalNic" pf WHERE pf.id = vf."pfId" AND pf.name = 'ens1f1' AND vf.index = 61`,
    );
    await q(`
      INSERT INTO "FdbEntry"("hostId", "pfName", mac, "nicId")
      SELECT vm."hostId", 'em1', n.mac, n.id FROM "VmNic" n JOIN "Vm" vm ON vm.id = n."vmId" WHERE n.type = 'VNIC' AND n."deviceIndex" = 0`);
    // Operations: 10 per host, a mix of kinds and outcomes, half of them requested by the tenant.
    await q(
      `INSERT INTO "Operation"(kind, status, "targetType", "targetId", "targetName", "projectId", "requesterId", progress, "createdAt", "updatedAt", "finishedAt", "errorCode")
       SELECT (ARRAY['vm.create','vm.start','vm.stop','pf.split','host.add'])[o % 5 + 1],
         -- At most one active operation per target (a partial unique index): one pass only.
         CASE WHEN o % 5 = 4 AND o <= $2 THEN 'Running' WHEN o % 5 = 3 THEN 'Failed' ELSE 'Succeeded' END::"OperationStatus",
         CASE WHEN o % 5 < 3 THEN 'Vm' ELSE 'Host' END, vm.id::text, vm.name, vm."projectId",
         CASE WHEN o % 2 = 0 THEN t.id ELSE a.id END, 100, now() - (o || ' seconds')::interval, now(), now(),
         CASE WHEN o % 5 = 3 THEN 'AGENT_UNREACHABLE' END
       FROM generate_series(1, $1) o
       JOIN (SELECT id, name, "projectId", row_number() OVER (ORDER BY id) AS rn FROM "Vm") vm ON vm.rn = (o - 1) % $2 + 1
       CROSS JOIN (SELECT id FROM "User" WHERE username = 'tenant') t CROSS JOIN (SELECT id FROM "User" WHERE username = 'admin') a`,
      [h * 10, h * VMS_PER_HOST],
    );
    await q(
      `INSERT INTO "AuditEvent"(at, "actorId", "actorName", action, "targetType", "targetId", "projectId", outcome)
       SELECT now() - (e || ' seconds')::interval, a.id, 'admin', (ARRAY['vm.create','vm.stop','pf.split','l3.update'])[e % 4 + 1], 'Vm', vm.id::text, vm."projectId",
         (ARRAY['Success','Success','Failure','Denied'])[e % 4 + 1]::"AuditOutcome"
       FROM generate_series(1, $1) e
       JOIN (SELECT id, "projectId", row_number() OVER (ORDER BY id) AS rn FROM "Vm") vm ON vm.rn = (e - 1) % $2 + 1
       CROSS JOIN (SELECT id FROM "User" WHERE username = 'admin') a`,
      [h * 10, h * VMS_PER_HOST],
    );
    // The replica role skips the triggers that keep "VfStateCount" as well: write it whole.
    await q(`
      INSERT INTO "VfStateCount"("pfId", state, n, base)
      SELECT "pfId", state, count(*), true FROM "VirtualFunction" GROUP BY "pfId", state`);
    // And those that keep "RowCount" (VMs per project, NICs per L3, hosts per cluster, …).
    await q(`SELECT row_counts_rebuild()`);
    await q(`COMMIT`);
    await q(`SET session_replication_role = DEFAULT`);
    // The per-cluster sums the zone-wide reads use (a never computed cluster is summed live).
    await q(`SELECT refresh_cluster_vf_counts(1000000)`);
    // Index-only scans need the visibility map, and the planner needs statistics. Then the
    // pages this wrote go to disk now, not during the first reads after it.
    await q(`VACUUM ANALYZE`);
    await q(`CHECKPOINT`);
    const count = async (table: string) =>
      Number((await q(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n);
    return {
      hosts: await count("Host"),
      pfs: await count("PhysicalNic"),
      vfs: await count("VirtualFunction"),
      vms: await count("Vm"),
      nics: await count("VmNic"),
      operations: await count("Operation"),
      auditEvents: await count("AuditEvent"),
    };
  } catch (error) {
    await q(`ROLLBACK`).catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [url, hosts] = process.argv.slice(2);
  if (!url || !hosts) throw new Error("usage: tsx bench/lib/fleet.ts <database url> <hosts>");
  const t0 = performance.now();
  const counts = await generateFleet(url, { hosts: Number(hosts) });
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)}s:`, counts);
}
