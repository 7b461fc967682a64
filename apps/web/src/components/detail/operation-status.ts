import type { OperationView } from "@virtfn/core";

/** An operation still to finish (waiting for a worker or running): its page follows it. */
export function isActive(op: Pick<OperationView, "status">): boolean {
  return op.status === "Pending" || op.status === "Running";
}
