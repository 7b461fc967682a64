import type { OperationDetail, OperationLink } from "@virtfn/core";
import { Link } from "~/components/ui/Link";
import { OperationStatusBadge } from "~/components/badges";
import { BROWSER_NOW } from "~/components/detail/clock";
import { RefreshError } from "~/components/detail/LastShown";
import { Facts } from "~/components/detail/Facts";
import { OperationProgress } from "~/components/OperationsTable";
import { operationKindLabel } from "~/lib/operation-kinds";
import { targetHref } from "~/lib/links";
import { Elapsed, LocalTime, TimeAgo } from "~/components/ui/ClockText";
import { timeColumn } from "~/components/ui/columns";
import { DataTable } from "~/components/ui/DataTable";
import type { DetailList } from "~/components/ui/DetailGate";
import { DetailHeader } from "~/components/ui/DetailHeader";
import { RetryAction } from "./RetryAction";

// An operation's page, rendered on the server: only its retry button ships as client code.

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

function Time({ at }: { at: Date | null }) {
  if (!at) return <>—</>;
  return (
    <>
      <LocalTime date={at} />{" "}
      <span className="sub-inline">
        (<TimeAgo date={at} />)
      </span>
    </>
  );
}

function Children({ items, total }: { items: OperationLink[]; total: number }) {
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
              now: BROWSER_NOW,
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

/** Where the page sits: its breadcrumb and the way back. */
export const OPERATIONS: DetailList = { label: "Operations", href: "/operations" };

/** While the operation runs the page follows it; a finished one does not change. */
export const FOLLOW_MS = 1500;

export function OperationDetailView({ op }: { op: OperationDetail }) {
  const isFleet = op.kind === "fleet.setVfCount";

  return (
    <>
      <DetailHeader
        list={OPERATIONS}
        name={operationKindLabel(op.kind)}
        badges={<OperationStatusBadge status={op.status} />}
        titleTestId="operation-title"
        subtitle={
          <>
            <Target op={op} /> · requested by {op.requester ?? "the system"}{" "}
            <TimeAgo date={op.createdAt} />
          </>
        }
        actions={<RetryAction op={op} />}
        refreshError={null}
      />
      <RefreshError />

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

      <Facts
        title="Details"
        columns={[
          [
            ["Kind", <code className="code">{op.kind}</code>],
            [
              "Target",
              <>
                <Target op={op} /> <span className="sub-inline">{op.targetType}</span>
              </>,
            ],
            ["Attempts", op.attempts],
            [
              "Agent task",
              op.agentTaskId ? <code className="code">{op.agentTaskId}</code> : "—",
              "operation-agent-task",
            ],
            op.parent
              ? [
                  "Part of",
                  <Link href={`/operations/${op.parent.id}`}>
                    {operationKindLabel(op.parent.kind)}: {op.parent.targetName}
                  </Link>,
                  "operation-parent",
                ]
              : null,
          ],
          [
            ["Requested", <Time at={op.createdAt} />],
            ["Started", <Time at={op.startedAt} />],
            ["Finished", <Time at={op.finishedAt} />],
            ["Duration", <Elapsed from={op.startedAt} to={op.finishedAt} now={BROWSER_NOW} />],
            ["Id", <code className="code">{op.id}</code>],
          ],
        ]}
      />

      {isFleet || op.childCount > 0 ? <Children items={op.children} total={op.childCount} /> : null}

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

/** Not found: the operation may be another project's. */
export function OperationMissing() {
  return (
    <div className="empty" data-testid="operation-missing">
      <p>
        <strong>No such operation.</strong>
      </p>
      <p>
        It may belong to a project you are not in. <Link href="/operations">All operations</Link>
      </p>
    </div>
  );
}
