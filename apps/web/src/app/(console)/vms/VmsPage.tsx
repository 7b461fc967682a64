"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { VmState } from "@virtfn/db";
import Link from "next/link";
import { useState } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { useSession } from "~/components/session";
import {
  Pager,
  SortHeader,
  useCursorPages,
  useDebounced,
  type SortOrder,
} from "~/components/table";
import { useNow } from "~/components/useNow";
import { dateTime, nicSummary, relativeTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { isTransitional, vmStates, VmStateBadge } from "./shared";

type VmSort = "name" | "createdAt" | "state";

export function VmsPage({ projectIds }: { projectIds: string[] }) {
  const trpc = useTRPC();
  const { role } = useSession();
  const now = useNow();
  const canCreate = role === "Admin" || (role === "Tenant" && projectIds.length > 0);
  const [search, setSearch] = useState("");
  const [state, setState] = useState<VmState | "">("");
  const [sort, setSort] = useState<VmSort>("name");
  const [order, setOrder] = useState<SortOrder>("asc");
  const [limit, setLimit] = useState(25);
  const debouncedSearch = useDebounced(search.trim());
  const pages = useCursorPages([debouncedSearch, state, sort, order, limit].join("|"));

  const vms = useQuery({
    ...trpc.vms.list.queryOptions({
      cursor: pages.cursor,
      limit,
      search: debouncedSearch || undefined,
      state: state || undefined,
      sort,
      order,
    }),
    placeholderData: keepPreviousData,
    // VMs in a transition change soon: poll them; otherwise refresh now and then.
    refetchInterval: (query) =>
      query.state.data?.items.some((vm) => isTransitional(vm.state)) ? 1500 : 15_000,
  });

  const filtered = Boolean(debouncedSearch || state);
  const onSort = (field: VmSort, next: SortOrder) => {
    setSort(field);
    setOrder(next);
  };
  const header = (label: string, field: VmSort, className?: string) => (
    <SortHeader
      label={label}
      field={field}
      sort={sort}
      order={order}
      onSort={onSort}
      className={className}
    />
  );
  const showProject = role !== "Tenant" || projectIds.length > 1;
  const createLink = (className: string) => (
    <Link href="/vms/new" className={className}>
      Create VM
    </Link>
  );

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Virtual machines</h1>
          <p className="subtitle">
            {role === "Tenant"
              ? projectIds.length === 1
                ? "Your project's VMs and their NICs."
                : `VMs in your ${projectIds.length} projects.`
              : "VMs of every project."}
          </p>
        </div>
        {canCreate ? createLink("btn btn-primary") : null}
      </div>

      <div className="toolbar" role="search">
        <label className="field-inline grow">
          <span className="sr-only">Search VMs</span>
          <input
            type="search"
            placeholder="Search by name…"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <label className="field-inline">
          <span>State</span>
          <select value={state} onChange={(event) => setState(event.target.value as VmState | "")}>
            <option value="">All</option>
            {vmStates.map((s) => (
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
              setState("");
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>

      {vms.isError && !vms.data ? (
        <ErrorBox
          title="Could not load VMs."
          error={vms.error}
          onRetry={() => void vms.refetch()}
        />
      ) : vms.isPending ? (
        <div className="loading" aria-busy="true">
          Loading VMs…
        </div>
      ) : vms.data.total === 0 && !filtered ? (
        <div className="empty" data-testid="vms-empty">
          <p>
            <strong>No VMs yet.</strong>
          </p>
          {canCreate ? (
            <p>
              Create a VM, pick its L3 networks and tick “Enable SR-IOV” on a NIC to give the guest
              a VF. {createLink("btn btn-primary btn-sm")}
            </p>
          ) : role === "Tenant" ? (
            <p>You are not a member of any project yet; ask an admin to add you to one.</p>
          ) : (
            <p>No project has created a VM.</p>
          )}
        </div>
      ) : (
        <>
          {vms.isError ? <ErrorBox title="Refreshing failed." error={vms.error} /> : null}
          <div className="table-wrap">
            <table className="data vms-table">
              <thead>
                <tr>
                  {header("Name", "name")}
                  {header("State", "state")}
                  <th className="hide-narrow">Host</th>
                  <th>NICs</th>
                  <th>IPs</th>
                  <th className="hide-narrow">Offering</th>
                  {showProject ? <th className="hide-narrow">Project</th> : null}
                  {header("Created", "createdAt", "hide-narrow")}
                </tr>
              </thead>
              <tbody>
                {vms.data.items.length === 0 ? (
                  <tr>
                    <td colSpan={showProject ? 8 : 7} className="empty-row">
                      No VMs match these filters.
                    </td>
                  </tr>
                ) : (
                  vms.data.items.map((vm) => (
                    <tr key={vm.id} data-testid="vm-row" data-vm={vm.name}>
                      <td>
                        <Link href={`/vms/${vm.id}`} className="strong-link">
                          {vm.name}
                        </Link>
                        <div className="sub show-narrow">{vm.hostName ?? "no host"}</div>
                      </td>
                      <td>
                        <VmStateBadge state={vm.state} />
                      </td>
                      <td className="hide-narrow">
                        {vm.hostName ?? <span className="muted">—</span>}
                      </td>
                      <td className="nowrap" data-testid="vm-nics">
                        {nicSummary(vm.nicCount, vm.vfNicCount)}
                      </td>
                      <td data-testid="vm-ips">
                        {vm.ips.length === 0 ? <span className="muted">—</span> : null}
                        {vm.ips.map((ip) => (
                          <div key={ip}>
                            <code>{ip}</code>
                          </div>
                        ))}
                      </td>
                      <td className="hide-narrow">
                        {vm.offering.name}
                        <div className="sub">{vm.image.name}</div>
                      </td>
                      {showProject ? <td className="hide-narrow">{vm.projectName}</td> : null}
                      <td className="hide-narrow" title={dateTime(vm.createdAt)}>
                        {relativeTime(vm.createdAt, now)}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <Pager
            noun={vms.data.total === 1 ? "VM" : "VMs"}
            total={vms.data.total}
            totalExact={vms.data.totalExact}
            offset={pages.pageIndex * limit}
            count={vms.data.items.length}
            limit={limit}
            hasPrev={pages.hasPrev}
            hasNext={vms.data.nextCursor !== null}
            onPrev={pages.prev}
            onNext={() => {
              if (vms.data.nextCursor) pages.next(vms.data.nextCursor);
            }}
            onLimit={setLimit}
          />
        </>
      )}
    </>
  );
}
