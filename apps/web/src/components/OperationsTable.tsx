"use client";

import type { OperationView } from "@virtfn/core";
import { progressCount } from "@virtfn/core/progress";
import Link from "next/link";
import { dateTime, duration, operationKindLabel, relativeTime } from "~/lib/format";
import { targetHref } from "~/lib/links";
import { OperationStatusBadge } from "./badges";
import { ProgressBar } from "./ProgressBar";
import { SortHeader, type SortOrder } from "./table";

export type OperationSort = "createdAt" | "kind" | "status" | "targetName";

export function isActive(op: Pick<OperationView, "status">): boolean {
  return op.status === "Pending" || op.status === "Running";
}

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

export function OperationsTable({
  items,
  sorting,
  showTarget = true,
  now,
}: {
  items: OperationView[];
  sorting?: {
    sort: OperationSort;
    order: SortOrder;
    onSort: (sort: OperationSort, order: SortOrder) => void;
  };
  showTarget?: boolean;
  now: number;
}) {
  const header = (label: string, field: OperationSort, className?: string) =>
    sorting ? (
      <SortHeader
        label={label}
        field={field}
        sort={sorting.sort}
        order={sorting.order}
        onSort={sorting.onSort}
        className={className}
      />
    ) : (
      <th className={className}>{label}</th>
    );
  return (
    <div className="table-wrap">
      <table className="data ops-table">
        <thead>
          <tr>
            {header("Operation", "kind")}
            {showTarget ? header("Target", "targetName") : null}
            {header("Status", "status")}
            <th className="col-progress hide-narrow">Progress</th>
            <th className="hide-narrow">Requester</th>
            {header("Started", "createdAt")}
            <th className="hide-narrow">Duration</th>
          </tr>
        </thead>
        <tbody>
          {items.map((op) => (
            <tr key={op.id} data-testid="operation-row" data-status={op.status}>
              <td>
                <Link href={`/operations/${op.id}`} className="op-kind" title="Operation details">
                  {operationKindLabel(op.kind)}
                </Link>
                <div className="show-narrow">
                  <OperationProgress op={op} />
                </div>
              </td>
              {showTarget ? (
                <td>
                  <Target op={op} />
                </td>
              ) : null}
              <td>
                <OperationStatusBadge status={op.status} />
              </td>
              <td className="col-progress hide-narrow">
                <OperationProgress op={op} />
              </td>
              <td className="hide-narrow">{op.requester ?? "system"}</td>
              <td title={dateTime(op.createdAt)}>{relativeTime(op.createdAt, now)}</td>
              <td className="hide-narrow num">{duration(op.startedAt, op.finishedAt, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
