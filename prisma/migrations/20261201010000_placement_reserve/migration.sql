-- The re-check and reservation of a VM's placement on one host, in one call. The caller's
-- statement locks the host (FOR NO KEY UPDATE) and its PFs (FOR SHARE, in id order) and passes
-- them in. This function is VOLATILE, so under READ COMMITTED its statement takes a fresh
-- snapshot after those locks are granted: it sees what the previous lock holder committed (its
-- VM, its reserved VFs, a split's operation) as separate statements would, for one round trip.
-- It refuses (a reason, nothing changed) if the host is gone, disconnected, without IOMMU for VF
-- NICs, short of CPU or memory for the VM, or has every PF busy with a split or restore. Otherwise it
-- marks `p_want` Available VFs of the usable PFs Reserved, all or none (SKIP LOCKED keeps
-- concurrent callers apart). One SQL statement and no semicolon inside: the migration runner
-- splits scripts at semicolons, which a plpgsql body cannot survive.
CREATE FUNCTION virtfn_reserve_locked(
  p_host uuid, p_pfs uuid[], p_vcpus int, p_memory int, p_want int)
RETURNS jsonb LANGUAGE sql VOLATILE AS $fn$
  WITH host AS (
    SELECT h.id, h."connectionState"::text AS conn, h."iommuActive" AS iommu,
           h."cpuCount" AS cpu, h."memoryMiB" AS memory,
           COALESCE(u.vcpus, 0)::int AS used_vcpus, COALESCE(u.memory, 0)::int AS used_memory
    FROM "Host" h
    LEFT JOIN LATERAL (
      SELECT sum(o.vcpus) AS vcpus, sum(o."memoryMiB") AS memory
      FROM "Vm" v JOIN "InstanceOffering" o ON o.id = v."offeringId"
      WHERE v."hostId" = h.id
        AND v.state IN ('Creating', 'Starting', 'Running', 'Stopping', 'Rebooting', 'Migrating', 'Deleting')
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
    -- The PF list as one value (not a join), so that it is an index condition on (pfId, index).
    SELECT vf.id FROM "VirtualFunction" vf
    WHERE vf.state = 'Available'
      AND vf."pfId" = ANY (ARRAY(SELECT unnest(v.ids) FROM verdict v WHERE v.refusal IS NULL))
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

-- Writes an operation's outbox entry. A function, so that a create can write it from the same
-- statement as the operation: the entry's NOTIFY rule (outbox_claim_notify) forbids inserting
-- into "OutboxEntry" from a WITH clause, but not from a function called by the statement.
CREATE FUNCTION virtfn_enqueue(p_operation uuid, p_queue text) RETURNS void
LANGUAGE sql VOLATILE AS $fn$
  INSERT INTO "OutboxEntry" ("operationId", queue) VALUES (p_operation, p_queue)
$fn$;
