-- Issue 16: the NUMA node a live migration claims on its destination. The run already claims the
-- destination's VFs, vCPUs and memory (MigrationRun in phase Claimed or Unplugged); with a VM
-- bound to a node (offering policy required, or preferred when a node fits) the claim is on one
-- node of the destination too, recorded here, and counted in that node's sums until the VM is
-- there (it then records the node on Vm.numaNode) or the run rolls back. Null: not node-bound.
ALTER TABLE "MigrationRun" ADD COLUMN "targetNumaNode" INTEGER;

-- virtfn_reserve_numa (vf_pools) with the node's sums counting inbound migrations claimed on it,
-- as the scheduler's snapshot does (vms/scheduler.ts, INBOUND_MIGRATION_PHASES). Otherwise
-- unchanged. No semicolon inside (see placement_reserve).
CREATE OR REPLACE FUNCTION virtfn_reserve_numa(
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
    WHERE (v."hostId" = p_host AND v."numaNode" = p_node
           AND v.state IN ('Creating', 'Starting', 'Running', 'Stopping', 'Rebooting', 'Migrating', 'Deleting'))
       OR v.id IN (SELECT r."vmId" FROM "MigrationRun" r
                   WHERE r."targetHostId" = p_host AND r."targetNumaNode" = p_node
                     AND r.phase IN ('Claimed', 'Unplugged'))
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
