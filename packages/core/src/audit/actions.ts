// One action vocabulary for the audit log, shared with operation kinds: `<entity>.<verb>`, the
// entity singular ("vm.start", "pf.split", "l2.create"). Services write it directly; the transport
// audits refusals and failures under the procedure's path ("vms.start", "sriov.split"), which is
// turned into the same word here, where the event is written.

/** Procedures whose path does not follow the prefix rules below. */
const exact: Record<string, string> = {
  "vms.setNicType": "vmNic.setType",
  "vms.setNicMigratable": "vmNic.setMigratable",
  "vms.setNicVfPort": "vmNic.setVfPort",
  "netservices.qos.set": "vmNic.setQos",
  "netservices.qos.remove": "vmNic.removeQos",
  "catalog.createOffering": "offering.create",
  "catalog.deleteOffering": "offering.delete",
  "catalog.createImage": "image.create",
  "catalog.deleteImage": "image.delete",
  "sriov.split": "pf.split",
  "sriov.restore": "pf.restore",
  "sriov.createPool": "vfPool.create",
  "sriov.deletePool": "vfPool.delete",
  "inventory.createZone": "zone.create",
  "inventory.renameZone": "zone.rename",
  "inventory.deleteZone": "zone.delete",
  "inventory.createCluster": "cluster.create",
  "inventory.renameCluster": "cluster.rename",
  "inventory.deleteCluster": "cluster.delete",
};

/** A procedure path's router prefix → the entity its actions name. */
const prefixes: Array<[string, string]> = [
  ["netservices.securityGroups.", "securityGroup."],
  ["netservices.eips.", "eip."],
  ["networks.vxlanPools.", "vxlanPool."],
  ["networks.l2.", "l2."],
  ["networks.l3.", "l3."],
  ["iam.users.", "user."],
  ["iam.projects.", "project."],
  ["apiKeys.", "apiKey."],
  ["hosts.", "host."],
  ["vms.", "vm."],
  ["operations.", "operation."],
  ["passthru.", "pciDevice."],
];

/** Every procedure path the old vocabulary wrote, and its word today (for the migration and tests). */
export function auditAction(action: string): string {
  const known = exact[action];
  if (known) return known;
  for (const [from, to] of prefixes) {
    if (action.startsWith(from)) return to + action.slice(from.length);
  }
  return action;
}

/** The entity an action's target is, for the actions that create it (the target has no id yet). */
const createdEntity: Record<string, string> = {
  "vm.create": "Vm",
  "host.add": "Host",
  "l2.create": "L2Network",
  "l3.create": "L3Network",
  "securityGroup.create": "SecurityGroup",
  "eip.create": "Eip",
  "offering.create": "InstanceOffering",
  "image.create": "Image",
  "project.create": "Project",
  "user.create": "User",
  "zone.create": "Zone",
  "cluster.create": "Cluster",
  "vxlanPool.create": "VxlanPool",
  "vfPool.create": "VfPool",
};

export function createdEntityOf(action: string): string | undefined {
  return createdEntity[action];
}
