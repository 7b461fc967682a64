-- Several dispatchers (one per worker replica) claim outbox entries with a lease instead of
-- all reading the same rows, and an entry whose dispatcher died is claimable again once the
-- lease ends.
ALTER TABLE "OutboxEntry" ADD COLUMN "claimedUntil" TIMESTAMP(3);

-- The pending entries are the few: this keeps the claim query cheap however long the history is.
CREATE INDEX "OutboxEntry_pending_idx" ON "OutboxEntry" ("id") WHERE "dispatchedAt" IS NULL;

-- Wakes the dispatchers (LISTEN virtfn_outbox) the moment an outbox entry commits, so an
-- operation reaches BullMQ within milliseconds instead of at the next poll. NOTIFY is
-- transactional: delivered on commit, and not at all on rollback. A rule rather than a
-- trigger function because the migration runner splits scripts at every semicolon, which a
-- plpgsql body cannot survive. One NOTIFY per inserting statement, not per row.
CREATE RULE "OutboxEntry_notify" AS ON INSERT TO "OutboxEntry" DO ALSO NOTIFY virtfn_outbox;
