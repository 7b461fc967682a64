"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { AuditEventView } from "@virtfn/core";
import Link from "next/link";
import { useCan } from "~/components/session";
import { Badge } from "~/components/ui/Badge";
import { buttonClass } from "~/components/ui/Button";
import { ListView, TextFilter, type Column } from "~/components/ui/ListView";
import { PageHeader } from "~/components/ui/PageHeader";
import { useListParams } from "~/components/ui/useListParams";
import { dateTime } from "~/lib/format";
import { targetHref } from "~/lib/links";
import { useTRPC } from "~/trpc/react";

const outcomes = ["Success", "Failure", "Denied"] as const;
const outcomeOptions = outcomes.map((o) => ({ value: o, label: o }));
const outcomeTone = { Success: "ok", Failure: "err", Denied: "warn" } as const;

/** datetime-local ("2026-01-31T12:00") → ISO with the browser's offset, or undefined. */
function isoFromLocal(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
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

const columns: Column<AuditEventView>[] = [
  {
    key: "when",
    header: "When",
    cell: (event) => (
      <>
        {dateTime(event.at)}
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

export function AuditPage() {
  const trpc = useTRPC();
  // core shows those who read the inventory every project (may narrow to one); others their own.
  const seesAllProjects = useCan("inventory.read");
  const list = useListParams({
    filters: ["actor", "action", "target", "project", "outcome", "from", "to"] as const,
  });
  const { filters: values } = list;
  const projects = useQuery({
    ...trpc.iam.projects.list.queryOptions({ limit: 200 }),
    enabled: seesAllProjects,
  });
  const filters = {
    actor: values.actor,
    action: values.action,
    targetId: values.target,
    projectId: values.project,
    outcome: outcomes.find((o) => o === values.outcome),
    from: isoFromLocal(values.from),
    to: isoFromLocal(values.to),
  };
  const events = useQuery({
    ...trpc.audit.list.queryOptions({ cursor: list.cursor, limit: list.limit, ...filters }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
  const exportQuery = new URLSearchParams(
    Object.entries(filters).flatMap(([key, value]) => (value ? [[key, value]] : [])),
  ).toString();
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
        list={list}
        query={events}
        columns={columns}
        rowKey={(event) => event.id}
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
                  options: (projects.data?.items ?? []).map((p) => ({
                    value: p.id,
                    label: p.name,
                  })),
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
