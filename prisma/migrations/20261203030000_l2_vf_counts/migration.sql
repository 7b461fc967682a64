-- Per L2: the sums of "ClusterVfCount" over its attached clusters, for its interface. The create
-- form and the SR-IOV overview read one row per L2 here instead of one row per cluster of the zone
-- (200 at 10k hosts). Kept by triggers on every table the sum reads: the cluster sums (rewritten
-- only by refresh_cluster_vf_counts), the attachments and the interface name. Whoever changes it
-- first takes the lock that refresh_cluster_vf_counts takes, so that an attachment and a refresh
-- never add sums the other one did not see. Readers correct it for stale clusters exactly as the
-- zone-wide readers do: a stale cluster's cached rows are taken out and its live sums put in.
-- (No apostrophes in comments here: the WebAssembly schema engine splits statements on quotes.)

CREATE TABLE "L2VfCount" (
    "l2Id" UUID NOT NULL,
    "hosts" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "available" INTEGER NOT NULL,
    "offeringAvailable" INTEGER NOT NULL,
    "offeringHosts" INTEGER NOT NULL,

    CONSTRAINT "L2VfCount_pkey" PRIMARY KEY ("l2Id")
);

-- Adds the given cluster sums, times sign, to the L2s attached to their clusters whose interface
-- they are. Callers hold the lock of refresh_cluster_vf_counts.
CREATE FUNCTION l2_vf_counts_add(sums JSONB, sign INTEGER) RETURNS VOID LANGUAGE sql AS $$
  INSERT INTO "L2VfCount" AS t ("l2Id", hosts, total, available, "offeringAvailable", "offeringHosts")
  SELECT a."l2Id", sign * sum(c.hosts), sign * sum(c.total), sign * sum(c.available),
         sign * sum(c."offeringAvailable"), sign * sum(c."offeringHosts")
  FROM jsonb_to_recordset(sums) AS c("clusterId" UUID, iface TEXT, hosts INTEGER, total INTEGER,
         available INTEGER, "offeringAvailable" INTEGER, "offeringHosts" INTEGER)
  JOIN "L2ClusterAttachment" a ON a."clusterId" = c."clusterId"
  JOIN "L2Network" l ON l.id = a."l2Id" AND l."physicalInterface" = c.iface
  GROUP BY a."l2Id"
  ON CONFLICT ("l2Id") DO UPDATE SET
    hosts = t.hosts + excluded.hosts, total = t.total + excluded.total,
    available = t.available + excluded.available,
    "offeringAvailable" = t."offeringAvailable" + excluded."offeringAvailable",
    "offeringHosts" = t."offeringHosts" + excluded."offeringHosts"
$$;

-- Recomputes the rows of the given L2s from their attachments. Callers hold the lock.
CREATE FUNCTION l2_vf_counts_recompute(l2_ids UUID[]) RETURNS VOID LANGUAGE sql AS $$
  DELETE FROM "L2VfCount" WHERE "l2Id" = ANY(l2_ids);
  INSERT INTO "L2VfCount"("l2Id", hosts, total, available, "offeringAvailable", "offeringHosts")
  SELECT l.id, coalesce(sum(c.hosts), 0), coalesce(sum(c.total), 0), coalesce(sum(c.available), 0),
         coalesce(sum(c."offeringAvailable"), 0), coalesce(sum(c."offeringHosts"), 0)
  FROM "L2Network" l
  LEFT JOIN "L2ClusterAttachment" a ON a."l2Id" = l.id
  LEFT JOIN "ClusterVfCount" c ON c."clusterId" = a."clusterId" AND c.iface = l."physicalInterface"
  WHERE l.id = ANY(l2_ids)
  GROUP BY l.id;
$$;

-- The cluster sums change only inside refresh_cluster_vf_counts, which holds the lock already.
CREATE FUNCTION l2_vf_counts_from_cluster_sums() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM l2_vf_counts_add((SELECT coalesce(jsonb_agg(r), '[]') FROM rows_new r), 1);
  ELSE
    PERFORM l2_vf_counts_add((SELECT coalesce(jsonb_agg(r), '[]') FROM rows_old r), -1);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "ClusterVfCount_l2_vf_counts_insert" AFTER INSERT ON "ClusterVfCount"
  REFERENCING NEW TABLE AS rows_new FOR EACH STATEMENT EXECUTE FUNCTION l2_vf_counts_from_cluster_sums();
CREATE TRIGGER "ClusterVfCount_l2_vf_counts_delete" AFTER DELETE ON "ClusterVfCount"
  REFERENCING OLD TABLE AS rows_old FOR EACH STATEMENT EXECUTE FUNCTION l2_vf_counts_from_cluster_sums();

-- Attachments: take the lock (waiting for a refresh under way), then
-- recompute the L2s touched from the sums as they are now (a new snapshot per statement).
CREATE FUNCTION l2_vf_counts_from_l2s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('refresh_cluster_vf_counts'));
  IF TG_OP = 'DELETE' THEN
    PERFORM l2_vf_counts_recompute(ARRAY(SELECT DISTINCT "l2Id" FROM rows_old));
  ELSE
    PERFORM l2_vf_counts_recompute(ARRAY(SELECT DISTINCT "l2Id" FROM rows_new));
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "L2ClusterAttachment_l2_vf_counts_insert" AFTER INSERT ON "L2ClusterAttachment"
  REFERENCING NEW TABLE AS rows_new FOR EACH STATEMENT EXECUTE FUNCTION l2_vf_counts_from_l2s();
CREATE TRIGGER "L2ClusterAttachment_l2_vf_counts_delete" AFTER DELETE ON "L2ClusterAttachment"
  REFERENCING OLD TABLE AS rows_old FOR EACH STATEMENT EXECUTE FUNCTION l2_vf_counts_from_l2s();

-- A row trigger: transition tables do not go with a column list, and L2s are few.
CREATE FUNCTION l2_vf_counts_from_interface() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('refresh_cluster_vf_counts'));
  PERFORM l2_vf_counts_recompute(ARRAY[NEW.id]);
  RETURN NULL;
END
$$;
CREATE TRIGGER "L2Network_l2_vf_counts_interface" AFTER UPDATE OF "physicalInterface" ON "L2Network"
  FOR EACH ROW WHEN (OLD."physicalInterface" IS DISTINCT FROM NEW."physicalInterface")
  EXECUTE FUNCTION l2_vf_counts_from_interface();

-- A deleted L2 leaves no row (recompute finds no L2 and writes none).
CREATE FUNCTION l2_vf_counts_forget_l2s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "L2VfCount" WHERE "l2Id" IN (SELECT id FROM rows_old);
  RETURN NULL;
END
$$;
CREATE TRIGGER "L2Network_l2_vf_counts_delete" AFTER DELETE ON "L2Network"
  REFERENCING OLD TABLE AS rows_old FOR EACH STATEMENT EXECUTE FUNCTION l2_vf_counts_forget_l2s();

-- Readers take a cluster without sums yet for one whose sums are up to date unless it is stale:
-- mark every such cluster stale now (new hosts mark theirs from here on).
INSERT INTO "ClusterVfCountStale"("clusterId")
SELECT c.id FROM "Cluster" c
WHERE NOT EXISTS (SELECT 1 FROM "ClusterVfCountFresh" f WHERE f."clusterId" = c.id);

SELECT l2_vf_counts_recompute(ARRAY(SELECT id FROM "L2Network"));
