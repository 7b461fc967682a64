"use client";

import type { AuditEventView } from "@virtfn/core";
import { Link } from "~/components/ui/Link";
import { Badge } from "~/components/ui/Badge";
import { buttonClass } from "~/components/ui/Button";
import { LocalTime } from "~/components/ui/ClockText";
import { TextFilter } from "~/components/ui/filters";
import { ListView, type Column, type ListPage } from "~/components/ui/ListView";
import { PageHeader } from "~/components/ui/PageHeader";
import { useServerListView } from "~/components/ui/useServerList";
import type { ShownError } from "~/lib/errors";
import { targetHref } from "~/lib/links";
import { AUDIT_FILTERS, outcomes } from "./filters";
import { useTimeZoneCookie } from "./useTimeZoneCookie";

const outcomeOptions = outcomes.map((o) => ({ value: o, label: o }));
const outcomeTone = { Success: "ok", Failure: "err", Denied: "warn" } as const;
const REFRESH_MS = 5_000;

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
const columns: Column<AuditEventView>[] = [
  {
    key: "when",
    header: "When",
    cell: (event) => (
      <>
        <LocalTime date={event.at} />
        <div className="sub show-narrow">{event.actorName}</div>
      </>
    ),
  },
  {
    key: "actor",
    header: "Actor",
    secondary: true,
    cell: (event) => (
      <>
        {event.actorName}
        {event.apiKeyId ? <div className="sub">via API key</div> : null}
      </>
    ),
  },
  { key: "action", header: "Action", cell: (event) => <code>{event.action}</code> },
  {
    key: "target",
    header: "Target",
    cell: (event) => (
      <div data-testid="audit-target">
        <Target event={event} />
      </div>
    ),
  },
  {
    key: "project",
    header: "Project",
    secondary: true,
    cell: (event) => (event.projectId ? (event.projectName ?? event.projectId.slice(0, 8)) : "—"),
  },
  {
    key: "outcome",
    header: "Outcome",
    cell: (event) => {
      const message = messageOf(event);
      return (
        <>
          <Badge tone={outcomeTone[event.outcome]}>{event.outcome}</Badge>
          {message && event.outcome !== "Success" ? (
            <div className="sub" title={event.errorCode ?? undefined}>
              {message}
            </div>
          ) : event.errorCode ? (
            <div className="sub">{event.errorCode}</div>
          ) : null}
        </>
      );
    },
  },
  { key: "from", header: "From", secondary: true, cell: (event) => event.sourceIp ?? "—" },
];

export interface AuditPageProps {
  /** The page of events the server rendered for the URL's filters; null when it could not. */
  events: ListPage<AuditEventView> | null;
  error: ShownError | null;
  /** The project filter's options (empty for those who see only their own projects). */
  projects: { value: string; label: string }[];
  seesAllProjects: boolean;
  /** The filters as the REST export takes them (times already in ISO with the browser's zone). */
  exportQuery: string;
}

export function AuditPage({
  events,
  error,
  projects,
  seesAllProjects,
  exportQuery,
}: AuditPageProps) {
  const auditList = useServerListView({ data: events, error }, REFRESH_MS, {
    filters: AUDIT_FILTERS,
  });
  const { list } = auditList;
  useTimeZoneCookie(list.filters.from !== undefined || list.filters.to !== undefined);
  const exportHref = (format: "csv" | "json") =>
    `/api/v1/audit-events/export?format=${format}${exportQuery ? `&${exportQuery}` : ""}`;

  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle={
          <>
            Every change: who, what, on which target, when, from where, and whether it succeeded,
            failed or was denied.{seesAllProjects ? "" : " You see your projects' events."}
          </>
        }
        actions={
          <>
            {/* Plain links: the export is a file from the REST API, not a console page. */}
            {(["csv", "json"] as const).map((format) => (
              <a
                key={format}
                className={buttonClass({ size: "sm" })}
                href={exportHref(format)}
                download
                data-testid={`audit-export-${format}`}
              >
                Export {format.toUpperCase()}
              </a>
            ))}
          </>
        }
      />
      <ListView
        {...auditList}
        columns={columns}
        rowTestId="audit-row"
        rowData={(event) => ({ "data-action": event.action })}
        noun="events"
        filters={[
          ...(seesAllProjects
            ? [
                {
                  key: "project" as const,
                  label: "Project",
                  allLabel: "All projects",
                  options: projects,
                },
              ]
            : []),
          { key: "outcome", label: "Outcome", allLabel: "All outcomes", options: outcomeOptions },
        ]}
        toolbar={
          <>
            <TextFilter list={list} filter="actor" label="Actor" placeholder="username" />
            <TextFilter list={list} filter="action" label="Action" placeholder="e.g. vm.stop" />
            <TextFilter list={list} filter="target" label="Target id" placeholder="uuid" />
            <TextFilter list={list} filter="from" label="From" type="datetime-local" />
            <TextFilter list={list} filter="to" label="To" type="datetime-local" />
          </>
        }
        empty={
          <p>
            <strong>No audit events yet.</strong>
          </p>
        }
      />
    </>
  );
}
