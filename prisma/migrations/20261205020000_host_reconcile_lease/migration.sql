-- A host's reconcile lease moves off the Host row into a row of its own. Placements and
-- reservations lock the Host row (FOR NO KEY UPDATE) for as long as their transaction runs, and
-- a lease renewed on that row waited for them: every host of the renewal's statement then ran out
-- together and another worker reconciled them a second time (the replica test, issue 14). Nothing
-- but the reconciler locks these rows.
--
-- "until": while "owner" holds the lease, its end; once the pass has finished, the next due time
-- (nobody claims the host before it, so a finish and a claim never both see it claimable).
-- "fence": one more at each claim; a pass writes only while its claim's fence is still the row's.
CREATE TABLE "HostReconcileLease" (
    "hostId" UUID NOT NULL,
    "owner" TEXT,
    "until" TIMESTAMP(3),
    "fence" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "HostReconcileLease_pkey" PRIMARY KEY ("hostId")
);

ALTER TABLE "HostReconcileLease" ADD CONSTRAINT "HostReconcileLease_hostId_fkey"
    FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "HostReconcileLease" ("hostId", "owner", "until")
SELECT id, "reconcileLeaseOwner", "reconcileLeaseUntil" FROM "Host";

-- Every host has its lease row from the start: claims lock existing rows (SKIP LOCKED) and never
-- wait on an insert, whichever code path created the host.
CREATE FUNCTION "Host_reconcile_lease_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HostReconcileLease" ("hostId") VALUES (NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER "Host_reconcile_lease_insert" AFTER INSERT ON "Host"
  FOR EACH ROW EXECUTE FUNCTION "Host_reconcile_lease_insert"();

ALTER TABLE "Host" DROP COLUMN "reconcileLeaseOwner";
ALTER TABLE "Host" DROP COLUMN "reconcileLeaseUntil";
