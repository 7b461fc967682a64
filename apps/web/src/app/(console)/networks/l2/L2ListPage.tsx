"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { L2Type } from "@virtfn/db";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "~/components/badges";
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
import { l2TypeLabel, l2Types, segmentLabel, SriovBadge } from "../shared";
import type { L2Toggles } from "../toggles";
import { CreateL2Dialog } from "./CreateL2Dialog";

type L2Sort = "name" | "type" | "createdAt";

export function L2ListPage({ toggles }: { toggles: L2Toggles }) {
  const trpc = useTRPC();
  const isAdmin = useCan("inventory.manage");
  const now = useNow();
  const [search, setSearch] = useState("");
  const [type, setType] = useState<L2Type | "">("");
  const [sriov, setSriov] = useState<"" | "on" | "off">("");
  const [sort, setSort] = useState<L2Sort>("name");
  const [order, setOrder] = useState<SortOrder>("asc");
  const [limit, setLimit] = useState(25);
  const [creating, setCreating] = useState(false);
  const debouncedSearch = useDebounced(search.trim());
  const pages = useCursorPages([debouncedSearch, type, sriov, sort, order, limit].join("|"));

  const l2s = useQuery({
    ...trpc.networks.l2.list.queryOptions({
      cursor: pages.cursor,
      limit,
      search: debouncedSearch || undefined,
      type: type || undefined,
      sriovEnabled: sriov === "" ? undefined : sriov === "on",
      sort,
      order,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });

  const filtered = Boolean(debouncedSearch || type || sriov);
  const onSort = (field: L2Sort, next: SortOrder) => {
    setSort(field);
    setOrder(next);
  };
  const header = (label: string, field: L2Sort, className?: string) => (
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
          <h1>L2 networks</h1>
          <p className="subtitle">
            Network segments on a physical interface, attached to clusters, with their SR-IOV flag.
          </p>
        </div>
        {isAdmin ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create L2 network
          </button>
        ) : null}
      </div>

      <div className="toolbar" role="search">
        <label className="field-inline grow">
          <span className="sr-only">Search L2 networks</span>
          <input
            type="search"
            placeholder="Search by name…"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <label className="field-inline">
          <span>Type</span>
          <select value={type} onChange={(event) => setType(event.target.value as L2Type | "")}>
            <option value="">All</option>
            {l2Types.map((t) => (
              <option key={t} value={t}>
                {l2TypeLabel[t]}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>SR-IOV</span>
          <select
            value={sriov}
            onChange={(event) => setSriov(event.target.value as "" | "on" | "off")}
          >
            <option value="">All</option>
            <option value="on">Enabled</option>
            <option value="off">Disabled</option>
          </select>
        </label>
        {filtered ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              setSearch("");
              setType("");
              setSriov("");
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>

      {l2s.isError && !l2s.data ? (
        <ErrorBox
          title="Could not load L2 networks."
          error={l2s.error}
          onRetry={() => void l2s.refetch()}
        />
      ) : l2s.isPending ? (
        <div className="loading" aria-busy="true">
          Loading L2 networks…
        </div>
      ) : l2s.data.total === 0 && !filtered ? (
        <div className="empty">
          <p>
            <strong>No L2 networks yet.</strong>
          </p>
          {isAdmin ? (
            <p>
              An L2 network is a segment (no VLAN, a VLAN or a VXLAN) on a physical interface of
              your hosts.{" "}
              <button
                type="button"
                className="btn btn-primary btn-sm"
                onClick={() => setCreating(true)}
              >
                Create L2 network
              </button>
            </p>
          ) : (
            <p>An admin has not defined any L2 networks.</p>
          )}
        </div>
      ) : (
        <>
          {l2s.isError ? <ErrorBox title="Refreshing failed." error={l2s.error} /> : null}
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  {header("Name", "name")}
                  {header("Type", "type")}
                  <th>Interface</th>
                  <th>SR-IOV</th>
                  <th className="hide-narrow">Clusters</th>
                  <th className="num hide-narrow">L3s</th>
                  {header("Created", "createdAt", "hide-narrow")}
                </tr>
              </thead>
              <tbody>
                {l2s.data.items.length === 0 ? (
                  <tr>
                    <td colSpan={7} className="empty-row">
                      No L2 networks match these filters.
                    </td>
                  </tr>
                ) : (
                  l2s.data.items.map((l2) => (
                    <tr key={l2.id} data-testid="l2-row">
                      <td>
                        <Link href={`/networks/l2/${l2.id}`} className="strong-link">
                          {l2.name}
                        </Link>
                        <div className="sub">{l2.zoneName}</div>
                      </td>
                      <td className="nowrap">{segmentLabel(l2)}</td>
                      <td>
                        <code>{l2.physicalInterface}</code>
                      </td>
                      <td>
                        <SriovBadge enabled={l2.sriovEnabled} />
                      </td>
                      <td className="hide-narrow">
                        {l2.clusters.length === 0 ? (
                          <Badge
                            tone="warn"
                            title="No host can use it until a cluster is attached."
                          >
                            none
                          </Badge>
                        ) : (
                          l2.clusters.map((c) => c.name).join(", ")
                        )}
                      </td>
                      <td className="num hide-narrow">{l2.l3Count}</td>
                      <td className="hide-narrow" title={dateTime(l2.createdAt)}>
                        {relativeTime(l2.createdAt, now)}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <Pager
            noun={l2s.data.total === 1 ? "L2 network" : "L2 networks"}
            total={l2s.data.total}
            offset={pages.pageIndex * limit}
            count={l2s.data.items.length}
            limit={limit}
            hasPrev={pages.hasPrev}
            hasNext={l2s.data.nextCursor !== null}
            onPrev={pages.prev}
            onNext={() => {
              if (l2s.data.nextCursor) pages.next(l2s.data.nextCursor);
            }}
            onLimit={setLimit}
          />
        </>
      )}

      {isAdmin ? (
        <CreateL2Dialog open={creating} onClose={() => setCreating(false)} toggles={toggles} />
      ) : null}
    </>
  );
}
