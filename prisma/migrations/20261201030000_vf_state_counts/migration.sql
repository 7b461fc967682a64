-- VF counts per PF and state, kept by the database so that no read path counts VF rows (issue 9).
--
-- Insert-only: every statement that adds, deletes or changes the state of VFs appends one row per
-- (PF, state) it changed, with the signed difference; a PF's count in a state is the sum of its
-- rows. Appending takes no row lock, so it neither serialises concurrent reservations on one PF
-- nor locks a PF after its VFs (the lock order is host, then PF, then VF). No foreign key for the
-- same reason: checking one would take a key-share lock on the PF row. A PF's rows sum to zero
-- once its VFs are gone, and compaction drops them.
--
-- `base` rows are what compaction wrote; the others are the differences appended since, which
-- vf_state_counts_compact() folds into one base row per (PF, state), a batch of PFs at a time
-- (the worker runs it every few seconds; core's compactVfStateCounts).
CREATE TABLE "VfStateCount" (
    "id" BIGSERIAL NOT NULL,
    "pfId" UUID NOT NULL,
    "state" "VfState" NOT NULL,
    "n" INTEGER NOT NULL,
    "base" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "VfStateCount_pkey" PRIMARY KEY ("id")
);

-- Reads sum a page of PFs' rows from the index alone.
CREATE INDEX "VfStateCount_pfId_state_n_idx" ON "VfStateCount"("pfId", "state") INCLUDE ("n");
-- No index for compaction to find the rows not yet folded: every index is one more write on the
-- reservation path, and compaction runs in the background, where a scan of one row per PF and
-- state is cheap.

-- One trigger function for the three statement triggers; each sees only its own transition tables.
-- It also marks the VFs' clusters stale for the per-cluster sums below.
CREATE FUNCTION vf_state_count_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed BIGINT;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "VfStateCount"("pfId", state, n)
    SELECT "pfId", state, count(*) FROM vf_new GROUP BY "pfId", state;
    INSERT INTO "ClusterVfCountStale"("clusterId")
    SELECT DISTINCT h."clusterId" FROM (SELECT DISTINCT "hostId" FROM vf_new) v JOIN "Host" h ON h.id = v."hostId";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "VfStateCount"("pfId", state, n)
    SELECT "pfId", state, -count(*) FROM vf_old GROUP BY "pfId", state;
    INSERT INTO "ClusterVfCountStale"("clusterId")
    SELECT DISTINCT h."clusterId" FROM (SELECT DISTINCT "hostId" FROM vf_old) v JOIN "Host" h ON h.id = v."hostId";
  ELSE
    INSERT INTO "VfStateCount"("pfId", state, n)
    SELECT "pfId", state, sum(d) FROM (
      SELECT "pfId", state, 1 AS d FROM vf_new
      UNION ALL
      SELECT "pfId", state, -1 AS d FROM vf_old
    ) changed
    GROUP BY "pfId", state
    HAVING sum(d) <> 0;
    GET DIAGNOSTICS changed = ROW_COUNT;
    -- Only a statement that changed some state; the VFs it touched name the clusters (a VF's host
    -- does not change).
    IF changed > 0 THEN
      INSERT INTO "ClusterVfCountStale"("clusterId")
      SELECT DISTINCT h."clusterId" FROM (SELECT DISTINCT "hostId" FROM vf_new) v JOIN "Host" h ON h.id = v."hostId";
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "VirtualFunction_count_insert" AFTER INSERT ON "VirtualFunction"
  REFERENCING NEW TABLE AS vf_new FOR EACH STATEMENT EXECUTE FUNCTION vf_state_count_append();
CREATE TRIGGER "VirtualFunction_count_update" AFTER UPDATE ON "VirtualFunction"
  REFERENCING OLD TABLE AS vf_old NEW TABLE AS vf_new FOR EACH STATEMENT EXECUTE FUNCTION vf_state_count_append();
CREATE TRIGGER "VirtualFunction_count_delete" AFTER DELETE ON "VirtualFunction"
  REFERENCING OLD TABLE AS vf_old FOR EACH STATEMENT EXECUTE FUNCTION vf_state_count_append();

-- Folds the differences of up to `batch` PFs into their base rows; returns how many PFs it folded.
-- Safe to run concurrently with itself and with writers: it deletes the rows it sees and writes
-- back their sum in one statement; a row another compaction deleted first is skipped, and rows
-- appended by transactions not yet committed stay for the next run.
CREATE FUNCTION vf_state_counts_compact(batch INTEGER) RETURNS INTEGER LANGUAGE sql AS $$
  WITH pfs AS (
    SELECT DISTINCT "pfId" FROM "VfStateCount" WHERE NOT base LIMIT batch
  ), gone AS (
    DELETE FROM "VfStateCount" c USING pfs WHERE c."pfId" = pfs."pfId"
    RETURNING c."pfId", c.state, c.n
  ), kept AS (
    INSERT INTO "VfStateCount"("pfId", state, n, base)
    SELECT "pfId", state, sum(n), true FROM gone GROUP BY "pfId", state HAVING sum(n) <> 0
    RETURNING 1
  )
  SELECT count(*)::int FROM pfs
$$;

-- The VFs that exist now.
INSERT INTO "VfStateCount"("pfId", state, n, base)
SELECT "pfId", state, count(*), true FROM "VirtualFunction" GROUP BY "pfId", state;

-- ─── Per cluster and interface name: what the zone-wide read paths sum ─────────────────────────
--
-- VF availability of an L3, vm-create-options and the SR-IOV overview sum an interface over every
-- host of a zone. Summing the PF counts above is still one row per host; these sums per cluster
-- and interface name make it one row per cluster. They are a cache that is exact by construction:
-- every statement that changes what they sum (VF states, hosts joining, leaving or changing
-- connection, IOMMU or cluster, PFs appearing, going or changing name or bond) appends the
-- cluster to "ClusterVfCountStale" in the same transaction. A cluster with a stale row, or never
-- computed, is summed live by the readers (one cluster's hosts); refresh_cluster_vf_counts()
-- deletes the stale rows it sees, then recomputes, so a change it did not see keeps its row.

-- The sums per interface name X over the hosts of the given clusters, X resolving on each host to
-- the PF named X, or else to the slaves of the bond named X (domain.md). "Offering" hosts are
-- connected with IOMMU active; whether their cluster is attached to an L2 is for the reader.
CREATE FUNCTION cluster_vf_counts(cluster_ids UUID[])
RETURNS TABLE ("clusterId" UUID, iface TEXT, hosts INTEGER, total INTEGER, available INTEGER,
               "offeringAvailable" INTEGER, "offeringHosts" INTEGER)
LANGUAGE sql STABLE AS $$
  WITH pf AS (
    SELECT p.id, p."hostId", p.name, p."bondName", h."clusterId",
           (h."connectionState" = 'Connected' AND h."iommuActive") AS offering,
           coalesce((SELECT sum(s.n) FROM "VfStateCount" s WHERE s."pfId" = p.id AND s.state <> 'Missing'), 0) AS total,
           coalesce((SELECT sum(s.n) FROM "VfStateCount" s WHERE s."pfId" = p.id AND s.state = 'Available'), 0) AS available
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

CREATE TABLE "ClusterVfCount" (
    "clusterId" UUID NOT NULL,
    "iface" TEXT NOT NULL,
    "hosts" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "available" INTEGER NOT NULL,
    "offeringAvailable" INTEGER NOT NULL,
    "offeringHosts" INTEGER NOT NULL,

    CONSTRAINT "ClusterVfCount_pkey" PRIMARY KEY ("clusterId", "iface")
);

-- A cluster whose sums above are complete, with its number of hosts.
CREATE TABLE "ClusterVfCountFresh" (
    "clusterId" UUID NOT NULL,
    "hostCount" INTEGER NOT NULL,
    "refreshedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClusterVfCountFresh_pkey" PRIMARY KEY ("clusterId")
);

-- Insert-only, like "VfStateCount", and for the same reasons: no lock, no foreign key.
CREATE TABLE "ClusterVfCountStale" (
    "id" BIGSERIAL NOT NULL,
    "clusterId" UUID NOT NULL,

    CONSTRAINT "ClusterVfCountStale_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ClusterVfCountStale_clusterId_idx" ON "ClusterVfCountStale"("clusterId");

-- Refreshes up to `batch` stale or never computed clusters; returns how many. One refresher at a
-- time (the advisory lock); the others return 0 at once.
CREATE FUNCTION refresh_cluster_vf_counts(batch INTEGER) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  todo UUID[];
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('refresh_cluster_vf_counts')) THEN
    RETURN 0;
  END IF;
  SELECT coalesce(array_agg(c.id), '{}') INTO todo FROM (
    SELECT c.id FROM "Cluster" c
    WHERE NOT EXISTS (SELECT 1 FROM "ClusterVfCountFresh" f WHERE f."clusterId" = c.id)
       OR EXISTS (SELECT 1 FROM "ClusterVfCountStale" s WHERE s."clusterId" = c.id)
    LIMIT batch) c;
  -- First forget the changes, then recompute: a change committed in between is in the new sums
  -- and keeps its stale row (one refresh too many); none is ever lost.
  DELETE FROM "ClusterVfCountStale" WHERE "clusterId" = ANY(todo);
  DELETE FROM "ClusterVfCount" WHERE "clusterId" = ANY(todo);
  INSERT INTO "ClusterVfCount" SELECT * FROM cluster_vf_counts(todo);
  DELETE FROM "ClusterVfCountFresh" WHERE "clusterId" = ANY(todo);
  INSERT INTO "ClusterVfCountFresh"("clusterId", "hostCount")
  SELECT c, (SELECT count(*) FROM "Host" h WHERE h."clusterId" = c) FROM unnest(todo) c;
  RETURN cardinality(todo);
END
$$;

-- What marks a cluster stale, besides VF state changes (vf_state_count_append): hosts joining,
-- leaving, or changing connection, IOMMU or cluster; PFs appearing, going, or changing name, bond
-- or host. Row triggers: these rows are few and change rarely (a heartbeat changes none of these).
CREATE FUNCTION cluster_vf_counts_stale_from_hosts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO "ClusterVfCountStale"("clusterId") VALUES (OLD."clusterId");
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO "ClusterVfCountStale"("clusterId") VALUES (NEW."clusterId");
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Host_cluster_vf_counts_stale" AFTER INSERT OR DELETE ON "Host"
  FOR EACH ROW EXECUTE FUNCTION cluster_vf_counts_stale_from_hosts();
CREATE TRIGGER "Host_cluster_vf_counts_stale_update" AFTER UPDATE OF "connectionState", "iommuActive", "clusterId" ON "Host"
  FOR EACH ROW WHEN (OLD."connectionState" IS DISTINCT FROM NEW."connectionState"
    OR OLD."iommuActive" IS DISTINCT FROM NEW."iommuActive" OR OLD."clusterId" IS DISTINCT FROM NEW."clusterId")
  EXECUTE FUNCTION cluster_vf_counts_stale_from_hosts();

CREATE FUNCTION cluster_vf_counts_stale_from_pfs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- OLD is null on INSERT and NEW on DELETE. A PF deleted with its host finds no host here; the
  -- host's own trigger marks the cluster.
  INSERT INTO "ClusterVfCountStale"("clusterId")
  SELECT DISTINCT h."clusterId" FROM "Host" h WHERE h.id = OLD."hostId" OR h.id = NEW."hostId";
  RETURN NULL;
END
$$;
CREATE TRIGGER "PhysicalNic_cluster_vf_counts_stale" AFTER INSERT OR DELETE ON "PhysicalNic"
  FOR EACH ROW EXECUTE FUNCTION cluster_vf_counts_stale_from_pfs();
CREATE TRIGGER "PhysicalNic_cluster_vf_counts_stale_update" AFTER UPDATE OF name, "bondName", "hostId" ON "PhysicalNic"
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD."bondName" IS DISTINCT FROM NEW."bondName"
    OR OLD."hostId" IS DISTINCT FROM NEW."hostId")
  EXECUTE FUNCTION cluster_vf_counts_stale_from_pfs();
