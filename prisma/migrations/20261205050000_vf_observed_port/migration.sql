-- Issue 16: the VF port settings the agent last read back (`ip -d link show`), and when, so the
-- VM page and the API show desired against observed and a drift stays visible.
ALTER TABLE "VirtualFunction" ADD COLUMN "portObserved" JSONB;
ALTER TABLE "VirtualFunction" ADD COLUMN "portObservedAt" TIMESTAMP(3);
