"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ClusterView } from "@virtfn/core";
import { useEffect, useId, useRef, useState } from "react";
import { Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { describedBy, Field } from "~/components/Field";
import { isActive, OperationProgress } from "~/components/OperationsTable";
import { OperationStatusBadge } from "~/components/badges";
import { errorData, fieldErrorsOf } from "~/lib/errors";
import { FormActions } from "~/components/ui/FormActions";
import { useTRPC } from "~/trpc/react";
import { Button, ButtonLink } from "~/components/ui/Button";

interface FormState {
  name: string;
  clusterId: string;
  agentUrl: string;
  agentToken: string;
  scanIommu: boolean;
}

const empty: FormState = { name: "", clusterId: "", agentUrl: "", agentToken: "", scanIommu: true };

/** Domain errors that name a field (ALREADY_EXISTS, a vanished cluster) land next to it. */
function domainFieldError(error: unknown): Record<string, string> {
  const data = errorData(error);
  const message = error instanceof Error ? error.message : "";
  if (data.domainCode === "ALREADY_EXISTS") {
    const field = data.details?.field;
    if (field === "name") return { name: message };
    if (field === "agent URL") return { agentUrl: message };
  }
  if (data.domainCode === "NOT_FOUND" && data.details?.entity === "Cluster")
    return { clusterId: message };
  return {};
}

export function AddHostDialog({
  open,
  onClose,
  clusters,
}: {
  open: boolean;
  onClose: () => void;
  clusters: ClusterView[];
}) {
  const [form, setForm] = useState<FormState>(empty);
  const [created, setCreated] = useState<{
    hostId: string;
    hostName: string;
    operationId: string;
  } | null>(null);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const add = useMutation(
    trpc.hosts.add.mutationOptions({
      onSuccess: (result) => {
        setCreated({
          hostId: result.host.id,
          hostName: result.host.name,
          operationId: result.operation.id,
        });
        void queryClient.invalidateQueries(trpc.hosts.list.pathFilter());
        void queryClient.invalidateQueries(trpc.inventory.clusters.pathFilter());
      },
    }),
  );

  const close = () => {
    onClose();
    setForm(empty);
    setCreated(null);
    add.reset();
  };

  return (
    <Dialog open={open} onClose={close} title={created ? `Adding ${created.hostName}` : "Add host"}>
      {created ? (
        <AddProgress {...created} onClose={close} />
      ) : (
        <AddHostForm
          form={form}
          setForm={setForm}
          clusters={clusters}
          pending={add.isPending}
          error={add.error}
          onCancel={close}
          onSubmit={() =>
            add.mutate({
              name: form.name,
              clusterId: form.clusterId,
              agentUrl: form.agentUrl,
              agentToken: form.agentToken,
              scanIommu: form.scanIommu,
            })
          }
        />
      )}
    </Dialog>
  );
}

function AddHostForm({
  form,
  setForm,
  clusters,
  pending,
  error,
  onCancel,
  onSubmit,
}: {
  form: FormState;
  setForm: (update: (f: FormState) => FormState) => void;
  clusters: ClusterView[];
  pending: boolean;
  error: unknown;
  onCancel: () => void;
  onSubmit: () => void;
}) {
  const id = useId();
  const errors = error ? { ...fieldErrorsOf(error), ...domainFieldError(error) } : {};
  const fieldError = (name: keyof FormState) => errors[name];
  const unplaced = error && Object.keys(errors).length === 0;
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const input = (name: "name" | "agentUrl" | "agentToken") => ({
    id: `${id}-${name}`,
    name,
    value: form[name],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => set(name, event.target.value),
    "aria-invalid": fieldError(name) ? true : undefined,
    "aria-describedby": describedBy(`${id}-${name}`, fieldError(name), name === "agentUrl"),
  });

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <div className="dialog-content form-grid">
        <Field id={`${id}-name`} label="Name" error={fieldError("name")}>
          <input
            {...input("name")}
            autoComplete="off"
            data-autofocus=""
            required
            placeholder="kvm-01"
          />
        </Field>
        <Field id={`${id}-clusterId`} label="Cluster" error={fieldError("clusterId")}>
          <select
            id={`${id}-clusterId`}
            name="clusterId"
            value={form.clusterId}
            onChange={(event) => set("clusterId", event.target.value)}
            aria-invalid={fieldError("clusterId") ? true : undefined}
            aria-describedby={describedBy(`${id}-clusterId`, fieldError("clusterId"))}
            required
          >
            <option value="">Select a cluster…</option>
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.zoneName} / {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id={`${id}-agentUrl`}
          label="Agent URL"
          error={fieldError("agentUrl")}
          hint="Where the virtfn agent on the host listens, e.g. http://10.0.0.5:7443"
        >
          <input
            {...input("agentUrl")}
            type="url"
            inputMode="url"
            autoComplete="off"
            required
            placeholder="http://10.0.0.5:7443"
          />
        </Field>
        <Field id={`${id}-agentToken`} label="Agent token" error={fieldError("agentToken")}>
          <input {...input("agentToken")} type="password" autoComplete="off" required />
        </Field>
        <div className="field checkbox-field">
          <label>
            <input
              type="checkbox"
              name="scanIommu"
              checked={form.scanIommu}
              onChange={(event) => set("scanIommu", event.target.checked)}
              aria-describedby={`${id}-scan-hint`}
            />
            Scan IOMMU settings
          </label>
          <p className="hint" id={`${id}-scan-hint`}>
            Turns IOMMU on as part of the add; takes effect after a reboot.
          </p>
        </div>
      </div>
      <FormActions
        error={error}
        unplaced={Boolean(unplaced)}
        pending={pending}
        submitLabel="Add host"
        pendingLabel="Adding…"
        onCancel={onCancel}
      />
    </form>
  );
}

function AddProgress({
  hostId,
  hostName,
  operationId,
  onClose,
}: {
  hostId: string;
  hostName: string;
  operationId: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const openLink = useRef<HTMLAnchorElement>(null);
  // The form that had focus is gone; move focus to the next step.
  useEffect(() => openLink.current?.focus(), []);
  const op = useQuery({
    ...trpc.operations.get.queryOptions({ id: operationId }),
    refetchInterval: (query) => (query.state.data && !isActive(query.state.data) ? false : 1500),
  });
  return (
    <div>
      <div className="dialog-content">
        {op.data ? (
          <div
            className="add-progress"
            data-testid="add-host-operation"
            data-status={op.data.status}
          >
            <p>
              <OperationStatusBadge status={op.data.status} />{" "}
              {op.data.status === "Succeeded"
                ? `${hostName} is connected.`
                : op.data.status === "Failed"
                  ? `Connecting ${hostName} failed.`
                  : `Connecting to ${hostName}…`}
            </p>
            <OperationProgress op={op.data} />
            {op.data.status === "Pending" ? (
              <p className="hint">
                The host is added. A worker picks the connection up shortly; you can close this
                dialog and follow it on the host page.
              </p>
            ) : null}
          </div>
        ) : op.isError ? (
          <ErrorBox error={op.error} />
        ) : (
          <p className="loading">Loading operation…</p>
        )}
      </div>
      <div className="dialog-actions">
        <Button onClick={onClose}>Close</Button>
        <ButtonLink href={`/hosts/${hostId}`} variant="primary" ref={openLink}>
          Open host page
        </ButtonLink>
      </div>
    </div>
  );
}
