-- Child-row counts that the read paths show next to a parent (VMs per offering, image and project,
-- NICs and VF NICs per L3, hosts per cluster), kept by the database so that no read path counts
-- rows that grow with the fleet (issue 9).
--
-- Built like "VfStateCount": insert-only signed differences, one row per (kind, parent) a statement
-- changed; a parent's count is the sum of its rows. Appending takes no row lock, so concurrent VM
-- creates do not queue on a counter row. No foreign key: checking one would lock the parent.
-- row_counts_compact() folds the differences into one base row per (kind, parent) in the
-- background (the worker's count compaction; core's compactRowCounts).
CREATE TABLE "RowCount" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "parentId" UUID NOT NULL,
    "n" INTEGER NOT NULL,
    "base" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "RowCount_pkey" PRIMARY KEY ("id")
);

-- Reads sum a page of parents' rows from the index alone.
CREATE INDEX "RowCount_kind_parentId_n_idx" ON "RowCount"("kind", "parentId") INCLUDE ("n");

-- Kinds: 'Vm.offeringId', 'Vm.imageId', 'Vm.projectId', 'VmNic.l3Id', 'VmNic.l3Id.VF',
-- 'Host.clusterId'. Inserts and deletes append per statement, from the transition tables; an
-- update that moves a row to another parent (rare: none of these columns changes in normal
-- operation) appends per row, and only when the column changed.
CREATE FUNCTION row_count_vm_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RowCount"(kind, "parentId", n)
    SELECT 'Vm.offeringId', "offeringId", count(*) FROM rows_new GROUP BY "offeringId"
    UNION ALL SELECT 'Vm.imageId', "imageId", count(*) FROM rows_new GROUP BY "imageId"
    UNION ALL SELECT 'Vm.projectId', "projectId", count(*) FROM rows_new GROUP BY "projectId";
  ELSE
    INSERT INTO "RowCount"(kind, "parentId", n)
    SELECT 'Vm.offeringId', "offeringId", -count(*) FROM rows_old GROUP BY "offeringId"
    UNION ALL SELECT 'Vm.imageId', "imageId", -count(*) FROM rows_old GROUP BY "imageId"
    UNION ALL SELECT 'Vm.projectId', "projectId", -count(*) FROM rows_old GROUP BY "projectId";
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Vm_row_count_insert" AFTER INSERT ON "Vm"
  REFERENCING NEW TABLE AS rows_new FOR EACH STATEMENT EXECUTE FUNCTION row_count_vm_append();
CREATE TRIGGER "Vm_row_count_delete" AFTER DELETE ON "Vm"
  REFERENCING OLD TABLE AS rows_old FOR EACH STATEMENT EXECUTE FUNCTION row_count_vm_append();

CREATE FUNCTION row_count_vm_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "RowCount"(kind, "parentId", n)
  SELECT k, p, d FROM (VALUES
    ('Vm.offeringId', OLD."offeringId", -1), ('Vm.offeringId', NEW."offeringId", 1),
    ('Vm.imageId', OLD."imageId", -1), ('Vm.imageId', NEW."imageId", 1),
    ('Vm.projectId', OLD."projectId", -1), ('Vm.projectId', NEW."projectId", 1)
  ) v(k, p, d)
  WHERE (k = 'Vm.offeringId' AND OLD."offeringId" IS DISTINCT FROM NEW."offeringId")
     OR (k = 'Vm.imageId' AND OLD."imageId" IS DISTINCT FROM NEW."imageId")
     OR (k = 'Vm.projectId' AND OLD."projectId" IS DISTINCT FROM NEW."projectId");
  RETURN NULL;
END
$$;
CREATE TRIGGER "Vm_row_count_move" AFTER UPDATE OF "offeringId", "imageId", "projectId" ON "Vm"
  FOR EACH ROW WHEN (OLD."offeringId" IS DISTINCT FROM NEW."offeringId"
    OR OLD."imageId" IS DISTINCT FROM NEW."imageId" OR OLD."projectId" IS DISTINCT FROM NEW."projectId")
  EXECUTE FUNCTION row_count_vm_move();

CREATE FUNCTION row_count_nic_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RowCount"(kind, "parentId", n)
    SELECT 'VmNic.l3Id', "l3Id", count(*) FROM rows_new GROUP BY "l3Id"
    UNION ALL SELECT 'VmNic.l3Id.VF', "l3Id", count(*) FROM rows_new WHERE type = 'VF' GROUP BY "l3Id";
  ELSE
    INSERT INTO "RowCount"(kind, "parentId", n)
    SELECT 'VmNic.l3Id', "l3Id", -count(*) FROM rows_old GROUP BY "l3Id"
    UNION ALL SELECT 'VmNic.l3Id.VF', "l3Id", -count(*) FROM rows_old WHERE type = 'VF' GROUP BY "l3Id";
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "VmNic_row_count_insert" AFTER INSERT ON "VmNic"
  REFERENCING NEW TABLE AS rows_new FOR EACH STATEMENT EXECUTE FUNCTION row_count_nic_append();
CREATE TRIGGER "VmNic_row_count_delete" AFTER DELETE ON "VmNic"
  REFERENCING OLD TABLE AS rows_old FOR EACH STATEMENT EXECUTE FUNCTION row_count_nic_append();

CREATE FUNCTION row_count_nic_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "RowCount"(kind, "parentId", n) VALUES
    ('VmNic.l3Id', OLD."l3Id", -1), ('VmNic.l3Id', NEW."l3Id", 1);
  INSERT INTO "RowCount"(kind, "parentId", n)
  SELECT 'VmNic.l3Id.VF', OLD."l3Id", -1 WHERE OLD.type = 'VF'
  UNION ALL SELECT 'VmNic.l3Id.VF', NEW."l3Id", 1 WHERE NEW.type = 'VF';
  RETURN NULL;
END
$$;
CREATE TRIGGER "VmNic_row_count_move" AFTER UPDATE OF "l3Id", type ON "VmNic"
  FOR EACH ROW WHEN (OLD."l3Id" IS DISTINCT FROM NEW."l3Id" OR OLD.type IS DISTINCT FROM NEW.type)
  EXECUTE FUNCTION row_count_nic_move();

CREATE FUNCTION row_count_host_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RowCount"(kind, "parentId", n)
    SELECT 'Host.clusterId', "clusterId", count(*) FROM rows_new GROUP BY "clusterId";
  ELSE
    INSERT INTO "RowCount"(kind, "parentId", n)
    SELECT 'Host.clusterId', "clusterId", -count(*) FROM rows_old GROUP BY "clusterId";
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Host_row_count_insert" AFTER INSERT ON "Host"
  REFERENCING NEW TABLE AS rows_new FOR EACH STATEMENT EXECUTE FUNCTION row_count_host_append();
CREATE TRIGGER "Host_row_count_delete" AFTER DELETE ON "Host"
  REFERENCING OLD TABLE AS rows_old FOR EACH STATEMENT EXECUTE FUNCTION row_count_host_append();

CREATE FUNCTION row_count_host_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "RowCount"(kind, "parentId", n) VALUES
    ('Host.clusterId', OLD."clusterId", -1), ('Host.clusterId', NEW."clusterId", 1);
  RETURN NULL;
END
$$;
CREATE TRIGGER "Host_row_count_move" AFTER UPDATE OF "clusterId" ON "Host"
  FOR EACH ROW WHEN (OLD."clusterId" IS DISTINCT FROM NEW."clusterId")
  EXECUTE FUNCTION row_count_host_move();

-- Folds the differences of up to `batch` (kind, parent) pairs into their base rows; returns how
-- many it folded. Safe to run concurrently with itself and with writers, like
-- vf_state_counts_compact.
CREATE FUNCTION row_counts_compact(batch INTEGER) RETURNS INTEGER LANGUAGE sql AS $$
  WITH parents AS (
    SELECT DISTINCT kind, "parentId" FROM "RowCount" WHERE NOT base LIMIT batch
  ), gone AS (
    DELETE FROM "RowCount" c USING parents p WHERE c.kind = p.kind AND c."parentId" = p."parentId"
    RETURNING c.kind, c."parentId", c.n
  ), kept AS (
    INSERT INTO "RowCount"(kind, "parentId", n, base)
    SELECT kind, "parentId", sum(n), true FROM gone GROUP BY kind, "parentId" HAVING sum(n) <> 0
    RETURNING 1
  )
  SELECT count(*)::int FROM parents
$$;

-- Rebuilds every count from the rows (bulk loads that skip triggers call it afterwards).
CREATE FUNCTION row_counts_rebuild() RETURNS void LANGUAGE sql AS $$
  DELETE FROM "RowCount";
  INSERT INTO "RowCount"(kind, "parentId", n, base)
  SELECT 'Vm.offeringId', "offeringId", count(*), true FROM "Vm" GROUP BY "offeringId"
  UNION ALL SELECT 'Vm.imageId', "imageId", count(*), true FROM "Vm" GROUP BY "imageId"
  UNION ALL SELECT 'Vm.projectId', "projectId", count(*), true FROM "Vm" GROUP BY "projectId"
  UNION ALL SELECT 'VmNic.l3Id', "l3Id", count(*), true FROM "VmNic" GROUP BY "l3Id"
  UNION ALL SELECT 'VmNic.l3Id.VF', "l3Id", count(*), true FROM "VmNic" WHERE type = 'VF' GROUP BY "l3Id"
  UNION ALL SELECT 'Host.clusterId', "clusterId", count(*), true FROM "Host" GROUP BY "clusterId";
$$;

-- The rows that exist now.
SELECT row_counts_rebuild();
