-- Compactions of the insert-only counts run one at a time.
--
-- Two concurrent vf_state_counts_compact() calls could deadlock: each deletes the rows of the PFs
-- it picked, in the order of its plan (a nested loop takes them PF by PF, a hash join in heap
-- order). The plan can differ between two calls once the statistics of the table move, so one
-- waited for a row the other had deleted while holding a row the other wanted ("ShareLock on
-- transaction", both ways). Nothing else locks these rows: writers only append.
--
-- A transaction-scoped advisory lock lets one compaction in; the others return 0 at once and leave
-- the rows for the next run. Two compactions would pick the same first PFs anyway, so running them
-- side by side gained nothing. The lock is taken before the statement that picks the rows, so
-- that statement already sees in its snapshot what the previous compaction committed.
-- row_counts_compact() is built the same way and gets the same kind of lock.
CREATE OR REPLACE FUNCTION vf_state_counts_compact(batch INTEGER) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  folded INTEGER;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('vf_state_counts_compact')) THEN
    RETURN 0;
  END IF;
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
  SELECT count(*)::int INTO folded FROM pfs;
  RETURN folded;
END
$$;

CREATE OR REPLACE FUNCTION row_counts_compact(batch INTEGER) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  folded INTEGER;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('row_counts_compact')) THEN
    RETURN 0;
  END IF;
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
  SELECT count(*)::int INTO folded FROM parents;
  RETURN folded;
END
$$;
