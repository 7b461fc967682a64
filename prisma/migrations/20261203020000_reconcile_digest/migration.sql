-- The digest of the agent snapshot that the last full reconcile of a host compared and found in
-- sync, and when. While the agent still reports that digest, and for a bounded time after, a
-- reconcile skips reading the snapshot, the compare and the writes.
ALTER TABLE "Host" ADD COLUMN "observedDigest" TEXT;
ALTER TABLE "Host" ADD COLUMN "observedDigestAt" TIMESTAMP(3);
