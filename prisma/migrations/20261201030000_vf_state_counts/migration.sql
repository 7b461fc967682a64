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
CREATE FUNCTION vf_state_count_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "VfStateCount"("pfId", state, n)
    SELECT "pfId", state, count(*) FROM vf_new GROUP BY "pfId", state;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "VfStateCount"("pfId", state, n)
    SELECT "pfId", state, -count(*) FROM vf_old GROUP BY "pfId", state;
  ELSE
    INSERT INTO "VfStateCount"("pfId", state, n)
    SELECT "pfId", state, sum(d) FROM (
      SELECT "pfId", state, 1 AS d FROM vf_new
      UNION ALL
      SELECT "pfId", state, -1 AS d FROM vf_old
    ) changed
    GROUP BY "pfId", state
    HAVING sum(d) <> 0;
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
