-- NUMA-aware placement: where PFs sit, the host's nodes, an offering's policy, and the node a VM
-- was placed on (its vCPUs and memory count against that node; see vms/placement.ts).
CREATE TYPE "VfNumaPolicy" AS ENUM ('none', 'preferred', 'required');

ALTER TABLE "Host" ADD COLUMN "numaTopology" JSONB;

ALTER TABLE "PhysicalNic" ADD COLUMN "numaNode" INTEGER;

ALTER TABLE "InstanceOffering" ADD COLUMN "vfNumaPolicy" "VfNumaPolicy" NOT NULL DEFAULT 'none';

ALTER TABLE "Vm" ADD COLUMN "numaNode" INTEGER;

-- virtfn_reserve_locked (placement_reserve) confined to one NUMA node: the caller passes only the
-- PFs on p_node. Under the same locks, and VOLATILE for the same reason (a fresh snapshot once
-- they are granted), it first checks that the node still has the VM's vCPUs and memory free:
-- the node's capacity from "Host"."numaTopology", minus the VMs placed on that node that occupy
-- the host. Then the host-wide re-check and reservation as usual. A node that no longer fits
-- refuses with 'numa' and the node's figures, changing nothing. No semicolon inside (see
-- placement_reserve).
CREATE FUNCTION virtfn_reserve_numa(
  p_host uuid, p_pfs uuid[], p_vcpus int, p_memory int, p_want int, p_node int)
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
           ELSE virtfn_reserve_locked(p_host, p_pfs, p_vcpus, p_memory, p_want)
                || jsonb_build_object('node', p_node)
         END
  FROM verdict v
$fn$;
