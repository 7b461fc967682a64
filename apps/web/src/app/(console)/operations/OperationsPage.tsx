"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { OperationStatus } from "@virtfn/db";
import Link from "next/link";
import { useState } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { OperationsTable, type OperationSort } from "~/components/OperationsTable";
import { Pager, useCursorPages, useDebounced, type SortOrder } from "~/components/table";
import { useNow } from "~/components/useNow";
import { knownOperationKinds, operationKindLabel } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

const statuses: OperationStatus[] = ["Pending", "Running", "Succeeded", "Failed", "Cancelled"];

export function OperationsPage({ targetId }: { targetId?: string }) {
  const trpc = useTRPC();
  const now = useNow(5_000);
  const [status, setStatus] = useState<OperationStatus | "">("");
  const [kind, setKind] = useState("");
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<OperationSort>("createdAt");
  const [order, setOrder] = useState<SortOrder>("desc");
  const [limit, setLimit] = useState(25);
  const debouncedSearch = useDebounced(search.trim());
  const pages = useCursorPages(
    [status, kind, debouncedSearch, sort, order, limit, targetId].join("|"),
  );

  const ops = useQuery({
    ...trpc.operations.list.queryOptions({
      cursor: pages.cursor,
      limit,
      status: status || undefined,
      kind: kind || undefined,
      search: debouncedSearch || undefined,
      targetId,
      sort,
      order,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 1500,
  });
  const filtered = Boolean(status || kind || debouncedSearch);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Operations</h1>
          <p className="subtitle">
            Long-running work: connecting hosts, IOMMU changes, reboots, SR-IOV splits and restores.
            Updates live.
            {targetId ? (
              <>
                {" "}
                Showing one target only · <Link href="/operations">show all</Link>
              </>
            ) : null}
          </p>
        </div>
      </div>
      <div className="toolbar" role="search">
        <label className="field-inline grow">
          <span className="sr-only">Search by target</span>
          <input
            type="search"
            placeholder="Search by target name…"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <label className="field-inline">
          <span>Status</span>
          <select
            value={status}
            onChange={(event) => setStatus(event.target.value as OperationStatus | "")}
          >
            <option value="">All</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Kind</span>
          <select value={kind} onChange={(event) => setKind(event.target.value)}>
            <option value="">All</option>
            {knownOperationKinds.map((k) => (
              <option key={k} value={k}>
                {operationKindLabel(k)}
              </option>
            ))}
          </select>
        </label>
        {filtered ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              setStatus("");
              setKind("");
              setSearch("");
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>
      {ops.isError && !ops.data ? (
        <ErrorBox
          title="Could not load operations."
          error={ops.error}
          onRetry={() => void ops.refetch()}
        />
      ) : ops.isPending ? (
        <div className="loading" aria-busy="true">
          Loading operations…
        </div>
      ) : ops.data.total === 0 && !filtered ? (
        <div className="empty">
          <p>
            <strong>No operations yet.</strong>
          </p>
          <p>Adding a host, changing IOMMU or rebooting starts one; its progress shows here.</p>
        </div>
      ) : (
        <>
          {ops.isError ? (
            <ErrorBox title="Live updates paused: the last refresh failed." error={ops.error} />
          ) : null}
          {ops.data.items.length === 0 ? (
            <div className="empty">
              <p>No operations match these filters.</p>
            </div>
          ) : (
            <OperationsTable
              items={ops.data.items}
              now={now}
              sorting={{
                sort,
                order,
                onSort: (field, next) => {
                  setSort(field);
                  setOrder(next);
                },
              }}
            />
          )}
          <Pager
            noun={ops.data.total === 1 ? "operation" : "operations"}
            total={ops.data.total}
            totalExact={ops.data.totalExact}
            offset={pages.pageIndex * limit}
            count={ops.data.items.length}
            limit={limit}
            hasPrev={pages.hasPrev}
            hasNext={ops.data.nextCursor !== null}
            onPrev={pages.prev}
            onNext={() => {
              if (ops.data.nextCursor) pages.next(ops.data.nextCursor);
            }}
            onLimit={setLimit}
          />
        </>
      )}
    </>
  );
}
