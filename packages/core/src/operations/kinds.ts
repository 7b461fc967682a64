/** BullMQ queues; one producer and one processor per queue (see apps/worker). */
export const Queues = {
  hosts: "hosts",
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
} as const satisfies Record<string, QueueName>;
export type OperationKind = keyof typeof OperationKinds;

export function isOperationKind(kind: string): kind is OperationKind {
  return kind in OperationKinds;
}
