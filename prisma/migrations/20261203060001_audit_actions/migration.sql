-- One audit vocabulary (core/audit/actions.ts): refusals and failures used to be written under the
-- procedure's path ("vms.start", "sriov.restore"), successes under the entity's word ("vm.stop",
-- "pf.restore"). Old rows are rewritten to the entity's word, as new ones are written.

-- A refused create was logged against whatever id its input carried (an offering for a VM, a
-- cluster for a host); it is about what was being created, which has no id: keep the old target
-- in details.via. Done first, while the old action names still say which rows these are.
UPDATE "AuditEvent" SET
  details = details || jsonb_build_object('via', jsonb_build_object('type', "targetType", 'id', "targetId")),
  "targetType" = c.entity,
  "targetId" = NULL
FROM (VALUES
  ('vms.create', 'Vm'), ('hosts.add', 'Host'), ('networks.l2.create', 'L2Network'),
  ('networks.l3.create', 'L3Network'), ('netservices.securityGroups.create', 'SecurityGroup'),
  ('netservices.eips.create', 'Eip'), ('catalog.createOffering', 'InstanceOffering'),
  ('catalog.createImage', 'Image'), ('iam.projects.create', 'Project'),
  ('iam.users.create', 'User'), ('inventory.createZone', 'Zone'),
  ('inventory.createCluster', 'Cluster'), ('networks.vxlanPools.create', 'VxlanPool')
) AS c(action, entity)
WHERE "AuditEvent".action = c.action AND "AuditEvent".outcome <> 'Success'
  AND "AuditEvent"."targetType" <> c.entity;

UPDATE "AuditEvent" SET action = m.word
FROM (VALUES
  ('vms.setNicType', 'vmNic.setType'), ('netservices.qos.set', 'vmNic.setQos'),
  ('netservices.qos.remove', 'vmNic.removeQos'), ('catalog.createOffering', 'offering.create'),
  ('catalog.deleteOffering', 'offering.delete'), ('catalog.createImage', 'image.create'),
  ('catalog.deleteImage', 'image.delete'), ('sriov.split', 'pf.split'),
  ('sriov.restore', 'pf.restore'), ('inventory.createZone', 'zone.create'),
  ('inventory.renameZone', 'zone.rename'), ('inventory.deleteZone', 'zone.delete'),
  ('inventory.createCluster', 'cluster.create'), ('inventory.renameCluster', 'cluster.rename'),
  ('inventory.deleteCluster', 'cluster.delete')
) AS m(path, word)
WHERE "AuditEvent".action = m.path;

UPDATE "AuditEvent" SET action = p.entity || substr(action, length(p.prefix) + 1)
FROM (VALUES
  ('netservices.securityGroups.', 'securityGroup.'), ('netservices.eips.', 'eip.'),
  ('networks.vxlanPools.', 'vxlanPool.'), ('networks.l2.', 'l2.'), ('networks.l3.', 'l3.'),
  ('iam.users.', 'user.'), ('iam.projects.', 'project.'), ('apiKeys.', 'apiKey.'),
  ('hosts.', 'host.'), ('vms.', 'vm.'), ('operations.', 'operation.')
) AS p(prefix, entity)
WHERE starts_with("AuditEvent".action, p.prefix);

-- The audit page filters by exact action and by target (type, id) with names resolved per page.
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");
