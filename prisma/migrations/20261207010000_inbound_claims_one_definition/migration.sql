-- A live migration's claim on its destination ("inbound claim"), defined once. It was written
-- twice, in the scheduler's snapshot (vms/scheduler.ts placementHosts) and in the locked re-check
-- (virtfn_reserve_locked, virtfn_reserve_numa), and the two had to be kept equal by hand.
--   * a run with VF NICs (MigrationRun) claims its VM's vCPUs and memory on targetHostId, on
--     targetNumaNode when it is node-bound, in phases Claimed and Unplugged (from Migrated on the
--     VM's host is the destination, a rollback ends the claim).
--   * a run without VF NICs has no MigrationRun: its vm.migrate operation, created under the
--     destination's lock (migrate.ts liveTarget), claims them (no node) while it is Pending or
--     Running. Once it ends the VM is on the destination, or (failed, cancelled) on its source.
-- STABLE, not strict, one SELECT, no SET: Postgres inlines it into the query that calls it, so it
-- plans as if written there (no function scan, the same indexes as before, pgbench on the
-- placement bench fleet: the same CPU per reservation).
CREATE FUNCTION virtfn_inbound_claims(p_host uuid)
RETURNS TABLE ("vmId" uuid, "numaNode" int) LANGUAGE sql STABLE AS $fn$
  SELECT r."vmId", r."targetNumaNode" FROM "MigrationRun" r
  WHERE r."targetHostId" = p_host AND r.phase IN ('Claimed', 'Unplugged')
  UNION ALL
  SELECT op."targetId"::uuid, NULL::int FROM "Operation" op
  WHERE op.kind = 'vm.migrate' AND op.status IN ('Pending', 'Running')
    AND op.input->>'fromState' = 'Running' AND op.input->>'targetHostId' = p_host::text
    AND NOT EXISTS (SELECT 1 FROM "MigrationRun" m WHERE m."operationId" = op.id)
$fn$;

-- The plain migrations heading for one host, by index: before, every reservation read every
-- vm.migrate operation ever made (Operation_kind_id_idx) and filtered, this reads the live ones
-- for that host only.
CREATE INDEX "Operation_inbound_migration_idx" ON "Operation" ((input->>'targetHostId'))
  WHERE kind = 'vm.migrate' AND status IN ('Pending', 'Running');

-- The two reservation functions, now counting inbound claims through virtfn_inbound_claims.
-- Otherwise unchanged (see 20261206090000_reserve_counts_inbound_claims). No semicolon inside (see placement_reserve).
CREATE OR REPLACE FUNCTION virtfn_reserve_locked(
  p_host uuid, p_pfs uuid[], p_vcpus int, p_memory int, p_want int, p_l2 uuid, p_project uuid)
RETURNS jsonb LANGUAGE sql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
  WITH host AS (
    SELECT h.id, h."connectionState"::text AS conn, h."iommuActive" AS iommu,
           h."cpuCount" AS cpu, h."memoryMiB" AS memory,
           COALESCE(u.vcpus, 0)::int AS used_vcpus, COALESCE(u.memory, 0)::int AS used_memory
    FROM "Host" h
    LEFT JOIN LATERAL (
      SELECT sum(o.vcpus) AS vcpus, sum(o."memoryMiB") AS memory
      FROM "Vm" v JOIN "InstanceOffering" o ON o.id = v."offeringId"
      WHERE v.id IN (
        SELECT p.id FROM "Vm" p
        WHERE p."hostId" = h.id
          AND p.state IN ('Creating', 'Starting', 'Running', 'Stopping', 'Rebooting', 'Migrating', 'Deleting')
        UNION
        SELECT c."vmId" FROM virtfn_inbound_claims(h.id) c)
    ) u ON true
    WHERE h.id = p_host
  ), usable AS (
    SELECT COALESCE(array_agg(pf), '{}') AS ids
    FROM unnest(p_pfs) AS pf
    WHERE NOT EXISTS (SELECT 1 FROM "Operation" op
                      WHERE op."targetType" = 'PhysicalNic' AND op."targetId" = pf::text
                        AND op.status IN ('Pending', 'Running'))
  ), verdict AS (
    SELECT CASE
             WHEN host.id IS NULL THEN 'gone'
             WHEN host.conn <> 'Connected' THEN 'disconnected'
             WHEN p_want > 0 AND NOT host.iommu THEN 'iommu'
             WHEN host.used_vcpus + p_vcpus > host.cpu OR host.used_memory + p_memory > host.memory
               THEN 'capacity'
             WHEN p_want > 0 AND cardinality(usable.ids) = 0 THEN 'pfBusy'
           END AS refusal,
           host.conn, host.cpu, host.memory, host.used_vcpus, host.used_memory, usable.ids
    FROM usable LEFT JOIN host ON true
  ), candidate AS (
    SELECT vf.id FROM "VirtualFunction" vf
    WHERE vf.state = 'Available'
      AND vf."pfId" = ANY (ARRAY(SELECT unnest(v.ids) FROM verdict v WHERE v.refusal IS NULL))
      AND virtfn_vf_open(vf."pfId", vf.index, p_l2, p_project)
    ORDER BY vf."pfId", vf.index
    LIMIT p_want
    FOR UPDATE SKIP LOCKED
  ), taken AS (
    UPDATE "VirtualFunction" vf SET state = 'Reserved', "stateChangedAt" = now()
    WHERE vf.id IN (SELECT id FROM candidate) AND (SELECT count(*) FROM candidate) = p_want
    RETURNING vf.id, vf."pciAddress", vf."pfId", vf.index
  )
  SELECT jsonb_build_object(
    'refusal', COALESCE(v.refusal, CASE WHEN (SELECT count(*) FROM taken) < p_want THEN 'noFreeVf' END),
    'connectionState', v.conn,
    'cpuCount', v.cpu, 'memoryMiB', v.memory,
    'usedVcpus', v.used_vcpus, 'usedMemoryMiB', v.used_memory,
    'vfs', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', t.id, 'pciAddress', t."pciAddress", 'pfId', t."pfId")
                                      ORDER BY t."pfId", t.index) FROM taken t), '[]'::jsonb))
  FROM verdict v
$fn$;

CREATE OR REPLACE FUNCTION virtfn_reserve_numa(
  p_host uuid, p_pfs uuid[], p_vcpus int, p_memory int, p_want int, p_node int,
  p_l2 uuid, p_project uuid)
RETURNS jsonb LANGUAGE sql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
  WITH node AS (
    SELECT (n->>'cpuCount')::int AS cpu, (n->>'memoryMiB')::int AS memory
    FROM "Host" h, jsonb_array_elements(COALESCE(h."numaTopology", '[]'::jsonb)) AS n
    WHERE h.id = p_host AND (n->>'id')::int = p_node
  ), used AS (
    SELECT COALESCE(sum(o.vcpus), 0)::int AS vcpus, COALESCE(sum(o."memoryMiB"), 0)::int AS memory
    FROM "Vm" v JOIN "InstanceOffering" o ON o.id = v."offeringId"
    WHERE v.id IN (
      SELECT p.id FROM "Vm" p
      WHERE p."hostId" = p_host AND p."numaNode" = p_node
        AND p.state IN ('Creating', 'Starting', 'Running', 'Stopping', 'Rebooting', 'Migrating', 'Deleting')
      UNION
      SELECT c."vmId" FROM virtfn_inbound_claims(p_host) c WHERE c."numaNode" = p_node)
  ), verdict AS (
    SELECT node.cpu, node.memory, used.vcpus AS used_vcpus, used.memory AS used_memory,
           node.cpu IS NULL
             OR used.vcpus + p_vcpus > node.cpu OR used.memory + p_memory > node.memory AS short
    FROM used LEFT JOIN node ON true
  )
  SELECT CASE
           WHEN v.short THEN jsonb_build_object(
             'refusal', 'numa', 'connectionState', NULL, 'cpuCount', NULL, 'memoryMiB', NULL,
             'usedVcpus', NULL, 'usedMemoryMiB', NULL, 'vfs', '[]'::jsonb,
             'node', p_node, 'nodeCpuCount', v.cpu, 'nodeMemoryMiB', v.memory,
             'nodeUsedVcpus', v.used_vcpus, 'nodeUsedMemoryMiB', v.used_memory)
           ELSE virtfn_reserve_locked(p_host, p_pfs, p_vcpus, p_memory, p_want, p_l2, p_project)
                || jsonb_build_object('node', p_node)
         END
  FROM verdict v
$fn$;
