"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { L3Category } from "@virtfn/db";
import Link from "next/link";
import { useState } from "react";
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
import { l3Categories, SriovBadge } from "../shared";
import { CreateL3Dialog } from "./CreateL3Dialog";

type L3Sort = "name" | "category" | "createdAt";

export function L3ListPage() {
  const trpc = useTRPC();
  const isAdmin = useCan("inventory.manage");
  const now = useNow();
  const [search, setSearch] = useState("");
  const [category, setCategory] = useState<L3Category | "">("");
  const [sriov, setSriov] = useState<"" | "on" | "off">("");
  const [sort, setSort] = useState<L3Sort>("name");
  const [order, setOrder] = useState<SortOrder>("asc");
  const [limit, setLimit] = useState(25);
  const [creating, setCreating] = useState(false);
  const debouncedSearch = useDebounced(search.trim());
  const pages = useCursorPages([debouncedSearch, category, sriov, sort, order, limit].join("|"));

  const l3s = useQuery({
    ...trpc.networks.l3.list.queryOptions({
      cursor: pages.cursor,
      limit,
      search: debouncedSearch || undefined,
      category: category || undefined,
      sriovEnabled: sriov === "" ? undefined : sriov === "on",
      sort,
      order,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });

  const filtered = Boolean(debouncedSearch || category || sriov);
  const onSort = (field: L3Sort, next: SortOrder) => {
    setSort(field);
    setOrder(next);
  };
  const header = (label: string, field: L3Sort, className?: string) => (
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
          <h1>L3 networks</h1>
          <p className="subtitle">
            Subnets on an L2 network that VM NICs draw addresses from, and whether they hand out
            VFs.
          </p>
        </div>
        {isAdmin ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create L3 network
          </button>
        ) : null}
      </div>

      <div className="toolbar" role="search">
        <label className="field-inline grow">
          <span className="sr-only">Search L3 networks</span>
          <input
            type="search"
            placeholder="Search by name…"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <label className="field-inline">
          <span>Category</span>
          <select
            value={category}
            onChange={(event) => setCategory(event.target.value as L3Category | "")}
          >
            <option value="">All</option>
            {l3Categories.map((c) => (
              <option key={c} value={c}>
                {c}
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
              setCategory("");
              setSriov("");
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>

      {l3s.isError && !l3s.data ? (
        <ErrorBox
          title="Could not load L3 networks."
          error={l3s.error}
          onRetry={() => void l3s.refetch()}
        />
      ) : l3s.isPending ? (
        <div className="loading" aria-busy="true">
          Loading L3 networks…
        </div>
      ) : l3s.data.total === 0 && !filtered ? (
        <div className="empty">
          <p>
            <strong>No L3 networks yet.</strong>
          </p>
          {isAdmin ? (
            <p>
              An L3 network is a subnet with IP ranges on an L2 network; VM NICs pick one.{" "}
              <button
                type="button"
                className="btn btn-primary btn-sm"
                onClick={() => setCreating(true)}
              >
                Create L3 network
              </button>
            </p>
          ) : (
            <p>An admin has not defined any L3 networks.</p>
          )}
        </div>
      ) : (
        <>
          {l3s.isError ? <ErrorBox title="Refreshing failed." error={l3s.error} /> : null}
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  {header("Name", "name")}
                  <th>L2 network</th>
                  {header("Category", "category")}
                  <th>SR-IOV</th>
                  <th className="hide-narrow">Subnet</th>
                  <th className="num hide-narrow">Addresses</th>
                  <th className="num hide-narrow">NICs</th>
                  {header("Created", "createdAt", "hide-narrow")}
                </tr>
              </thead>
              <tbody>
                {l3s.data.items.length === 0 ? (
                  <tr>
                    <td colSpan={8} className="empty-row">
                      No L3 networks match these filters.
                    </td>
                  </tr>
                ) : (
                  l3s.data.items.map((l3) => (
                    <tr key={l3.id} data-testid="l3-row">
                      <td>
                        <Link href={`/networks/l3/${l3.id}`} className="strong-link">
                          {l3.name}
                        </Link>
                      </td>
                      <td>
                        <Link href={`/networks/l2/${l3.l2.id}`}>{l3.l2.name}</Link>
                        <div className="sub">
                          <code>{l3.l2.physicalInterface}</code> · SR-IOV{" "}
                          {l3.l2.sriovEnabled ? "on" : "off"}
                        </div>
                      </td>
                      <td>{l3.category}</td>
                      <td>
                        <SriovBadge enabled={l3.sriovEnabled} />
                      </td>
                      <td className="hide-narrow nowrap">
                        {l3.gateway ? (
                          `${l3.gateway}/${l3.prefixLength ?? "?"}`
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td className="num hide-narrow">
                        {l3.ipRanges.reduce((sum, range) => sum + range.size, 0)}
                        <div className="sub">
                          {l3.ipRanges.length} range{l3.ipRanges.length === 1 ? "" : "s"}
                        </div>
                      </td>
                      <td className="num hide-narrow">
                        {l3.nicCount}
                        {l3.vfNicCount > 0 ? <div className="sub">{l3.vfNicCount} VF</div> : null}
                      </td>
                      <td className="hide-narrow" title={dateTime(l3.createdAt)}>
                        {relativeTime(l3.createdAt, now)}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <Pager
            noun={l3s.data.total === 1 ? "L3 network" : "L3 networks"}
            total={l3s.data.total}
            offset={pages.pageIndex * limit}
            count={l3s.data.items.length}
            limit={limit}
            hasPrev={pages.hasPrev}
            hasNext={l3s.data.nextCursor !== null}
            onPrev={pages.prev}
            onNext={() => {
              if (l3s.data.nextCursor) pages.next(l3s.data.nextCursor);
            }}
            onLimit={setLimit}
          />
        </>
      )}

      {isAdmin ? <CreateL3Dialog open={creating} onClose={() => setCreating(false)} /> : null}
    </>
  );
}
