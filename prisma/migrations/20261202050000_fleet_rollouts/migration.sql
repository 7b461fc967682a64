-- CreateEnum
CREATE TYPE "FleetItemState" AS ENUM ('Waiting', 'Running', 'Succeeded', 'Failed', 'Refused', 'Skipped');

-- CreateTable
CREATE TABLE "FleetRollout" (
    "id" UUID NOT NULL,
    "operationId" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "force" BOOLEAN NOT NULL DEFAULT false,
    "maxUnavailable" TEXT NOT NULL,
    "onFailure" TEXT NOT NULL,
    "requesterId" UUID,
    "requesterName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FleetRollout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FleetRolloutCluster" (
    "rolloutId" UUID NOT NULL,
    "clusterId" UUID NOT NULL,
    "clusterName" TEXT NOT NULL,
    "budget" INTEGER NOT NULL,

    CONSTRAINT "FleetRolloutCluster_pkey" PRIMARY KEY ("rolloutId","clusterId")
);

-- CreateTable
CREATE TABLE "FleetRolloutItem" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "rolloutId" UUID NOT NULL,
    "clusterId" UUID NOT NULL,
    "hostId" UUID NOT NULL,
    "hostName" TEXT NOT NULL,
    "pfId" UUID NOT NULL,
    "pfName" TEXT NOT NULL,
    "state" "FleetItemState" NOT NULL DEFAULT 'Waiting',
    "operationId" UUID,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "FleetRolloutItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FleetRollout_operationId_key" ON "FleetRollout"("operationId");

-- CreateIndex
CREATE INDEX "FleetRolloutCluster_clusterId_idx" ON "FleetRolloutCluster"("clusterId");

-- CreateIndex
CREATE UNIQUE INDEX "FleetRolloutItem_rolloutId_pfId_key" ON "FleetRolloutItem"("rolloutId", "pfId");

-- CreateIndex
CREATE INDEX "FleetRolloutItem_rolloutId_state_clusterId_idx" ON "FleetRolloutItem"("rolloutId", "state", "clusterId");

-- AddForeignKey
ALTER TABLE "FleetRolloutCluster" ADD CONSTRAINT "FleetRolloutCluster_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "FleetRollout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FleetRolloutItem" ADD CONSTRAINT "FleetRolloutItem_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "FleetRollout"("id") ON DELETE CASCADE ON UPDATE CASCADE;
