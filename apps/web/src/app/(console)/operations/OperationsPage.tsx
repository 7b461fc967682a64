"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { OperationStatus } from "@virtfn/db";
import Link from "next/link";
import { operationColumns } from "~/components/OperationsTable";
import { ListView } from "~/components/ui/ListView";
import { PageHeader } from "~/components/ui/PageHeader";
import { useListParams } from "~/components/ui/useListParams";
import { useNow } from "~/components/useNow";
import { knownOperationKinds, operationKindLabel } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

const statuses = [
  "Pending",
  "Running",
  "Succeeded",
  "Failed",
  "Cancelled",
] as const satisfies readonly OperationStatus[];
const statusOptions = statuses.map((s) => ({ value: s, label: s }));
const kindOptions = knownOperationKinds.map((k) => ({ value: k, label: operationKindLabel(k) }));

export function OperationsPage({ targetId }: { targetId?: string }) {
  const trpc = useTRPC();
  const now = useNow(5_000);
  const list = useListParams({
    sorts: ["createdAt", "kind", "status", "targetName"] as const,
    defaultSort: "createdAt",
    defaultOrder: "desc",
    filters: ["status", "kind"] as const,
  });
  const ops = useQuery({
    ...trpc.operations.list.queryOptions({
      cursor: list.cursor,
      limit: list.limit,
      status: statuses.find((s) => s === list.filters.status),
      kind: list.filters.kind,
      search: list.q,
      targetId,
      sort: list.sort,
      order: list.order,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 1500,
  });

  return (
    <>
      <PageHeader
        title="Operations"
        subtitle={
          <>
            Long-running work: connecting hosts, IOMMU changes, reboots, SR-IOV splits and restores.
            Updates live.
            {targetId ? (
              <>
                {" "}
                Showing one target only · <Link href="/operations">show all</Link>
              </>
            ) : null}
          </>
        }
      />
      <ListView
        list={list}
        query={ops}
        columns={operationColumns(now)}
        rowKey={(op) => op.id}
        rowTestId="operation-row"
        rowData={(op) => ({ "data-status": op.status })}
        noun="operations"
        className="ops-table"
        search={{ label: "Search by target", placeholder: "Search by target name…" }}
        filters={[
          { key: "status", label: "Status", allLabel: "All statuses", options: statusOptions },
          { key: "kind", label: "Kind", allLabel: "All kinds", options: kindOptions },
        ]}
        empty={
          <>
            <p>
              <strong>No operations yet.</strong>
            </p>
            <p>Adding a host, changing IOMMU or rebooting starts one; its progress shows here.</p>
          </>
        }
      />
    </>
  );
}
