"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { AuditEventView } from "@virtfn/core";
import Link from "next/link";
import { useEffect, useState } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import type { Role } from "~/components/session";
import { Pager, useCursorPages, useDebounced } from "~/components/table";
import { useUrlFilters } from "~/components/url-filters";
import { dateTime } from "~/lib/format";
import { targetHref } from "~/lib/links";
import { useTRPC } from "~/trpc/react";

type Outcome = "Success" | "Failure" | "Denied";
const outcomes: Outcome[] = ["Success", "Failure", "Denied"];
const outcomeBadge: Record<Outcome, string> = {
  Success: "badge-ok",
  Failure: "badge-err",
  Denied: "badge-warn",
};

const FILTERS = ["actor", "action", "target", "project", "outcome", "from", "to"] as const;

/** datetime-local ("2026-01-31T12:00") → ISO with the browser's offset, or undefined. */
function isoFromLocal(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function isOutcome(value: string): value is Outcome {
  return (outcomes as string[]).includes(value);
}

function messageOf(event: AuditEventView): string | undefined {
  const details = event.details;
  if (!details || typeof details !== "object" || Array.isArray(details)) return undefined;
  const message = (details as Record<string, unknown>).message;
  return typeof message === "string" ? message : undefined;
}

/** The target by name, linked where it has a page; the id stays for the ones that are gone. */
function Target({ event }: { event: AuditEventView }) {
  const href =
    event.targetName !== null || event.targetId === null
      ? targetHref(event.targetType, event.targetId, { hostId: event.targetHostId })
      : null;
  const label = event.targetName ?? event.targetId?.slice(0, 8) ?? "—";
  return (
    <>
      {href ? (
        <Link href={href}>{label}</Link>
      ) : (
        <span title={event.targetId ?? undefined}>{label}</span>
      )}
      <div className="sub">
        {event.targetType}
        {event.targetName === null && event.targetId ? " (gone)" : ""}
      </div>
    </>
  );
}

export function AuditPage({ role }: { role: Role }) {
  const trpc = useTRPC();
  const { values, set, query } = useUrlFilters(FILTERS);
  const [text, setText] = useState({
    actor: values.actor,
    action: values.action,
    target: values.target,
  });
  const typed = useDebounced(text);
  useEffect(() => {
    const patch = {
      actor: typed.actor.trim(),
      action: typed.action.trim(),
      target: typed.target.trim(),
    };
    if (
      patch.actor !== values.actor ||
      patch.action !== values.action ||
      patch.target !== values.target
    ) {
      set(patch);
    }
  }, [typed, values.actor, values.action, values.target, set]);
  const [limit, setLimit] = useState(25);
  const outcome = isOutcome(values.outcome) ? values.outcome : undefined;
  const pages = useCursorPages([query, limit].join("|"));
  const projects = useQuery({
    ...trpc.iam.projects.list.queryOptions({ limit: 200 }),
    enabled: role !== "Tenant",
  });
  const filters = {
    actor: values.actor || undefined,
    action: values.action || undefined,
    targetId: values.target || undefined,
    projectId: values.project || undefined,
    outcome,
    from: isoFromLocal(values.from),
    to: isoFromLocal(values.to),
  };
  const events = useQuery({
    ...trpc.audit.list.queryOptions({ cursor: pages.cursor, limit, ...filters }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
  const filtered = FILTERS.some((key) => values[key]);
  const exportQuery = new URLSearchParams(
    Object.entries(filters).flatMap(([key, value]) => (value ? [[key, value]] : [])),
  ).toString();
  const exportHref = (format: "csv" | "json") =>
    `/api/v1/audit-events/export?format=${format}${exportQuery ? `&${exportQuery}` : ""}`;
  const clear = () => {
    setText({ actor: "", action: "", target: "" });
    set({ actor: "", action: "", target: "", project: "", outcome: "", from: "", to: "" });
  };

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="subtitle">
            Every change: who, what, on which target, when, from where, and whether it succeeded,
            failed or was denied.{role === "Tenant" ? " You see your projects' events." : ""}
          </p>
        </div>
        <div className="actions">
          <a
            className="btn btn-sm"
            href={exportHref("csv")}
            download
            data-testid="audit-export-csv"
          >
            Export CSV
          </a>
          <a
            className="btn btn-sm"
            href={exportHref("json")}
            download
            data-testid="audit-export-json"
          >
            Export JSON
          </a>
        </div>
      </div>
      <div className="toolbar" role="search">
        <label className="field-inline">
          <span>Actor</span>
          <input
            type="search"
            placeholder="username"
            value={text.actor}
            onChange={(e) => setText({ ...text, actor: e.target.value })}
          />
        </label>
        <label className="field-inline">
          <span>Action</span>
          <input
            type="search"
            placeholder="e.g. vm.stop"
            value={text.action}
            onChange={(e) => setText({ ...text, action: e.target.value })}
          />
        </label>
        <label className="field-inline">
          <span>Target id</span>
          <input
            type="search"
            placeholder="uuid"
            value={text.target}
            onChange={(e) => setText({ ...text, target: e.target.value })}
          />
        </label>
        {role !== "Tenant" ? (
          <label className="field-inline">
            <span>Project</span>
            <select value={values.project} onChange={(e) => set({ project: e.target.value })}>
              <option value="">All</option>
              {projects.data?.items.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="field-inline">
          <span>Outcome</span>
          <select value={outcome ?? ""} onChange={(e) => set({ outcome: e.target.value })}>
            <option value="">All</option>
            {outcomes.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>From</span>
          <input
            type="datetime-local"
            value={values.from}
            onChange={(e) => set({ from: e.target.value })}
          />
        </label>
        <label className="field-inline">
          <span>To</span>
          <input
            type="datetime-local"
            value={values.to}
            onChange={(e) => set({ to: e.target.value })}
          />
        </label>
        {filtered ? (
          <button type="button" className="btn btn-sm" onClick={clear}>
            Clear filters
          </button>
        ) : null}
      </div>
      {events.isError && !events.data ? (
        <ErrorBox
          title="Could not load the audit log."
          error={events.error}
          onRetry={() => void events.refetch()}
        />
      ) : events.isPending ? (
        <div className="loading" aria-busy="true">
          Loading audit events…
        </div>
      ) : events.data.items.length === 0 ? (
        <div className="empty">
          <p>
            <strong>{filtered ? "No events match these filters." : "No audit events yet."}</strong>
          </p>
        </div>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th>When</th>
                  <th className="hide-narrow">Actor</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th className="hide-narrow">Project</th>
                  <th>Outcome</th>
                  <th className="hide-narrow">From</th>
                </tr>
              </thead>
              <tbody>
                {events.data.items.map((event) => {
                  const message = messageOf(event);
                  return (
                    <tr key={event.id} data-testid="audit-row" data-action={event.action}>
                      <td>
                        {dateTime(event.at)}
                        <div className="sub show-narrow">{event.actorName}</div>
                      </td>
                      <td className="hide-narrow">
                        {event.actorName}
                        {event.apiKeyId ? <div className="sub">via API key</div> : null}
                      </td>
                      <td>
                        <code>{event.action}</code>
                      </td>
                      <td data-testid="audit-target">
                        <Target event={event} />
                      </td>
                      <td className="hide-narrow">
                        {event.projectId ? (event.projectName ?? event.projectId.slice(0, 8)) : "—"}
                      </td>
                      <td>
                        <span className={`badge ${outcomeBadge[event.outcome]}`}>
                          {event.outcome}
                        </span>
                        {message && event.outcome !== "Success" ? (
                          <div className="sub" title={event.errorCode ?? undefined}>
                            {message}
                          </div>
                        ) : event.errorCode ? (
                          <div className="sub">{event.errorCode}</div>
                        ) : null}
                      </td>
                      <td className="hide-narrow">{event.sourceIp ?? "—"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            total={events.data.total}
            totalExact={events.data.totalExact}
            offset={pages.pageIndex * limit}
            count={events.data.items.length}
            limit={limit}
            hasNext={events.data.nextCursor !== null}
            hasPrev={pages.hasPrev}
            onNext={() => events.data.nextCursor && pages.next(events.data.nextCursor)}
            onPrev={pages.prev}
            onLimit={setLimit}
            noun="events"
          />
        </>
      )}
    </>
  );
}
