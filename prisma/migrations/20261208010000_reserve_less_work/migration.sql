-- Three changes to virtfn_reserve_locked, each cutting work the function did per reservation that
-- the raw SKIP LOCKED loop does not (bench placement, 64 hosts x 64 VFs). Otherwise unchanged (see
-- 20261207010000_inbound_claims_one_definition). No semicolon inside (see placement_reserve).
--
-- 1. The UPDATE finds the VFs it reserves by primary key, whatever the plan thinks of p_want. The
--    function runs a generic plan (plan_cache_mode = force_generic_plan), where LIMIT p_want is
--    unknown: "vf.id IN (SELECT id FROM candidate)" was planned for 20 candidates as a hash semi
--    join over a sequential scan of every VF (auto_explain: 4,096 rows read to reserve one).
--    "vf.id = ANY (ARRAY(...))" is an index condition on the primary key: one probe per candidate.
--    Serial latency of one reservation, min of 400: 1.1-1.8 ms before, 0.6-0.7 ms after (the raw
--    loop: 0.33-0.42 ms).
-- 2. virtfn_vf_open (the pool rule, defined once) is a SQL function with a subquery, so Postgres
--    cannot inline it: each call is a nested query. It ran for every Available VF of the PF when
--    the plan sorts them (a table without statistics yet, as right after a bulk load: 64 calls to
--    reserve one VF). It now runs only for VFs of PFs that have pools (pooled, read once per
--    reservation): a PF without pools has no VF it would refuse. Postgres CPU per reservation
--    before statistics: 3.1 ms before, 2.1 ms after (raw loop and release: 1.6-1.7 ms), with
--    statistics the same as before.
-- 3. The host's used vCPUs and memory sum the offerings of its VMs and inbound claims from the
--    union of (id, offeringId) itself. The union of ids was joined back to "Vm", which the generic
--    plan, made while "Vm" was small, did as a hash join over a sequential scan of every VM of the
--    fleet, per reservation (auto_explain: Seq Scan on "Vm" v_1). Same VMs, counted once each.
CREATE OR REPLACE FUNCTION virtfn_reserve_locked(
  p_host uuid, p_pfs uuid[], p_vcpus int, p_memory int, p_want int, p_l2 uuid, p_project uuid)
RETURNS jsonb LANGUAGE sql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
  WITH host AS (
    SELECT h.id, h."connectionState"::text AS conn, h."iommuActive" AS iommu,
           h."cpuCount" AS cpu, h."memoryMiB" AS memory,
           COALESCE(u.vcpus, 0)::int AS used_vcpus, COALESCE(u.memory, 0)::int AS used_memory
    FROM "Host" h
    LEFT JOIN LATERAL (
      -- Each VM once (UNION), with its offering: the host's VMs by "Vm_hostId_idx", the inbound
      -- claims' VMs by primary key.
      SELECT sum(o.vcpus) AS vcpus, sum(o."memoryMiB") AS memory
      FROM (
        SELECT p.id, p."offeringId" FROM "Vm" p
        WHERE p."hostId" = h.id
          AND p.state IN ('Creating', 'Starting', 'Running', 'Stopping', 'Rebooting', 'Migrating', 'Deleting')
        UNION
        SELECT v.id, v."offeringId" FROM virtfn_inbound_claims(h.id) c JOIN "Vm" v ON v.id = c."vmId"
      ) x JOIN "InstanceOffering" o ON o.id = x."offeringId"
    ) u ON true
    WHERE h.id = p_host
  ), usable AS (
    SELECT COALESCE(array_agg(pf), '{}') AS ids
    FROM unnest(p_pfs) AS pf
    WHERE NOT EXISTS (SELECT 1 FROM "Operation" op
                      WHERE op."targetType" = 'PhysicalNic' AND op."targetId" = pf::text
                        AND op.status IN ('Pending', 'Running'))
  ), pooled AS (
    -- The usable PFs that have VF pools: only their VFs need virtfn_vf_open's check per VF.
    SELECT COALESCE(array_agg(DISTINCT p."pfId"), '{}') AS ids
    FROM "VfPool" p, usable u WHERE p."pfId" = ANY (u.ids)
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
      AND (vf."pfId" <> ALL ((SELECT ids FROM pooled)::uuid[])
           OR virtfn_vf_open(vf."pfId", vf.index, p_l2, p_project))
    ORDER BY vf."pfId", vf.index
    LIMIT p_want
    FOR UPDATE SKIP LOCKED
  ), taken AS (
    UPDATE "VirtualFunction" vf SET state = 'Reserved', "stateChangedAt" = now()
    WHERE vf.id = ANY (ARRAY(SELECT id FROM candidate)) AND (SELECT count(*) FROM candidate) = p_want
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
