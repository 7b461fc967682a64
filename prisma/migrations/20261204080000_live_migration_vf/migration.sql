-- Live migration of VMs with VF NICs (issue 17): a NIC or an L3 profile marked migratable gets a
-- virtio failover partner, and a live migration records its phase and its destination claims.
CREATE TYPE "MigrationPhase" AS ENUM ('Claimed', 'Unplugged', 'Migrated', 'Plugged', 'Done', 'RolledBack');

ALTER TABLE "L3Network" ADD COLUMN "sriovMigratable" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "VmNic" ADD COLUMN "migratable" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "MigrationRun" (
    "operationId" UUID NOT NULL,
    "vmId" UUID NOT NULL,
    "sourceHostId" UUID NOT NULL,
    "targetHostId" UUID NOT NULL,
    "phase" "MigrationPhase" NOT NULL DEFAULT 'Claimed',
    "rolledBackFrom" "MigrationPhase",
    "failure" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MigrationRun_pkey" PRIMARY KEY ("operationId")
);

CREATE TABLE "MigrationClaim" (
    "runId" UUID NOT NULL,
    "nicId" UUID NOT NULL,
    "vfId" UUID NOT NULL,
    "sourceVfId" UUID,

    CONSTRAINT "MigrationClaim_pkey" PRIMARY KEY ("runId","nicId")
);

CREATE INDEX "MigrationRun_vmId_idx" ON "MigrationRun"("vmId");

CREATE UNIQUE INDEX "MigrationClaim_vfId_key" ON "MigrationClaim"("vfId");

ALTER TABLE "MigrationClaim" ADD CONSTRAINT "MigrationClaim_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MigrationRun"("operationId") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "MigrationClaim" ADD CONSTRAINT "MigrationClaim_vfId_fkey" FOREIGN KEY ("vfId") REFERENCES "VirtualFunction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A NIC created on an L3 whose SR-IOV profile is migratable is migratable (like oVirt vNIC
-- profiles, the profile applies when the NIC is made). Changing the profile later leaves the
-- existing NICs alone, so a running domain and its NIC rows always agree on the failover pair.
CREATE FUNCTION virtfn_nic_inherits_migratable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT NEW.migratable THEN
    NEW.migratable := COALESCE(
      (SELECT l3."sriovMigratable" FROM "L3Network" l3 WHERE l3.id = NEW."l3Id"), false);
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "VmNic_inherits_migratable" BEFORE INSERT ON "VmNic"
  FOR EACH ROW EXECUTE FUNCTION virtfn_nic_inherits_migratable();
