-- VF pools (issue 16): a named index range of a PF, handed out only to VF NICs on one of its L2s
-- and, when it names projects, only in those projects. VFs of a pooled PF that no pool covers stay
-- free for all, and a PF without pools behaves as before (see core/src/sriov/pools.ts).
CREATE TABLE "VfPool" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pfId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "firstIndex" INTEGER NOT NULL,
    "lastIndex" INTEGER NOT NULL,
    "l2Ids" UUID[],
    "projectIds" UUID[] DEFAULT ARRAY[]::UUID[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VfPool_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "VfPool_range_check" CHECK ("firstIndex" >= 0 AND "lastIndex" >= "firstIndex")
);

CREATE UNIQUE INDEX "VfPool_pfId_name_key" ON "VfPool"("pfId", "name");

CREATE INDEX "VfPool_pfId_firstIndex_idx" ON "VfPool"("pfId", "firstIndex");

ALTER TABLE "VfPool" ADD CONSTRAINT "VfPool_pfId_fkey" FOREIGN KEY ("pfId") REFERENCES "PhysicalNic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Whether VF p_index of PF p_pf may go to a VF NIC on L2 p_l2 in project p_project: no pool covers
-- it, or the pool that does names the L2 and names no project or this one. The one place the pool
-- rule is written for the database: the reservations below and core/src/vms/reserve.ts use it in
-- the statement that locks the VF, so a VF is never handed out past its pool.
CREATE FUNCTION virtfn_vf_open(p_pf uuid, p_index int, p_l2 uuid, p_project uuid)
RETURNS boolean LANGUAGE sql STABLE AS $fn$
  SELECT NOT EXISTS (
    SELECT 1 FROM "VfPool" p
    WHERE p."pfId" = p_pf AND p_index BETWEEN p."firstIndex" AND p."lastIndex"
      AND NOT (COALESCE(p_l2 = ANY (p."l2Ids"), false)
               AND (cardinality(p."projectIds") = 0
                    OR COALESCE(p_project = ANY (p."projectIds"), false))))
$fn$;

-- The reservations of placement_reserve and numa_placement, now told the L2 and the project of
-- the VF NICs they serve, so that the candidate VFs are only those virtfn_vf_open lets through.
-- Otherwise unchanged (see those migrations for the locks and the fresh snapshot).
DROP FUNCTION virtfn_reserve_numa(uuid, uuid[], int, int, int, int);

DROP FUNCTION virtfn_reserve_locked(uuid, uuid[], int, int, int);

CREATE FUNCTION virtfn_reserve_locked(
  p_host uuid, p_pfs uuid[], p_vcpus int, p_memory int, p_want int, p_l2 uuid, p_project uuid)
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

CREATE FUNCTION virtfn_reserve_numa(
  p_host uuid, p_pfs uuid[], p_vcpus int, p_memory int, p_want int, p_node int,
  p_l2 uuid, p_project uuid)
RETURNS jsonb LANGUAGE sql VOLATILE AS $fn$
  WITH node AS (
    SELECT (n->>'cpuCount')::int AS cpu, (n->>'memoryMiB')::int AS memory
    FROM "Host" h, jsonb_array_elements(COALESCE(h."numaTopology", '[]'::jsonb)) AS n
    WHERE h.id = p_host AND (n->>'id')::int = p_node
  ), used AS (
    SELECT COALESCE(sum(o.vcpus), 0)::int AS vcpus, COALESCE(sum(o."memoryMiB"), 0)::int AS memory
    FROM "Vm" v JOIN "InstanceOffering" o ON o.id = v."offeringId"
    WHERE v."hostId" = p_host AND v."numaNode" = p_node
      AND v.state IN ('Creating', 'Starting', 'Running', 'Stopping', 'Rebooting', 'Migrating', 'Deleting')
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
