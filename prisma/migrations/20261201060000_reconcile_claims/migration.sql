-- Each host's reconcile is claimed by one worker per period instead of every worker reconciling
-- every host: a worker claims hosts whose "reconcileDueAt" has passed (FOR UPDATE SKIP LOCKED)
-- with a lease, and on finishing sets the next due time. A claim whose worker died is claimable
-- again once its lease ends.
ALTER TABLE "Host" ADD COLUMN "reconcileDueAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "Host" ADD COLUMN "reconcileLeaseOwner" TEXT;
ALTER TABLE "Host" ADD COLUMN "reconcileLeaseUntil" TIMESTAMP(3);
ALTER TABLE "Host" ADD COLUMN "lastReconciledAt" TIMESTAMP(3);

CREATE INDEX "Host_reconcileDueAt_idx" ON "Host"("reconcileDueAt");
