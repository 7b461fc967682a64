"use client";

import type { FleetPlan, FleetRolloutInput } from "@virtfn/core";
import { useId, useState } from "react";
import { OperationStatusBadge } from "~/components/badges";
import { ConfirmDialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { CheckboxField, describedBy, Field, numberOrUndefined } from "~/components/Field";
import { useCan } from "~/components/session";
import { useLiveRefresh } from "~/components/useLiveRefresh";
import { fieldErrorsByPath } from "~/lib/errors";
import type { RouterOutputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";
import { useAction } from "~/trpc/useAction";
import { withDataLayer } from "~/trpc/withDataLayer";
import { Button } from "~/components/ui/Button";
import { DataTable } from "~/components/ui/DataTable";
import { Form } from "~/components/ui/Form";

// A rollout's detail polls every second while it runs: it loads, with the data layer, when one
// is first shown.
const RolloutDetail = withDataLayer(() => import("./RolloutDetail").then((m) => m.RolloutDetail));

type Cluster = RouterOutputs["inventory"]["clusters"]["items"][number];
type Rollout = RouterOutputs["fleet"]["list"][number];

export function FleetRolloutPage({
  clusters,
  rollouts,
}: {
  /** The clusters to pick from (for those who may split). */
  clusters: Settled<Cluster[]>;
  rollouts: Settled<Rollout[]>;
}) {
  const canSplit = useCan("inventory.manage");
  const [selected, setSelected] = useState<string | null>(null);
  // The recent rollouts' status, as often as the list polled before.
  const refresh = useLiveRefresh(3000);
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
      {canSplit ? (
        <StartForm clusters={clusters} onRetry={refresh.now} onStarted={setSelected} />
      ) : null}
      <Rollouts {...rollouts} onRetry={refresh.now} selected={selected} onSelect={setSelected} />
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

function StartForm({
  clusters,
  onRetry,
  onStarted,
}: {
  clusters: Settled<Cluster[]>;
  onRetry: () => void;
  onStarted: (rolloutId: string) => void;
}) {
  const id = useId();
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
  // A preview changes nothing: the page is not rendered again after it.
  const preview = useAction((api, input: FleetRolloutInput) => api.fleet.preview.mutate(input), {
    onSuccess: setPlan,
    refresh: false,
  });
  const start = useAction((api, input: FleetRolloutInput) => api.fleet.start.mutate(input), {
    onSuccess: (started) => {
      setPlan(null);
      onStarted(started.rollout.id);
    },
  });
  const errors = preview.error ? fieldErrorsByPath(preview.error) : {};
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  // A text field of the form, with the server's error for its path in the request.
  const textField = (
    key: "count" | "interfaceName" | "model" | "maxUnavailable",
    errorPath: string,
    label: string,
    hint: string,
  ) => {
    const fieldId = `${id}-${key}`;
    return (
      <Field id={fieldId} label={label} error={errors[errorPath]} hint={hint}>
        <input
          id={fieldId}
          inputMode={key === "count" ? "numeric" : undefined}
          value={form[key]}
          onChange={(event) => set(key, event.target.value)}
          aria-invalid={errors[errorPath] ? true : undefined}
          aria-describedby={describedBy(fieldId, errors[errorPath], true)}
          autoComplete="off"
        />
      </Field>
    );
  };
  const blocked = plan !== null && plan.refused.length > 0 && !form.skipRefused;
  return (
    <section className="panel">
      <h2>Start a rollout</h2>
      <Form aria-label="Start a fleet rollout" onSubmit={() => preview.mutate(toInput(form))}>
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
          {form.action === "split"
            ? textField("count", "count", "VFs per PF", "1 to each PF's maximum.")
            : null}
          <fieldset className="fieldset span-all">
            <legend>Clusters</legend>
            {clusters.error ? (
              <ErrorBox error={clusters.error} onRetry={onRetry} />
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
          {textField(
            "interfaceName",
            "selection.interfaceName",
            "Interface name",
            'The PF on each host, e.g. "p1p1".',
          )}
          {textField("model", "selection.model", "PF model (optional)", "Only PFs of this model.")}
          {textField(
            "maxUnavailable",
            "maxUnavailable",
            "Hosts in flight per cluster (maxUnavailable)",
            'A number ("2") or a share of each cluster’s hosts ("10%", rounded up).',
          )}
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
              label="Force: detach VF NICs of VMs first"
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
      </Form>
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
  data,
  error,
  onRetry,
  selected,
  onSelect,
}: Settled<Rollout[]> & {
  onRetry: () => void;
  selected: string | null;
  onSelect: (rolloutId: string) => void;
}) {
  return (
    <section className="panel">
      <h2>Recent rollouts</h2>
      {error ? (
        <ErrorBox error={error} onRetry={onRetry} />
      ) : data.length === 0 ? (
        <p className="muted">No fleet rollout yet.</p>
      ) : (
        <DataTable
          rows={data}
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
