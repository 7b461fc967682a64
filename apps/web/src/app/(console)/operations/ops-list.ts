// The operations list's URL params and its operations.list input, read alike by the page
// (server) and OperationsPage (browser): no "use client".
import type { OperationStatus } from "@virtfn/db";
import { listInput, type ListUrlState } from "~/components/ui/list-params";

export const operationStatuses = [
  "Pending",
  "Running",
  "Succeeded",
  "Failed",
  "Cancelled",
] as const satisfies readonly OperationStatus[];

export const operationsList = {
  sorts: ["createdAt", "kind", "status", "targetName"] as const,
  defaultSort: "createdAt" as const,
  defaultOrder: "desc" as const,
  filters: ["status", "kind"] as const,
};

type OperationSort = (typeof operationsList.sorts)[number];

export function operationsListInput(
  params: ListUrlState<OperationSort, "status" | "kind">,
  targetId: string | undefined,
) {
  return {
    ...listInput(params),
    status: operationStatuses.find((s) => s === params.filters.status),
    kind: params.filters.kind,
    targetId,
  };
}
