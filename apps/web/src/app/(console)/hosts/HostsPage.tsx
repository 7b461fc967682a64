"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { HostConnectionState } from "@virtfn/db";
import Link from "next/link";
import { useState } from "react";
import { Badge, ConnectionBadge, IommuBadge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { useCan } from "~/components/session";
import {
  Pager,
  SortHeader,
  useCursorPages,
  useDebounced,
  type SortOrder,
} from "~/components/table";
import { useNow } from "~/components/useNow";
import { dateTime, relativeTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { AddHostDialog } from "./AddHostDialog";

type HostSort = "name" | "createdAt" | "connectionState";
const connectionStates: HostConnectionState[] = ["Connected", "Connecting", "Disconnected"];

export function HostsPage() {
  const trpc = useTRPC();
  const isAdmin = useCan("inventory.manage");
  const now = useNow();
  const [search, setSearch] = useState("");
  const [clusterId, setClusterId] = useState("");
  const [connectionState, setConnectionState] = useState<HostConnectionState | "">("");
  const [sort, setSort] = useState<HostSort>("name");
  const [order, setOrder] = useState<SortOrder>("asc");
  const [limit, setLimit] = useState(25);
  const [adding, setAdding] = useState(false);
  const debouncedSearch = useDebounced(search.trim());
  const pages = useCursorPages(
    [debouncedSearch, clusterId, connectionState, sort, order, limit].join("|"),
  );

  const clusters = useQuery(trpc.inventory.clusters.queryOptions());
  const hosts = useQuery({
    ...trpc.hosts.list.queryOptions({
      cursor: pages.cursor,
      limit,
      search: debouncedSearch || undefined,
      clusterId: clusterId || undefined,
      connectionState: connectionState || undefined,
      sort,
      order,
    }),
    placeholderData: keepPreviousData,
    // Hosts that are connecting change soon: poll them; otherwise refresh now and then.
    refetchInterval: (query) =>
      query.state.data?.items.some((h) => h.connectionState === "Connecting") ? 1500 : 15_000,
  });

  const filtered = Boolean(debouncedSearch || clusterId || connectionState);
  const onSort = (field: HostSort, next: SortOrder) => {
    setSort(field);
    setOrder(next);
  };
  const header = (label: string, field: HostSort, className?: string) => (
    <SortHeader
      label={label}
      field={field}
      sort={sort}
      order={order}
      onSort={onSort}
      className={className}
    />
  );

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Hosts</h1>
          <p className="subtitle">KVM hosts, their IOMMU readiness and SR-IOV capacity.</p>
        </div>
        {isAdmin ? (
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
            Add host
          </button>
        ) : null}
      </div>

      <div className="toolbar" role="search">
        <label className="field-inline grow">
          <span className="sr-only">Search hosts</span>
          <input
            type="search"
            placeholder="Search by name…"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <label className="field-inline">
          <span>Cluster</span>
          <select value={clusterId} onChange={(event) => setClusterId(event.target.value)}>
            <option value="">All</option>
            {clusters.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.zoneName} / {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>State</span>
          <select
            value={connectionState}
            onChange={(event) => setConnectionState(event.target.value as HostConnectionState | "")}
          >
            <option value="">All</option>
            {connectionStates.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {filtered ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              setSearch("");
              setClusterId("");
              setConnectionState("");
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>

      {hosts.isError && !hosts.data ? (
        <ErrorBox
          title="Could not load hosts."
          error={hosts.error}
          onRetry={() => void hosts.refetch()}
        />
      ) : hosts.isPending ? (
        <div className="loading" aria-busy="true">
          Loading hosts…
        </div>
      ) : hosts.data.total === 0 && !filtered ? (
        <div className="empty">
          <p>
            <strong>No hosts yet.</strong>
          </p>
          {isAdmin ? (
            <p>
              Add a KVM host running the virtfn agent to see its NICs and split them into VFs.{" "}
              <button
                type="button"
                className="btn btn-primary btn-sm"
                onClick={() => setAdding(true)}
              >
                Add host
              </button>
            </p>
          ) : (
            <p>An admin has not added any hosts.</p>
          )}
        </div>
      ) : (
        <>
          {hosts.isError ? <ErrorBox title="Refreshing failed." error={hosts.error} /> : null}
          <div className="table-wrap">
            <table className="data hosts-table">
              <thead>
                <tr>
                  {header("Name", "name")}
                  <th className="hide-narrow">Cluster</th>
                  {header("Connection", "connectionState")}
                  <th>IOMMU</th>
                  <th className="num">PFs</th>
                  <th className="num" title="Available VFs / VFs split">
                    VFs avail / total
                  </th>
                  <th className="hide-narrow">Last seen</th>
                  {header("Added", "createdAt", "hide-narrow")}
                </tr>
              </thead>
              <tbody>
                {hosts.data.items.length === 0 ? (
                  <tr>
                    <td colSpan={8} className="empty-row">
                      No hosts match these filters.
                    </td>
                  </tr>
                ) : (
                  hosts.data.items.map((host) => (
                    <tr key={host.id} data-testid="host-row">
                      <td>
                        <Link href={`/hosts/${host.id}`} className="strong-link">
                          {host.name}
                        </Link>
                        <div className="sub hide-narrow">{host.agentUrl}</div>
                        <div className="sub show-narrow">{host.clusterName}</div>
                      </td>
                      <td className="hide-narrow">
                        {host.clusterName}
                        <div className="sub">{host.zoneName}</div>
                      </td>
                      <td>
                        <ConnectionBadge
                          state={host.connectionState}
                          reason={host.connectionReason}
                        />
                        {host.maintenance ? (
                          <div className="sub" data-testid="host-maintenance">
                            <Badge tone="warn" title="No new VMs are placed on this host.">
                              Maintenance
                            </Badge>
                          </div>
                        ) : null}
                      </td>
                      <td>
                        <IommuBadge iommu={host.iommu} seen={host.lastSeenAt !== null} />
                      </td>
                      <td className="num">{host.pfCount}</td>
                      <td className="num">
                        {host.vfAvailable} / {host.vfTotal}
                      </td>
                      <td className="hide-narrow" title={dateTime(host.lastSeenAt)}>
                        {relativeTime(host.lastSeenAt, now)}
                      </td>
                      <td className="hide-narrow" title={dateTime(host.createdAt)}>
                        {relativeTime(host.createdAt, now)}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <Pager
            noun={hosts.data.total === 1 ? "host" : "hosts"}
            total={hosts.data.total}
            totalExact={hosts.data.totalExact}
            offset={pages.pageIndex * limit}
            count={hosts.data.items.length}
            limit={limit}
            hasPrev={pages.hasPrev}
            hasNext={hosts.data.nextCursor !== null}
            onPrev={pages.prev}
            onNext={() => {
              if (hosts.data.nextCursor) pages.next(hosts.data.nextCursor);
            }}
            onLimit={setLimit}
          />
        </>
      )}

      {isAdmin ? (
        <AddHostDialog
          open={adding}
          onClose={() => setAdding(false)}
          clusters={clusters.data ?? []}
        />
      ) : null}
    </>
  );
}
