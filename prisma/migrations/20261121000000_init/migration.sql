-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('Admin', 'Tenant', 'Auditor');

-- CreateEnum
CREATE TYPE "HostConnectionState" AS ENUM ('Connecting', 'Connected', 'Disconnected');

-- CreateEnum
CREATE TYPE "VirtualizationState" AS ENUM ('NotVirtualizable', 'Virtualizable', 'Virtualized');

-- CreateEnum
CREATE TYPE "VfState" AS ENUM ('Available', 'Reserved', 'Attached', 'Releasing', 'Missing');

-- CreateEnum
CREATE TYPE "L2Type" AS ENUM ('NoVlan', 'Vlan', 'Vxlan');

-- CreateEnum
CREATE TYPE "L3Category" AS ENUM ('Public', 'Flat', 'VRouter', 'Vpc');

-- CreateEnum
CREATE TYPE "VmState" AS ENUM ('Creating', 'Starting', 'Running', 'Stopping', 'Stopped', 'Rebooting', 'Migrating', 'Deleting', 'Error');

-- CreateEnum
CREATE TYPE "NicType" AS ENUM ('VNIC', 'VF');

-- CreateEnum
CREATE TYPE "VnicModel" AS ENUM ('virtio', 'e1000');

-- CreateEnum
CREATE TYPE "VnicMode" AS ENUM ('bridge', 'macvtap');

-- CreateEnum
CREATE TYPE "OperationStatus" AS ENUM ('Pending', 'Running', 'Succeeded', 'Failed', 'Cancelled');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('Success', 'Failure', 'Denied');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "UserRole" NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Project" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "userId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("userId","projectId")
);

-- CreateTable
CREATE TABLE "Session" (
    "tokenHash" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "projectId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Zone" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Zone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Cluster" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "zoneId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "hypervisor" TEXT NOT NULL DEFAULT 'KVM',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Cluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Host" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "clusterId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "agentUrl" TEXT NOT NULL,
    "agentToken" TEXT NOT NULL,
    "connectionState" "HostConnectionState" NOT NULL DEFAULT 'Connecting',
    "connectionReason" TEXT,
    "lastSeenAt" TIMESTAMP(3),
    "bootId" TEXT,
    "agentVersion" TEXT,
    "agentBackend" TEXT,
    "cpuModel" TEXT,
    "cpuCount" INTEGER NOT NULL DEFAULT 0,
    "memoryMiB" INTEGER NOT NULL DEFAULT 0,
    "cpuVirtualization" TEXT,
    "iommuEnabled" BOOLEAN NOT NULL DEFAULT false,
    "iommuKernelArgSet" BOOLEAN NOT NULL DEFAULT false,
    "iommuActive" BOOLEAN NOT NULL DEFAULT false,
    "interruptRemapping" BOOLEAN NOT NULL DEFAULT false,
    "allowUnsafeInterrupts" BOOLEAN NOT NULL DEFAULT false,
    "rebootRequired" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Host_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PhysicalNic" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "hostId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "pciAddress" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "driver" TEXT NOT NULL,
    "mac" TEXT,
    "linkUp" BOOLEAN NOT NULL DEFAULT false,
    "speedMbps" INTEGER,
    "totalVfs" INTEGER NOT NULL DEFAULT 0,
    "numVfs" INTEGER NOT NULL DEFAULT 0,
    "desiredNumVfs" INTEGER,
    "bondName" TEXT,
    "bondSlaves" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "virtualizationState" "VirtualizationState" NOT NULL DEFAULT 'NotVirtualizable',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PhysicalNic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VirtualFunction" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pfId" UUID NOT NULL,
    "hostId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "pciAddress" TEXT NOT NULL,
    "state" "VfState" NOT NULL DEFAULT 'Available',
    "driver" TEXT,
    "mac" TEXT,
    "stateChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VirtualFunction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VxlanPool" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "zoneId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "vniStart" INTEGER NOT NULL,
    "vniEnd" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VxlanPool_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "L2Network" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "zoneId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "type" "L2Type" NOT NULL,
    "vlanId" INTEGER,
    "vxlanPoolId" UUID,
    "vni" INTEGER,
    "physicalInterface" TEXT NOT NULL,
    "sriovEnabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "L2Network_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "L2ClusterAttachment" (
    "l2Id" UUID NOT NULL,
    "clusterId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "L2ClusterAttachment_pkey" PRIMARY KEY ("l2Id","clusterId")
);

-- CreateTable
CREATE TABLE "L3Network" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "l2Id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "category" "L3Category" NOT NULL,
    "sriovEnabled" BOOLEAN NOT NULL DEFAULT false,
    "gateway" TEXT,
    "prefixLength" INTEGER,
    "dns" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "L3Network_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IpRange" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "l3Id" UUID NOT NULL,
    "startIp" TEXT NOT NULL,
    "endIp" TEXT NOT NULL,

    CONSTRAINT "IpRange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstanceOffering" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "vcpus" INTEGER NOT NULL,
    "memoryMiB" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InstanceOffering_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Image" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "format" TEXT NOT NULL DEFAULT 'qcow2',
    "sizeGiB" INTEGER NOT NULL DEFAULT 10,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Vm" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "offeringId" UUID NOT NULL,
    "imageId" UUID NOT NULL,
    "state" "VmState" NOT NULL DEFAULT 'Creating',
    "desiredState" "VmState" NOT NULL DEFAULT 'Running',
    "hostId" UUID,
    "clusterId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Vm_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VmNic" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "vmId" UUID NOT NULL,
    "l3Id" UUID NOT NULL,
    "deviceIndex" INTEGER NOT NULL,
    "ip" TEXT NOT NULL,
    "mac" TEXT NOT NULL,
    "type" "NicType" NOT NULL,
    "model" "VnicModel" NOT NULL DEFAULT 'virtio',
    "mode" "VnicMode" NOT NULL DEFAULT 'bridge',
    "queues" INTEGER NOT NULL DEFAULT 1,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "vfId" UUID,
    "lastVfId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VmNic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NicQos" (
    "nicId" UUID NOT NULL,
    "inboundKbps" INTEGER,
    "outboundKbps" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NicQos_pkey" PRIMARY KEY ("nicId")
);

-- CreateTable
CREATE TABLE "SecurityGroup" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SecurityGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SecurityGroupRule" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "securityGroupId" UUID NOT NULL,
    "direction" TEXT NOT NULL,
    "protocol" TEXT NOT NULL,
    "portStart" INTEGER,
    "portEnd" INTEGER,
    "cidr" TEXT NOT NULL,

    CONSTRAINT "SecurityGroupRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SecurityGroupMember" (
    "securityGroupId" UUID NOT NULL,
    "nicId" UUID NOT NULL,

    CONSTRAINT "SecurityGroupMember_pkey" PRIMARY KEY ("securityGroupId","nicId")
);

-- CreateTable
CREATE TABLE "Eip" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "vipL3Id" UUID NOT NULL,
    "ip" TEXT NOT NULL,
    "nicId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Eip_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FdbEntry" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "hostId" UUID NOT NULL,
    "pfName" TEXT NOT NULL,
    "mac" TEXT NOT NULL,
    "nicId" UUID,

    CONSTRAINT "FdbEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Operation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" TEXT NOT NULL,
    "status" "OperationStatus" NOT NULL DEFAULT 'Pending',
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "targetName" TEXT NOT NULL DEFAULT '',
    "projectId" UUID,
    "requesterId" UUID,
    "input" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "progressMessage" TEXT NOT NULL DEFAULT '',
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Operation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxEntry" (
    "id" BIGSERIAL NOT NULL,
    "operationId" UUID NOT NULL,
    "queue" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatchedAt" TIMESTAMP(3),

    CONSTRAINT "OutboxEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" UUID,
    "actorName" TEXT NOT NULL,
    "apiKeyId" UUID,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "projectId" UUID,
    "outcome" "AuditOutcome" NOT NULL,
    "errorCode" TEXT,
    "sourceIp" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "Project_name_key" ON "Project"("name");

-- CreateIndex
CREATE INDEX "Membership_projectId_idx" ON "Membership"("projectId");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE INDEX "ApiKey_userId_idx" ON "ApiKey"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Zone_name_key" ON "Zone"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Cluster_zoneId_name_key" ON "Cluster"("zoneId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Host_agentUrl_key" ON "Host"("agentUrl");

-- CreateIndex
CREATE INDEX "Host_clusterId_idx" ON "Host"("clusterId");

-- CreateIndex
CREATE UNIQUE INDEX "PhysicalNic_hostId_pciAddress_key" ON "PhysicalNic"("hostId", "pciAddress");

-- CreateIndex
CREATE UNIQUE INDEX "PhysicalNic_hostId_name_key" ON "PhysicalNic"("hostId", "name");

-- CreateIndex
CREATE INDEX "VirtualFunction_pfId_state_idx" ON "VirtualFunction"("pfId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "VirtualFunction_pfId_index_key" ON "VirtualFunction"("pfId", "index");

-- CreateIndex
CREATE UNIQUE INDEX "VirtualFunction_hostId_pciAddress_key" ON "VirtualFunction"("hostId", "pciAddress");

-- CreateIndex
CREATE UNIQUE INDEX "VxlanPool_zoneId_name_key" ON "VxlanPool"("zoneId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "L2Network_zoneId_name_key" ON "L2Network"("zoneId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "L2Network_vxlanPoolId_vni_key" ON "L2Network"("vxlanPoolId", "vni");

-- CreateIndex
CREATE INDEX "L2ClusterAttachment_clusterId_idx" ON "L2ClusterAttachment"("clusterId");

-- CreateIndex
CREATE UNIQUE INDEX "L3Network_l2Id_name_key" ON "L3Network"("l2Id", "name");

-- CreateIndex
CREATE INDEX "IpRange_l3Id_idx" ON "IpRange"("l3Id");

-- CreateIndex
CREATE UNIQUE INDEX "InstanceOffering_name_key" ON "InstanceOffering"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Image_name_key" ON "Image"("name");

-- CreateIndex
CREATE INDEX "Vm_hostId_idx" ON "Vm"("hostId");

-- CreateIndex
CREATE UNIQUE INDEX "Vm_projectId_name_key" ON "Vm"("projectId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "VmNic_mac_key" ON "VmNic"("mac");

-- CreateIndex
CREATE UNIQUE INDEX "VmNic_vfId_key" ON "VmNic"("vfId");

-- CreateIndex
CREATE UNIQUE INDEX "VmNic_l3Id_ip_key" ON "VmNic"("l3Id", "ip");

-- CreateIndex
CREATE UNIQUE INDEX "VmNic_vmId_deviceIndex_key" ON "VmNic"("vmId", "deviceIndex");

-- CreateIndex
CREATE UNIQUE INDEX "SecurityGroup_projectId_name_key" ON "SecurityGroup"("projectId", "name");

-- CreateIndex
CREATE INDEX "SecurityGroupRule_securityGroupId_idx" ON "SecurityGroupRule"("securityGroupId");

-- CreateIndex
CREATE INDEX "SecurityGroupMember_nicId_idx" ON "SecurityGroupMember"("nicId");

-- CreateIndex
CREATE UNIQUE INDEX "Eip_nicId_key" ON "Eip"("nicId");

-- CreateIndex
CREATE UNIQUE INDEX "Eip_vipL3Id_ip_key" ON "Eip"("vipL3Id", "ip");

-- CreateIndex
CREATE UNIQUE INDEX "FdbEntry_hostId_pfName_mac_key" ON "FdbEntry"("hostId", "pfName", "mac");

-- CreateIndex
CREATE INDEX "Operation_targetType_targetId_idx" ON "Operation"("targetType", "targetId");

-- CreateIndex
CREATE INDEX "Operation_status_createdAt_idx" ON "Operation"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Operation_createdAt_idx" ON "Operation"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Operation_requesterId_idempotencyKey_key" ON "Operation"("requesterId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEntry_operationId_key" ON "OutboxEntry"("operationId");

-- CreateIndex
CREATE INDEX "OutboxEntry_dispatchedAt_idx" ON "OutboxEntry"("dispatchedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_at_idx" ON "AuditEvent"("actorId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_idx" ON "AuditEvent"("targetType", "targetId");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Cluster" ADD CONSTRAINT "Cluster_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Host" ADD CONSTRAINT "Host_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PhysicalNic" ADD CONSTRAINT "PhysicalNic_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VirtualFunction" ADD CONSTRAINT "VirtualFunction_pfId_fkey" FOREIGN KEY ("pfId") REFERENCES "PhysicalNic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VirtualFunction" ADD CONSTRAINT "VirtualFunction_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VxlanPool" ADD CONSTRAINT "VxlanPool_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "L2Network" ADD CONSTRAINT "L2Network_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "L2Network" ADD CONSTRAINT "L2Network_vxlanPoolId_fkey" FOREIGN KEY ("vxlanPoolId") REFERENCES "VxlanPool"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "L2ClusterAttachment" ADD CONSTRAINT "L2ClusterAttachment_l2Id_fkey" FOREIGN KEY ("l2Id") REFERENCES "L2Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "L2ClusterAttachment" ADD CONSTRAINT "L2ClusterAttachment_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "L3Network" ADD CONSTRAINT "L3Network_l2Id_fkey" FOREIGN KEY ("l2Id") REFERENCES "L2Network"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IpRange" ADD CONSTRAINT "IpRange_l3Id_fkey" FOREIGN KEY ("l3Id") REFERENCES "L3Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vm" ADD CONSTRAINT "Vm_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vm" ADD CONSTRAINT "Vm_offeringId_fkey" FOREIGN KEY ("offeringId") REFERENCES "InstanceOffering"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vm" ADD CONSTRAINT "Vm_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vm" ADD CONSTRAINT "Vm_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vm" ADD CONSTRAINT "Vm_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VmNic" ADD CONSTRAINT "VmNic_vmId_fkey" FOREIGN KEY ("vmId") REFERENCES "Vm"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VmNic" ADD CONSTRAINT "VmNic_l3Id_fkey" FOREIGN KEY ("l3Id") REFERENCES "L3Network"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VmNic" ADD CONSTRAINT "VmNic_vfId_fkey" FOREIGN KEY ("vfId") REFERENCES "VirtualFunction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VmNic" ADD CONSTRAINT "VmNic_lastVfId_fkey" FOREIGN KEY ("lastVfId") REFERENCES "VirtualFunction"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NicQos" ADD CONSTRAINT "NicQos_nicId_fkey" FOREIGN KEY ("nicId") REFERENCES "VmNic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecurityGroup" ADD CONSTRAINT "SecurityGroup_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecurityGroupRule" ADD CONSTRAINT "SecurityGroupRule_securityGroupId_fkey" FOREIGN KEY ("securityGroupId") REFERENCES "SecurityGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecurityGroupMember" ADD CONSTRAINT "SecurityGroupMember_securityGroupId_fkey" FOREIGN KEY ("securityGroupId") REFERENCES "SecurityGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecurityGroupMember" ADD CONSTRAINT "SecurityGroupMember_nicId_fkey" FOREIGN KEY ("nicId") REFERENCES "VmNic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Eip" ADD CONSTRAINT "Eip_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Eip" ADD CONSTRAINT "Eip_vipL3Id_fkey" FOREIGN KEY ("vipL3Id") REFERENCES "L3Network"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Eip" ADD CONSTRAINT "Eip_nicId_fkey" FOREIGN KEY ("nicId") REFERENCES "VmNic"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FdbEntry" ADD CONSTRAINT "FdbEntry_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FdbEntry" ADD CONSTRAINT "FdbEntry_nicId_fkey" FOREIGN KEY ("nicId") REFERENCES "VmNic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxEntry" ADD CONSTRAINT "OutboxEntry_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- One live operation per resource: a second split, start or reconnect on the same target is
-- refused by the database even if two requests race past the check in the service.
CREATE UNIQUE INDEX "Operation_one_active_per_target" ON "Operation" ("targetType", "targetId")
  WHERE "status" IN ('Pending', 'Running');

-- Bounds that the kernel and domain.md impose (R1, R12, VLAN ids), kept by the database too.
-- (No apostrophes in comments here: the WebAssembly schema engine splits statements on quotes.)
ALTER TABLE "VirtualFunction" ADD CONSTRAINT "VirtualFunction_totalVfs_bounds" CHECK ("index" >= 0);
ALTER TABLE "PhysicalNic" ADD CONSTRAINT "PhysicalNic_vf_counts" CHECK ("numVfs" >= 0 AND "totalVfs" >= 0 AND ("desiredNumVfs" IS NULL OR ("desiredNumVfs" >= 0 AND "desiredNumVfs" <= "totalVfs")));
ALTER TABLE "L2Network" ADD CONSTRAINT "L2Network_vlan_range" CHECK ("vlanId" IS NULL OR ("vlanId" BETWEEN 1 AND 4094));
ALTER TABLE "L2Network" ADD CONSTRAINT "L2Network_no_sriov_on_vxlan" CHECK (NOT ("type" = 'Vxlan' AND "sriovEnabled"));
