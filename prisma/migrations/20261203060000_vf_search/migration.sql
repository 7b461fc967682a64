-- The fleet-wide VF search: its keyset order (pciAddress, id), the same under a state filter, and
-- a lookup by MAC.
CREATE INDEX "VirtualFunction_pciAddress_id_idx" ON "VirtualFunction"("pciAddress", "id");
CREATE INDEX "VirtualFunction_state_pciAddress_id_idx" ON "VirtualFunction"("state", "pciAddress", "id");
CREATE INDEX "VirtualFunction_mac_idx" ON "VirtualFunction"("mac");

-- An operation's detail page: the fleet rollout a child operation belongs to.
CREATE INDEX "FleetRolloutItem_operationId_idx" ON "FleetRolloutItem"("operationId");
