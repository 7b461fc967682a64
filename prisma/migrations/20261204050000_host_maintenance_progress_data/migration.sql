-- Host maintenance: a host in maintenance takes no new placements (vms/placement.ts judges it,
-- and the placement's host lock re-checks it); the VMs already on it keep running.
ALTER TABLE "Host" ADD COLUMN "maintenance" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Host" ADD COLUMN "maintenanceSince" TIMESTAMP(3);

-- Progress as data: the phase and, where the operation counts things, done of total. The UI
-- draws from these instead of parsing progressMessage.
ALTER TABLE "Operation" ADD COLUMN "progressPhase" TEXT;
ALTER TABLE "Operation" ADD COLUMN "progressDone" INTEGER;
ALTER TABLE "Operation" ADD COLUMN "progressTotal" INTEGER;
