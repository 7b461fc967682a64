-- Indexes the read paths need at 10k hosts / 2.5M VFs of issue 9: keyset pages by every sort
-- column, substring search through trigrams, interface resolution across hosts, the foreign keys
-- that were not indexed, and the per-project views of tenants.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Hosts: sort by creation or connection state, substring search on name.
CREATE INDEX "Host_createdAt_id_idx" ON "Host"("createdAt", "id");
CREATE INDEX "Host_connectionState_id_idx" ON "Host"("connectionState", "id");
CREATE INDEX "Host_name_trgm_idx" ON "Host" USING GIN ("name" gin_trgm_ops);

-- The interface of an L2 resolves to a PF of that name or to the slaves of a bond of that name.
CREATE INDEX "PhysicalNic_name_idx" ON "PhysicalNic"("name");
CREATE INDEX "PhysicalNic_bondName_idx" ON "PhysicalNic"("bondName");

-- VMs: sort by name, creation or state (the admin list spans projects), substring search on name.
CREATE INDEX "Vm_name_id_idx" ON "Vm"("name", "id");
CREATE INDEX "Vm_createdAt_id_idx" ON "Vm"("createdAt", "id");
CREATE INDEX "Vm_state_id_idx" ON "Vm"("state", "id");
CREATE INDEX "Vm_name_trgm_idx" ON "Vm" USING GIN ("name" gin_trgm_ops);

-- Foreign keys without an index: deleting a VF scans VmNic, deleting a NIC scans FdbEntry.
CREATE INDEX "VmNic_lastVfId_idx" ON "VmNic"("lastVfId");
CREATE INDEX "FdbEntry_nicId_idx" ON "FdbEntry"("nicId");
-- VF NICs per L3, counted from the index alone.
CREATE INDEX "VmNic_l3Id_type_idx" ON "VmNic"("l3Id", "type");

-- Operations: sort by kind, status or target, the view of a tenant by project, target search.
CREATE INDEX "Operation_kind_id_idx" ON "Operation"("kind", "id");
CREATE INDEX "Operation_status_id_idx" ON "Operation"("status", "id");
CREATE INDEX "Operation_targetName_id_idx" ON "Operation"("targetName", "id");
CREATE INDEX "Operation_projectId_createdAt_idx" ON "Operation"("projectId", "createdAt");
CREATE INDEX "Operation_targetName_trgm_idx" ON "Operation" USING GIN ("targetName" gin_trgm_ops);

-- Audit: the view of a tenant by project.
CREATE INDEX "AuditEvent_projectId_at_idx" ON "AuditEvent"("projectId", "at");
