"use client";

import type { OperationDetail, OperationLink } from "@virtfn/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { OperationStatusBadge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { isActive, OperationProgress } from "~/components/OperationsTable";
import { useNow } from "~/components/useNow";
import { operationKindLabel } from "~/lib/operation-kinds";
import { targetHref } from "~/lib/links";
import { Elapsed, LocalTime, TimeAgo } from "~/components/ui/ClockText";
import { timeColumn } from "~/components/ui/columns";
import { DataTable } from "~/components/ui/DataTable";
import { DetailGate, type DetailList } from "~/components/ui/DetailGate";
import { DetailHeader } from "~/components/ui/DetailHeader";
import { Button } from "~/components/ui/Button";
import { useLastShown } from "~/components/ui/useLastShown";
import { LiveRefresh } from "~/components/LiveRefresh";
import type { ShownError } from "~/lib/errors";
import { useAction } from "~/trpc/useAction";

function Target({
  op,
}: {
  op: Pick<OperationDetail, "targetType" | "targetId" | "targetName"> & {
    targetHostId?: string | null;
  };
}) {
  const href = targetHref(op.targetType, op.targetId, { hostId: op.targetHostId ?? null });
  const name = op.targetName || op.targetId;
  return href ? (
    <Link href={href} data-testid="operation-target">
      {name}
    </Link>
  ) : (
    <span data-testid="operation-target">{name}</span>
  );
}

function Time({ at, now }: { at: Date | null; now: number }) {
  if (!at) return <>—</>;
  return (
    <>
      <LocalTime date={at} />{" "}
      <span className="sub-inline">
        (<TimeAgo date={at} now={now} />)
      </span>
    </>
  );
}

function Children({ items, total, now }: { items: OperationLink[]; total: number; now: number }) {
  return (
    <section className="panel" data-testid="operation-children">
      <h2>
        Child operations <span className="count">{total}</span>
      </h2>
      {items.length === 0 ? (
        <p className="muted">None started yet.</p>
      ) : (
        <DataTable
          rows={items}
          rowKey={(child) => child.id}
          rowTestId="operation-child"
          columns={[
            {
              key: "kind",
              header: "Operation",
              cell: (child) => (
                <Link href={`/operations/${child.id}`}>{operationKindLabel(child.kind)}</Link>
              ),
            },
            { key: "target", header: "Target", cell: (child) => <Target op={child} /> },
            {
              key: "status",
              header: "Status",
              cell: (child) => <OperationStatusBadge status={child.status} />,
            },
            {
              key: "error",
              header: "Error",
              secondary: true,
              cell: (child) => child.errorMessage ?? "—",
            },
            timeColumn<OperationLink>({
              key: "started",
              header: "Started",
              at: (c) => c.createdAt,
              now,
            }),
          ]}
        />
      )}
      {total > items.length ? (
        <p className="muted small">
          Showing the first {items.length} of {total}; the{" "}
          <Link href="/sriov/fleet">fleet page</Link> shows them all by cluster.
        </p>
      ) : null}
    </section>
  );
}

function RetryAction({ op }: { op: OperationDetail }) {
  const router = useRouter();
  // The retry is a new operation: its own page shows it.
  const retry = useAction((api, input: { id: string }) => api.operations.retry.mutate(input), {
    refresh: false,
    onSuccess: (result) => router.push(`/operations/${result.operation.id}`),
  });
  if (op.status !== "Failed") return null;
  return (
    <div className="actions">
      <Button
        variant="primary"
        disabled={!op.retry.allowed || retry.isPending}
        title={op.retry.reason ?? undefined}
        onClick={() => retry.mutate({ id: op.id })}
      >
        {retry.isPending ? "Retrying…" : "Retry"}
      </Button>
      {op.retry.reason ? (
        <p className="muted small" data-testid="retry-reason">
          {op.retry.reason}
        </p>
      ) : null}
      {retry.isError ? <ErrorBox title="Could not retry." error={retry.error} /> : null}
    </div>
  );
}

/** Where the page sits: its breadcrumb and the way back. */
const OPERATIONS: DetailList = { label: "Operations", href: "/operations" };

/** While the operation runs the page follows it; a finished one does not change. */
const FOLLOW_MS = 1500;

export function OperationDetailPage({
  operationId,
  ...read
}: {
  operationId: string;
  data: OperationDetail | null;
  error: ShownError | null;
}) {
  const router = useRouter();
  const now = useNow(2_000);
  // A refresh that fails keeps the operation shown, with the failure in its header.
  const detail = { data: useLastShown(read.data, operationId), error: read.error };

  if (!detail.data) {
    return (
      <DetailGate
        query={{ isPending: false, error: detail.error, refetch: () => router.refresh() }}
        noun="operation"
        list={OPERATIONS}
        missing={
          <div className="empty" data-testid="operation-missing">
            <p>
              <strong>No such operation.</strong>
            </p>
            <p>
              It may belong to a project you are not in.{" "}
              <Link href="/operations">All operations</Link>
            </p>
          </div>
        }
      />
    );
  }
  const op = detail.data;
  const isFleet = op.kind === "fleet.setVfCount";

  return (
    <>
      {isActive(op) ? <LiveRefresh ms={FOLLOW_MS} /> : null}
      <DetailHeader
        list={OPERATIONS}
        name={operationKindLabel(op.kind)}
        badges={<OperationStatusBadge status={op.status} />}
        titleTestId="operation-title"
        subtitle={
          <>
            <Target op={op} /> · requested by {op.requester ?? "the system"}{" "}
            <TimeAgo date={op.createdAt} now={now} />
          </>
        }
        actions={<RetryAction op={op} />}
        refreshError={detail.error}
      />

      {op.status === "Failed" ? (
        <div className="banner banner-err" role="alert" data-testid="operation-error">
          <p>
            <strong>Failed</strong>
            {op.errorCode ? (
              <>
                {" "}
                with <code className="code">{op.errorCode}</code>
              </>
            ) : null}
            : {op.errorMessage ?? "no message was recorded."}
          </p>
        </div>
      ) : null}

      <section className="panel">
        <h2>Progress</h2>
        <OperationProgress op={op} />
      </section>

      <section className="panel">
        <h2>Details</h2>
        <div className="facts">
          <dl>
            <dt>Kind</dt>
            <dd>
              <code className="code">{op.kind}</code>
            </dd>
            <dt>Target</dt>
            <dd>
              <Target op={op} /> <span className="sub-inline">{op.targetType}</span>
            </dd>
            <dt>Attempts</dt>
            <dd>{op.attempts}</dd>
            <dt>Agent task</dt>
            <dd data-testid="operation-agent-task">
              {op.agentTaskId ? <code className="code">{op.agentTaskId}</code> : "—"}
            </dd>
            {op.parent ? (
              <>
                <dt>Part of</dt>
                <dd data-testid="operation-parent">
                  <Link href={`/operations/${op.parent.id}`}>
                    {operationKindLabel(op.parent.kind)}: {op.parent.targetName}
                  </Link>
                </dd>
              </>
            ) : null}
          </dl>
          <dl>
            <dt>Requested</dt>
            <dd>
              <Time at={op.createdAt} now={now} />
            </dd>
            <dt>Started</dt>
            <dd>
              <Time at={op.startedAt} now={now} />
            </dd>
            <dt>Finished</dt>
            <dd>
              <Time at={op.finishedAt} now={now} />
            </dd>
            <dt>Duration</dt>
            <dd>
              <Elapsed from={op.startedAt} to={op.finishedAt} now={now} />
            </dd>
            <dt>Id</dt>
            <dd>
              <code className="code">{op.id}</code>
            </dd>
          </dl>
        </div>
      </section>

      {isFleet || op.childCount > 0 ? (
        <Children items={op.children} total={op.childCount} now={now} />
      ) : null}

      {op.result && typeof op.result === "object" && Object.keys(op.result).length > 0 ? (
        <section className="panel">
          <h2>Result</h2>
          <pre
            className="code"
            style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", margin: 0 }}
            data-testid="operation-result"
          >
            {JSON.stringify(op.result, null, 2)}
          </pre>
        </section>
      ) : null}
    </>
  );
}
