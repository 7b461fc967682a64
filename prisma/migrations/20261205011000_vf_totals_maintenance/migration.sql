-- VF totals leave out hosts in maintenance (issue 16): such a host hands out no VF to a new VM, so
-- its free VFs are neither available nor offered in the sums per cluster and interface (and so per
-- L2, zone and overview). Its VFs still count in the total, and the host in the host count.
-- (No apostrophes in comments here: the WebAssembly schema engine splits statements on quotes.)
CREATE OR REPLACE FUNCTION cluster_vf_counts(cluster_ids UUID[])
RETURNS TABLE ("clusterId" UUID, iface TEXT, hosts INTEGER, total INTEGER, available INTEGER,
               "offeringAvailable" INTEGER, "offeringHosts" INTEGER)
LANGUAGE sql STABLE AS $$
  WITH pf AS (
    SELECT p.id, p."hostId", p.name, p."bondName", h."clusterId",
           (h."connectionState" = 'Connected' AND h."iommuActive" AND NOT h.maintenance) AS offering,
           coalesce((SELECT sum(s.n) FROM "VfStateCount" s WHERE s."pfId" = p.id AND s.state <> 'Missing'), 0) AS total,
           CASE WHEN h.maintenance THEN 0 ELSE
             coalesce((SELECT sum(s.n) FROM "VfStateCount" s WHERE s."pfId" = p.id AND s.state = 'Available'), 0)
           END AS available
    FROM "PhysicalNic" p JOIN "Host" h ON h.id = p."hostId"
    WHERE h."clusterId" = ANY(cluster_ids)
  ), named AS (
    SELECT "clusterId", "hostId", name AS iface, offering, total, available FROM pf
    UNION ALL
    SELECT b."clusterId", b."hostId", b."bondName", b.offering, b.total, b.available FROM pf b
    WHERE b."bondName" IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM pf d WHERE d."hostId" = b."hostId" AND d.name = b."bondName")
  ), per_host AS (
    SELECT "clusterId", iface, bool_or(offering) AS offering, sum(total) AS total, sum(available) AS available
    FROM named GROUP BY "clusterId", "hostId", iface
  )
  SELECT "clusterId", iface, count(*)::int, sum(total)::int, sum(available)::int,
         coalesce(sum(available) FILTER (WHERE offering), 0)::int,
         count(*) FILTER (WHERE offering AND available > 0)::int
  FROM per_host GROUP BY "clusterId", iface
$$;

-- A host entering or leaving maintenance changes its cluster sums like a disconnect does.
DROP TRIGGER "Host_cluster_vf_counts_stale_update" ON "Host";
CREATE TRIGGER "Host_cluster_vf_counts_stale_update" AFTER UPDATE OF "connectionState", "iommuActive", "clusterId", maintenance ON "Host"
  FOR EACH ROW WHEN (OLD."connectionState" IS DISTINCT FROM NEW."connectionState"
    OR OLD."iommuActive" IS DISTINCT FROM NEW."iommuActive" OR OLD."clusterId" IS DISTINCT FROM NEW."clusterId"
    OR OLD.maintenance IS DISTINCT FROM NEW.maintenance)
  EXECUTE FUNCTION cluster_vf_counts_stale_from_hosts();

-- The cached sums were computed without maintenance: every cluster is summed live until refreshed.
INSERT INTO "ClusterVfCountStale"("clusterId") SELECT id FROM "Cluster";
