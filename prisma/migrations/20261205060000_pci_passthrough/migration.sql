-- Whole-device PCI passthrough (issue 17): the host's PCI functions as its agent reports them, and
-- the devices given to VMs. Rules: packages/core/src/passthru.
CREATE TABLE "PciDevice" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "hostId" UUID NOT NULL,
    "pciAddress" TEXT NOT NULL,
    "classCode" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "driver" TEXT,
    "iommuGroup" INTEGER,
    "numaNode" INTEGER,
    "sriovNumVfs" INTEGER,
    "assignable" BOOLEAN NOT NULL DEFAULT false,
    "missing" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PciDevice_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "VmPciDevice" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "vmId" UUID NOT NULL,
    "pciDeviceId" UUID NOT NULL,
    "heldId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VmPciDevice_pkey" PRIMARY KEY ("id"),
    -- A VM holds only the device it was given: never another one through this row.
    CONSTRAINT "VmPciDevice_held_check" CHECK ("heldId" IS NULL OR "heldId" = "pciDeviceId")
);

CREATE UNIQUE INDEX "PciDevice_hostId_pciAddress_key" ON "PciDevice"("hostId", "pciAddress");

CREATE INDEX "PciDevice_hostId_iommuGroup_idx" ON "PciDevice"("hostId", "iommuGroup");

-- At most one holder per device: the database refuses a second one.
CREATE UNIQUE INDEX "VmPciDevice_heldId_key" ON "VmPciDevice"("heldId");

CREATE UNIQUE INDEX "VmPciDevice_vmId_pciDeviceId_key" ON "VmPciDevice"("vmId", "pciDeviceId");

CREATE INDEX "VmPciDevice_pciDeviceId_idx" ON "VmPciDevice"("pciDeviceId");

ALTER TABLE "PciDevice" ADD CONSTRAINT "PciDevice_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "VmPciDevice" ADD CONSTRAINT "VmPciDevice_vmId_fkey" FOREIGN KEY ("vmId") REFERENCES "Vm"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "VmPciDevice" ADD CONSTRAINT "VmPciDevice_pciDeviceId_fkey" FOREIGN KEY ("pciDeviceId") REFERENCES "PciDevice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "VmPciDevice" ADD CONSTRAINT "VmPciDevice_heldId_fkey" FOREIGN KEY ("heldId") REFERENCES "PciDevice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
