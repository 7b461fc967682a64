/** BullMQ queues; one producer and one processor per queue (see apps/worker). */
export const Queues = {
  hosts: "hosts",
  // VM lifecycle: many short agent calls; kept apart so a long split never delays a VM start.
  vms: "vms",
} as const;
export type QueueName = (typeof Queues)[keyof typeof Queues];

/** Operation kinds and the queue that runs each. */
export const OperationKinds = {
  "host.connect": Queues.hosts,
  "host.setIommu": Queues.hosts,
  "host.reboot": Queues.hosts,
  // PF work runs on the hosts queue: it is host I/O of the same kind, and a queue of its own
  // would need a processor in the worker for no gain.
  "pf.split": Queues.hosts,
  "pf.restore": Queues.hosts,
  "pf.reapply": Queues.hosts,
  // A host's FDB brought in line at once after a NIC type or L2 flag change (vms/fdb.ts).
  "host.syncFdb": Queues.hosts,
  // A host's VF ports brought in line at once after a NIC's or a network's port change (vms/vf-ports.ts).
  "host.syncVfPorts": Queues.hosts,
  // A split or restore over many PFs: short ticks that start pf.split/pf.restore children (sriov/fleet-run.ts).
  "fleet.setVfCount": Queues.hosts,
  "vm.create": Queues.vms,
  "vm.start": Queues.vms,
  "vm.stop": Queues.vms,
  "vm.reboot": Queues.vms,
  "vm.delete": Queues.vms,
  "vm.attachNic": Queues.vms,
  "vm.detachNic": Queues.vms,
  "vm.migrate": Queues.vms,
  // The reconciler's restart of a VM whose host rebooted (desiredState Running).
  "vm.recover": Queues.vms,
} as const satisfies Record<string, QueueName>;
export type OperationKind = keyof typeof OperationKinds;

export function isOperationKind(kind: string): kind is OperationKind {
  return kind in OperationKinds;
}
