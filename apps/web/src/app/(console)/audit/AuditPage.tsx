"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import type { Role } from "~/components/session";
import { Pager, useCursorPages, useDebounced } from "~/components/table";
import { dateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

type Outcome = "Success" | "Failure" | "Denied";
const outcomes: Outcome[] = ["Success", "Failure", "Denied"];
const outcomeBadge: Record<Outcome, string> = {
  Success: "badge-ok",
  Failure: "badge-err",
  Denied: "badge-warn",
};

/** datetime-local ("2026-01-31T12:00") → ISO with the browser's offset, or undefined. */
function isoFromLocal(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function AuditPage({ role }: { role: Role }) {
  const trpc = useTRPC();
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  const [target, setTarget] = useState("");
  const [projectId, setProjectId] = useState("");
  const [outcome, setOutcome] = useState<Outcome | "">("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [limit, setLimit] = useState(25);
  const filters = useDebounced({
    actor: actor.trim(),
    action: action.trim(),
    target: target.trim(),
  });
  const pages = useCursorPages(
    [filters.actor, filters.action, filters.target, projectId, outcome, from, to, limit].join("|"),
  );
  const projects = useQuery(trpc.iam.projects.list.queryOptions({ limit: 200 }));
  const events = useQuery({
    ...trpc.audit.list.queryOptions({
      cursor: pages.cursor,
      limit,
      actor: filters.actor || undefined,
      action: filters.action || undefined,
      targetId: filters.target || undefined,
      projectId: projectId || undefined,
      outcome: outcome || undefined,
      from: isoFromLocal(from),
      to: isoFromLocal(to),
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
  const projectName = new Map(projects.data?.items.map((p) => [p.id, p.name]) ?? []);
  const filtered = Boolean(
    filters.actor || filters.action || filters.target || projectId || outcome || from || to,
  );
  const clear = () => {
    setActor("");
    setAction("");
    setTarget("");
    setProjectId("");
    setOutcome("");
    setFrom("");
    setTo("");
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
      </div>
      <div className="toolbar" role="search">
        <label className="field-inline">
          <span>Actor</span>
          <input
            type="search"
            placeholder="username"
            value={actor}
            onChange={(e) => setActor(e.target.value)}
          />
        </label>
        <label className="field-inline">
          <span>Action</span>
          <input
            type="search"
            placeholder="e.g. vms.stop"
            value={action}
            onChange={(e) => setAction(e.target.value)}
          />
        </label>
        <label className="field-inline">
          <span>Target id</span>
          <input
            type="search"
            placeholder="uuid"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
        </label>
        <label className="field-inline">
          <span>Project</span>
          <select value={projectId} onChange={(e) => setProjectId(e.target.value)}>
            <option value="">All</option>
            {projects.data?.items.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Outcome</span>
          <select value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome | "")}>
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
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="field-inline">
          <span>To</span>
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
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
                  <th>Actor</th>
                  <th>Action</th>
                  <th className="hide-narrow">Target</th>
                  <th className="hide-narrow">Project</th>
                  <th>Outcome</th>
                  <th className="hide-narrow">From</th>
                </tr>
              </thead>
              <tbody>
                {events.data.items.map((event) => {
                  const message =
                    event.details &&
                    typeof event.details === "object" &&
                    !Array.isArray(event.details)
                      ? (event.details as Record<string, unknown>).message
                      : undefined;
                  return (
                    <tr key={event.id} data-testid="audit-row">
                      <td className="nowrap">{dateTime(event.at)}</td>
                      <td>
                        {event.actorName}
                        {event.apiKeyId ? <div className="sub">via API key</div> : null}
                      </td>
                      <td>
                        <code>{event.action}</code>
                      </td>
                      <td className="hide-narrow">
                        {event.targetType}
                        {event.targetId ? (
                          <div className="sub">
                            <code>{event.targetId}</code>
                          </div>
                        ) : null}
                      </td>
                      <td className="hide-narrow">
                        {event.projectId
                          ? (projectName.get(event.projectId) ?? event.projectId.slice(0, 8))
                          : "—"}
                      </td>
                      <td>
                        <span className={`badge ${outcomeBadge[event.outcome]}`}>
                          {event.outcome}
                        </span>
                        {event.errorCode ? (
                          <div
                            className="sub"
                            title={typeof message === "string" ? message : undefined}
                          >
                            {event.errorCode}
                          </div>
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
            offset={pages.cursor ? Number(pages.cursor) : 0}
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
