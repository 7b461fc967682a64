"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FleetPlan, FleetRolloutInput } from "@virtfn/core";
import { useId, useState } from "react";
import { Badge, OperationStatusBadge } from "~/components/badges";
import { ConfirmDialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { CheckboxField, describedBy, Field, numberOrUndefined } from "~/components/Field";
import { ProgressBar } from "~/components/ProgressBar";
import { useCan } from "~/components/session";
import { CLUSTER_PICKER_LIMIT, pageItems } from "~/lib/clusters";
import { fieldErrorsByPath } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";
import { Button } from "~/components/ui/Button";
import { DataTable } from "~/components/ui/DataTable";

export function FleetRolloutPage() {
  const canSplit = useCan("inventory.manage");
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Fleet split &amp; restore</h1>
          <p className="subtitle">
            Split or restore a PF on many hosts at once, a few hosts per cluster at a time
            (maxUnavailable). Every PF is checked by the split rules before anything starts.
          </p>
        </div>
      </div>
      {canSplit ? <StartForm onStarted={setSelected} /> : null}
      <Rollouts selected={selected} onSelect={setSelected} />
      {selected ? <RolloutDetail rolloutId={selected} /> : null}
    </>
  );
}

interface FormState {
  action: "split" | "restore";
  count: string;
  clusterIds: string[];
  interfaceName: string;
  model: string;
  maxUnavailable: string;
  onFailure: "pause" | "continue";
  force: boolean;
  skipRefused: boolean;
}

function toInput(form: FormState): FleetRolloutInput {
  return {
    action: form.action,
    ...(form.action === "split" ? { count: numberOrUndefined(form.count) } : {}),
    force: form.action === "restore" && form.force,
    selection: {
      clusterIds: form.clusterIds,
      ...(form.interfaceName.trim() ? { interfaceName: form.interfaceName.trim() } : {}),
      ...(form.model.trim() ? { model: form.model.trim() } : {}),
    },
    maxUnavailable: form.maxUnavailable.trim() || "10%",
    onFailure: form.onFailure,
    skipRefused: form.skipRefused,
  };
}

function StartForm({ onStarted }: { onStarted: (rolloutId: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const clusters = useQuery({
    ...trpc.inventory.clusters.queryOptions({ limit: CLUSTER_PICKER_LIMIT }),
    select: pageItems,
  });
  const [form, setForm] = useState<FormState>({
    action: "split",
    count: "",
    clusterIds: [],
    interfaceName: "",
    model: "",
    maxUnavailable: "10%",
    onFailure: "pause",
    force: false,
    skipRefused: false,
  });
  const [plan, setPlan] = useState<FleetPlan | null>(null);
  const preview = useMutation(trpc.fleet.preview.mutationOptions({ onSuccess: setPlan }));
  const start = useMutation(
    trpc.fleet.start.mutationOptions({
      onSuccess: (started) => {
        setPlan(null);
        onStarted(started.rollout.id);
        void queryClient.invalidateQueries(trpc.fleet.pathFilter());
      },
    }),
  );
  const errors = preview.error ? fieldErrorsByPath(preview.error) : {};
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const text = (key: "count" | "interfaceName" | "model" | "maxUnavailable", errorPath: string) => {
    const fieldId = `${id}-${key}`;
    return {
      id: fieldId,
      value: form[key],
      onChange: (event: React.ChangeEvent<HTMLInputElement>) => set(key, event.target.value),
      "aria-invalid": errors[errorPath] ? true : undefined,
      "aria-describedby": describedBy(fieldId, errors[errorPath], true),
      autoComplete: "off",
    };
  };
  const blocked = plan !== null && plan.refused.length > 0 && !form.skipRefused;
  return (
    <section className="panel">
      <h2>Start a rollout</h2>
      <form
        noValidate
        aria-label="Start a fleet rollout"
        onSubmit={(event) => {
          event.preventDefault();
          preview.mutate(toInput(form));
        }}
      >
        <div className="form-cols">
          <Field id={`${id}-action`} label="Action">
            <select
              id={`${id}-action`}
              value={form.action}
              onChange={(event) => set("action", event.target.value as FormState["action"])}
            >
              <option value="split">Split (set the VF count)</option>
              <option value="restore">Restore (0 VFs)</option>
            </select>
          </Field>
          {form.action === "split" ? (
            <Field
              id={`${id}-count`}
              label="VFs per PF"
              error={errors.count}
              hint="1 to each PF's maximum (R12)."
            >
              <input inputMode="numeric" {...text("count", "count")} />
            </Field>
          ) : null}
          <fieldset className="fieldset span-all">
            <legend>Clusters</legend>
            {clusters.isError ? (
              <ErrorBox error={clusters.error} onRetry={() => void clusters.refetch()} />
            ) : (
              (clusters.data ?? []).map((cluster) => (
                <CheckboxField
                  key={cluster.id}
                  id={`${id}-cluster-${cluster.id}`}
                  name="clusterIds"
                  label={`${cluster.zoneName}/${cluster.name} (${cluster.hostCount} hosts)`}
                  checked={form.clusterIds.includes(cluster.id)}
                  onChange={(checked) =>
                    set(
                      "clusterIds",
                      checked
                        ? [...form.clusterIds, cluster.id]
                        : form.clusterIds.filter((c) => c !== cluster.id),
                    )
                  }
                />
              ))
            )}
            {errors["selection.clusterIds"] ? (
              <p className="field-error" role="alert">
                {errors["selection.clusterIds"]}
              </p>
            ) : null}
          </fieldset>
          <Field
            id={`${id}-interfaceName`}
            label="Interface name"
            error={errors["selection.interfaceName"]}
            hint='The PF on each host, e.g. "p1p1".'
          >
            <input {...text("interfaceName", "selection.interfaceName")} />
          </Field>
          <Field
            id={`${id}-model`}
            label="PF model (optional)"
            error={errors["selection.model"]}
            hint="Only PFs of this model."
          >
            <input {...text("model", "selection.model")} />
          </Field>
          <Field
            id={`${id}-maxUnavailable`}
            label="Hosts in flight per cluster (maxUnavailable)"
            error={errors.maxUnavailable}
            hint='A number ("2") or a share of each cluster’s hosts ("10%", rounded up).'
          >
            <input {...text("maxUnavailable", "maxUnavailable")} />
          </Field>
          <Field id={`${id}-onFailure`} label="When a PF fails">
            <select
              id={`${id}-onFailure`}
              value={form.onFailure}
              onChange={(event) => set("onFailure", event.target.value as FormState["onFailure"])}
            >
              <option value="pause">Pause: start no further host</option>
              <option value="continue">Continue with the other hosts</option>
            </select>
          </Field>
          {form.action === "restore" ? (
            <CheckboxField
              id={`${id}-force`}
              label="Force: detach VF NICs of VMs first (R11)"
              checked={form.force}
              onChange={(checked) => set("force", checked)}
            />
          ) : null}
          <CheckboxField
            id={`${id}-skip`}
            label="Skip PFs the rules refuse (each is listed with its reason)"
            checked={form.skipRefused}
            onChange={(checked) => set("skipRefused", checked)}
          />
        </div>
        <div className="dialog-actions">
          <Button type="submit" variant="primary" disabled={preview.isPending}>
            {preview.isPending ? "Checking…" : "Review…"}
          </Button>
        </div>
      </form>
      {preview.isError && Object.keys(errors).length === 0 ? (
        <ErrorBox error={preview.error} />
      ) : null}
      <ConfirmDialog
        open={plan !== null}
        title={form.action === "split" ? `Split to ${form.count} VFs?` : "Restore to 0 VFs?"}
        // Refused PFs are never left out silently: starting anyway says so on the button.
        confirmLabel={blocked ? `Skip ${plan.refused.length} refused and start` : "Start rollout"}
        danger={form.action === "restore"}
        pending={start.isPending}
        error={start.isError ? <ErrorBox error={start.error} /> : null}
        onConfirm={() => {
          if (blocked) set("skipRefused", true);
          start.mutate({ ...toInput(form), skipRefused: form.skipRefused || blocked });
        }}
        onClose={() => {
          setPlan(null);
          start.reset();
        }}
      >
        {plan ? <PlanSummary plan={plan} skipRefused={form.skipRefused} /> : null}
      </ConfirmDialog>
    </section>
  );
}

function pfs(count: number): string {
  return count === 1 ? "1 PF" : `${count} PFs`;
}

function PlanSummary({ plan, skipRefused }: { plan: FleetPlan; skipRefused: boolean }) {
  return (
    <>
      <p>
        {pfs(plan.eligible)} will be {plan.action === "split" ? "split" : "restored"}, at most{" "}
        <strong>{plan.maxUnavailable}</strong> of each cluster’s hosts at a time (maxUnavailable);
        on a failure the rollout will {plan.onFailure === "pause" ? "pause" : "continue"}.
      </p>
      <DataTable
        rows={plan.clusters}
        rowKey={(cluster) => cluster.clusterId}
        testId="fleet-plan"
        columns={[
          { key: "cluster", header: "Cluster", className: "strong", cell: (c) => c.clusterName },
          {
            key: "hosts",
            header: "Hosts",
            num: true,
            cell: (c) => `${c.hosts} of ${c.clusterHosts}`,
          },
          { key: "pfs", header: "PFs", num: true, cell: (c) => c.pfs },
          { key: "budget", header: "Budget (hosts at once)", num: true, cell: (c) => c.budget },
        ]}
      />
      {plan.refused.length > 0 ? (
        <>
          <p
            className={skipRefused ? "muted" : "field-error"}
            role={skipRefused ? undefined : "alert"}
          >
            {pfs(plan.refused.length)} cannot take part
            {skipRefused ? " and will be recorded as refused:" : ":"}
          </p>
          <ul className="refusals" data-testid="fleet-refused">
            {plan.refused.slice(0, 20).map((pf) => (
              <li key={pf.pfId}>
                <strong>
                  {pf.hostName}/{pf.pfName}
                </strong>{" "}
                <code className="code">{pf.code}</code> {pf.message}
              </li>
            ))}
            {plan.refused.length > 20 ? <li>… and {plan.refused.length - 20} more</li> : null}
          </ul>
        </>
      ) : null}
    </>
  );
}

function Rollouts({
  selected,
  onSelect,
}: {
  selected: string | null;
  onSelect: (rolloutId: string) => void;
}) {
  const trpc = useTRPC();
  const rollouts = useQuery({
    ...trpc.fleet.list.queryOptions({ limit: 20 }),
    refetchInterval: 3000,
  });
  return (
    <section className="panel">
      <h2>Recent rollouts</h2>
      {rollouts.isError ? (
        <ErrorBox error={rollouts.error} onRetry={() => void rollouts.refetch()} />
      ) : rollouts.isPending ? (
        <p className="loading">Loading rollouts…</p>
      ) : rollouts.data.length === 0 ? (
        <p className="muted">No fleet rollout yet.</p>
      ) : (
        <DataTable
          rows={rollouts.data}
          rowKey={(r) => r.id}
          rowData={(r) => ({ "data-selected": String(r.id === selected) })}
          columns={[
            {
              key: "action",
              header: "Action",
              className: "strong",
              cell: (r) => (r.action === "split" ? `Split to ${r.count} VFs` : "Restore"),
            },
            { key: "budget", header: "Budget", cell: (r) => r.maxUnavailable },
            {
              key: "status",
              header: "Status",
              cell: (r) => <OperationStatusBadge status={r.status as never} />,
            },
            { key: "progress", header: "Progress", cell: (r) => r.progressMessage },
            { key: "by", header: "By", secondary: true, cell: (r) => r.requester },
          ]}
          rowActions={(r) => (
            <Button size="sm" onClick={() => onSelect(r.id)}>
              Show
            </Button>
          )}
        />
      )}
    </section>
  );
}

const stateTone = { Running: "info", Failed: "err", Refused: "warn" } as const;

function RolloutDetail({ rolloutId }: { rolloutId: string }) {
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
