import type { OperationView } from "@virtfn/core";
import { progressCount } from "@virtfn/core/progress";
import { Link } from "~/components/ui/Link";
import { operationKindLabel } from "~/lib/operation-kinds";
import { targetHref } from "~/lib/links";
import { OperationStatusBadge } from "./badges";
import { BROWSER_NOW } from "./detail/clock";
import { isActive } from "./detail/operation-status";
import { ProgressBar } from "./ProgressBar";
import { Elapsed } from "./ui/ClockText";
import { timeColumn } from "./ui/columns";
import { DataTable, type Column } from "./ui/DataTable";

export type OperationSort = "createdAt" | "kind" | "status" | "targetName";

// Kept here for the pages that import it from here.
export { isActive };

export function OperationProgress({ op }: { op: OperationView }) {
  // Counts come from the operation's data (progressDone/progressTotal), never from its message.
  const count = isActive(op) ? progressCount(op) : null;
  return (
    <div className="op-progress">
      <ProgressBar
        value={op.progress}
        status={op.status}
        label={`${operationKindLabel(op.kind)} progress`}
        valueText={count}
      />
      <span className="op-progress-text">
        {op.status === "Failed" ? (
          <span className="op-error">
            {op.errorCode ? <code className="code">{op.errorCode}</code> : null}{" "}
            {op.errorMessage ?? "Failed"}
          </span>
        ) : (
          <>
            {op.status === "Pending" ? "Waiting for a worker…" : op.progressMessage || op.status}
            {op.status === "Running" ? ` · ${op.progress}%` : null}
            {count ? (
              <strong className="vf-count" data-testid="op-progress-count">
                {" "}
                · {count}
              </strong>
            ) : null}
          </>
        )}
      </span>
    </div>
  );
}

function Target({ op }: { op: OperationView }) {
  const href = targetHref(op.targetType, op.targetId);
  if (href) {
    return (
      <Link href={href} className="nowrap">
        {op.targetName}
      </Link>
    );
  }
  return <span>{op.targetName}</span>;
}

/** The operation columns; the target column is left out where the page is the target. */
export function operationColumns(
  now: number,
  showTarget = true,
): Column<OperationView, OperationSort>[] {
  return [
    {
      key: "kind",
      header: "Operation",
      sort: "kind",
      cell: (op) => (
        <>
          <Link href={`/operations/${op.id}`} className="op-kind" title="Operation details">
            {operationKindLabel(op.kind)}
          </Link>
          <div className="show-narrow">
            <OperationProgress op={op} />
          </div>
        </>
      ),
    },
    ...(showTarget
      ? [
          {
            key: "target",
            header: "Target",
            sort: "targetName" as const,
            cell: (op: OperationView) => <Target op={op} />,
          },
        ]
      : []),
    {
      key: "status",
      header: "Status",
      sort: "status",
      cell: (op) => <OperationStatusBadge status={op.status} />,
    },
    {
      key: "progress",
      header: "Progress",
      secondary: true,
      className: "col-progress",
      cell: (op) => <OperationProgress op={op} />,
    },
    {
      key: "requester",
      header: "Requester",
      secondary: true,
      cell: (op) => op.requester ?? "system",
    },
    timeColumn<OperationView, OperationSort>({
      key: "started",
      header: "Started",
      at: (op) => op.createdAt,
      now,
      sort: "createdAt",
    }),
    {
      key: "duration",
      header: "Duration",
      num: true,
      secondary: true,
      cell: (op) => <Elapsed from={op.startedAt} to={op.finishedAt} now={now} />,
    },
  ];
}

/** A detail page's recent operations (no sorting, no pager); times by the browser's clock. */
export function OperationsTable({
  items,
  showTarget = true,
  now = BROWSER_NOW,
}: {
  items: OperationView[];
  showTarget?: boolean;
  now?: number;
}) {
  return (
    <DataTable
      rows={items}
      columns={operationColumns(now, showTarget)}
      rowTestId="operation-row"
      rowData={(op) => ({ "data-status": op.status })}
      className="ops-table"
    />
  );
}
