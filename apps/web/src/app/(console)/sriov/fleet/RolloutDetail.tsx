"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge, OperationStatusBadge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { ProgressBar } from "~/components/ProgressBar";
import { DataTable } from "~/components/ui/DataTable";
import { useTRPC } from "~/trpc/react";

const stateTone = { Running: "info", Failed: "err", Refused: "warn" } as const;

/**
 * One rollout's progress per cluster and per PF, polled every second until it ends. The fleet page
 * loads it, with the data layer, when a rollout is first shown.
 */
export function RolloutDetail({ rolloutId }: { rolloutId: string }) {
  const trpc = useTRPC();
  const rollout = useQuery({
    ...trpc.fleet.get.queryOptions({ rolloutId }),
    refetchInterval: (query) =>
      query.state.data && ["Succeeded", "Failed"].includes(query.state.data.operation.status)
        ? false
        : 1000,
  });
  if (rollout.isError) {
    return <ErrorBox error={rollout.error} onRetry={() => void rollout.refetch()} />;
  }
  if (rollout.isPending) return <p className="loading">Loading the rollout…</p>;
  const r = rollout.data;
  return (
    <section className="panel" data-testid="fleet-rollout">
      <h2>
        {r.action === "split" ? `Split to ${r.count} VFs` : "Restore"}{" "}
        <OperationStatusBadge status={r.operation.status} />
      </h2>
      <p className="muted">
        maxUnavailable {r.maxUnavailable} · on failure: {r.onFailure} ·{" "}
        {r.operation.progressMessage}
      </p>
      {r.operation.errorMessage ? <p className="field-error">{r.operation.errorMessage}</p> : null}
      <DataTable
        rows={r.clusters}
        rowKey={(c) => c.clusterId}
        testId="fleet-clusters"
        columns={[
          { key: "cluster", header: "Cluster", className: "strong", cell: (c) => c.clusterName },
          {
            key: "progress",
            header: "Progress",
            cell: (c) => {
              const active = c.total - c.refused;
              const done = c.succeeded + c.failed + c.skipped;
              return (
                <ProgressBar
                  value={active === 0 ? 100 : (100 * done) / active}
                  status={r.operation.status}
                  label={`${c.clusterName}: ${done} of ${active} PFs done`}
                />
              );
            },
          },
          {
            key: "flight",
            header: "Hosts in flight",
            num: true,
            cell: (c) => `${c.hostsInFlight} / ${c.budget}`,
          },
          {
            key: "done",
            header: "Done",
            num: true,
            cell: (c) => `${c.succeeded} / ${c.total - c.refused}`,
          },
          { key: "failed", header: "Failed", num: true, cell: (c) => c.failed },
          { key: "waiting", header: "Waiting", num: true, cell: (c) => c.waiting + c.skipped },
          { key: "refused", header: "Refused", num: true, cell: (c) => c.refused },
        ]}
      />
      {r.items.length > 0 ? (
        <DataTable
          rows={r.items}
          rowKey={(item) => `${item.hostName}/${item.pfName}`}
          testId="fleet-items"
          columns={[
            {
              key: "pf",
              header: "Host / PF",
              className: "strong",
              cell: (item) => `${item.hostName}/${item.pfName}`,
            },
            { key: "cluster", header: "Cluster", cell: (item) => item.clusterName },
            {
              key: "state",
              header: "State",
              cell: (item) => (
                <Badge tone={stateTone[item.state as keyof typeof stateTone] ?? "muted"}>
                  {item.state}
                </Badge>
              ),
            },
            {
              key: "reason",
              header: "Reason",
              cell: (item) => (
                <>
                  {item.errorCode ? <code className="code">{item.errorCode}</code> : null}{" "}
                  {item.errorMessage}
                </>
              ),
            },
          ]}
        />
      ) : null}
    </section>
  );
}
