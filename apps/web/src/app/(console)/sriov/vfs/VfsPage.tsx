"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { VfView } from "@virtfn/core";
import type { VfState } from "@virtfn/db";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Badge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { Pager, useCursorPages, useDebounced } from "~/components/table";
import { useUrlFilters } from "~/components/url-filters";
import { dateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

const states: VfState[] = ["Available", "Reserved", "Attached", "Releasing", "Missing"];
const stateTone = {
  Available: "ok",
  Reserved: "info",
  Attached: "info",
  Releasing: "warn",
  Missing: "err",
} as const satisfies Record<VfState, string>;

const FILTERS = ["q", "state", "host", "pf", "l2"] as const;

function isVfState(value: string): value is VfState {
  return (states as string[]).includes(value);
}

/** Where the scope came from (a PF or host link): named from the rows once they are loaded. */
function scopeLabel(kind: "pf" | "host", id: string, first: VfView | undefined): string {
  if (kind === "pf") {
    return first ? `${first.pfName ?? first.pfPciAddress} on ${first.hostName}` : id.slice(0, 8);
  }
  return first ? first.hostName : id.slice(0, 8);
}

export function VfsPage() {
  const trpc = useTRPC();
  const { values, set } = useUrlFilters(FILTERS);
  const [text, setText] = useState(values.q);
  const q = useDebounced(text.trim());
  const [limit, setLimit] = useState(50);
  useEffect(() => {
    if (q !== values.q) set({ q });
  }, [q, values.q, set]);
  const state = isVfState(values.state) ? values.state : undefined;
  const pages = useCursorPages(
    [values.q, state, values.host, values.pf, values.l2, limit].join("|"),
  );
  const l2s = useQuery(trpc.networks.l2.list.queryOptions({ limit: 200, sriovEnabled: true }));
  const vfs = useQuery({
    ...trpc.sriov.vfs.queryOptions({
      cursor: pages.cursor,
      limit,
      q: values.q || undefined,
      state,
      hostId: values.host || undefined,
      pfId: values.pf || undefined,
      l2Id: values.l2 || undefined,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  const filtered = Boolean(values.q || state || values.host || values.pf || values.l2);
  const first = vfs.data?.items[0];

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Virtual functions</h1>
          <p className="subtitle">
            Every VF in the fleet: who holds it, on which host and PF, with its MAC and VLAN. Search
            by PCI address (<code>0000:04:10.2</code> or <code>04:10.2</code>), MAC, VM or host
            name.
          </p>
        </div>
      </div>
      <div className="toolbar" role="search">
        <label className="field-inline grow">
          <span className="sr-only">Search VFs</span>
          <input
            type="search"
            placeholder="PCI address, MAC, VM or host name…"
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        </label>
        <label className="field-inline">
          <span>State</span>
          <select value={state ?? ""} onChange={(event) => set({ state: event.target.value })}>
            <option value="">All</option>
            {states.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>L2 network</span>
          <select value={values.l2} onChange={(event) => set({ l2: event.target.value })}>
            <option value="">All</option>
            {l2s.data?.items.map((l2) => (
              <option key={l2.id} value={l2.id}>
                {l2.name}
              </option>
            ))}
          </select>
        </label>
        {values.pf ? (
          <span className="field-inline" data-testid="vf-scope">
            PF {scopeLabel("pf", values.pf, first)}{" "}
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              aria-label="Show every PF"
              onClick={() => set({ pf: "" })}
            >
              ×
            </button>
          </span>
        ) : null}
        {values.host ? (
          <span className="field-inline" data-testid="vf-scope">
            Host {scopeLabel("host", values.host, first)}{" "}
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              aria-label="Show every host"
              onClick={() => set({ host: "" })}
            >
              ×
            </button>
          </span>
        ) : null}
        {filtered ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              setText("");
              set({ q: "", state: "", host: "", pf: "", l2: "" });
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>
      {vfs.isError && !vfs.data ? (
        <ErrorBox
          title="Could not load the VFs."
          error={vfs.error}
          onRetry={() => void vfs.refetch()}
        />
      ) : vfs.isPending ? (
        <div className="loading" aria-busy="true">
          Loading VFs…
        </div>
      ) : vfs.data.items.length === 0 ? (
        <div className="empty">
          <p>
            <strong>{filtered ? "No VF matches these filters." : "No VFs yet."}</strong>
          </p>
          {filtered ? null : (
            <p>
              VFs appear when a PF is split: open a host and use <em>SR-IOV split</em> on one of its
              NICs.
            </p>
          )}
        </div>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data vf-table">
              <thead>
                <tr>
                  <th>PCI address</th>
                  <th className="hide-narrow">Host</th>
                  <th className="hide-narrow">PF</th>
                  <th className="hide-narrow num">Index</th>
                  <th>State</th>
                  <th>VM</th>
                  <th className="hide-narrow">NIC</th>
                  <th className="hide-narrow">MAC</th>
                  <th className="hide-narrow num">VLAN</th>
                </tr>
              </thead>
              <tbody>
                {vfs.data.items.map((vf) => (
                  <tr key={vf.id} data-testid="vf-row" data-state={vf.state}>
                    <td>
                      <code>{vf.pciAddress}</code>
                      <div className="sub show-narrow">
                        {vf.hostName} · {vf.pfName ?? vf.pfPciAddress} #{vf.index}
                      </div>
                    </td>
                    <td className="hide-narrow">
                      <Link href={`/hosts/${vf.hostId}`}>{vf.hostName}</Link>
                    </td>
                    <td className="hide-narrow">
                      <Link href={`/sriov/vfs?pf=${vf.pfId}`} title="Only this PF's VFs">
                        {vf.pfName ?? vf.pfPciAddress}
                      </Link>
                      {vf.pfLinkUp ? null : (
                        <div className="sub">
                          <Badge tone="warn">link down</Badge>
                        </div>
                      )}
                    </td>
                    <td className="hide-narrow num">{vf.index}</td>
                    <td>
                      <Badge
                        tone={stateTone[vf.state]}
                        title={`Since ${dateTime(vf.stateChangedAt)}`}
                      >
                        {vf.state}
                      </Badge>
                    </td>
                    <td>
                      {vf.holder ? (
                        <Link href={`/vms/${vf.holder.vmId}`}>{vf.holder.vmName}</Link>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="hide-narrow">
                      {vf.holder ? (
                        <>
                          nic{vf.holder.deviceIndex} · {vf.holder.ip}
                          <div className="sub">
                            {vf.holder.l3Name} on {vf.holder.l2Name}
                          </div>
                        </>
                      ) : (
                        "—"
                      )}
                    </td>
                    <td className="hide-narrow">
                      <code>{vf.holder?.mac ?? vf.mac ?? "—"}</code>
                    </td>
                    <td className="hide-narrow num">{vf.holder?.vlanId ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            noun={vfs.data.total === 1 ? "VF" : "VFs"}
            total={vfs.data.total}
            totalExact={vfs.data.totalExact}
            offset={pages.pageIndex * limit}
            count={vfs.data.items.length}
            limit={limit}
            hasPrev={pages.hasPrev}
            hasNext={vfs.data.nextCursor !== null}
            onPrev={pages.prev}
            onNext={() => {
              if (vfs.data.nextCursor) pages.next(vfs.data.nextCursor);
            }}
            onLimit={setLimit}
          />
        </>
      )}
    </>
  );
}
