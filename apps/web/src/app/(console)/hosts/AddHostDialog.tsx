"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ClusterView } from "@virtfn/core";
import { addHostInput } from "@virtfn/core/schemas";
import { useState } from "react";
import { Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { OperationProgress } from "~/components/OperationsTable";
import { OperationStatusBadge } from "~/components/badges";
import { Button, ButtonLink } from "~/components/ui/Button";
import { FormDialog } from "~/components/ui/FormDialog";
import { CheckField, SelectField, TextField } from "~/components/ui/FormFields";
import { useTRPC } from "~/trpc/react";
import { useFollowedOperation } from "./useFollowedOperation";
import { domainFields } from "~/lib/server-field-errors";

/** A vanished cluster is its field's (NOT_FOUND names no field; ALREADY_EXISTS does). */
const hostField = domainFields({}, { Cluster: "clusterId" });

interface Created {
  hostId: string;
  hostName: string;
  operationId: string;
  /** The token the control plane generated when none was given: shown once, to install. */
  agentToken: string | undefined;
}

export function AddHostDialog({
  onClose,
  clusters,
}: {
  onClose: () => void;
  clusters: ClusterView[];
}) {
  const [created, setCreated] = useState<Created | null>(null);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const add = useMutation(
    trpc.hosts.add.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.hosts.list.pathFilter());
        void queryClient.invalidateQueries(trpc.inventory.clusters.pathFilter());
      },
    }),
  );
  const close = () => {
    onClose();
    setCreated(null);
  };

  if (created) {
    return (
      <Dialog open onClose={close} title={`Adding ${created.hostName}`}>
        <AddProgress {...created} onClose={close} />
      </Dialog>
    );
  }
  return (
    <FormDialog
      onClose={close}
      title="Add host"
      schema={addHostInput}
      defaultValues={{ name: "", clusterId: "", agentUrl: "", agentToken: "", scanIommu: true }}
      pendingLabel="Adding…"
      domainField={hostField}
      onSubmit={async (values) => {
        const result = await add.mutateAsync(values);
        setCreated({
          hostId: result.host.id,
          hostName: result.host.name,
          operationId: result.operation.id,
          agentToken: result.agentToken,
        });
      }}
      // The dialog stays open on the connect operation's progress.
      onSubmitted={() => undefined}
    >
      <TextField name="name" label="Name" placeholder="kvm-01" autoFocus />
      <SelectField
        name="clusterId"
        label="Cluster"
        options={[
          { value: "", label: "Select a cluster…" },
          ...clusters.map((c) => ({ value: c.id, label: `${c.zoneName} / ${c.name}` })),
        ]}
      />
      <TextField
        name="agentUrl"
        label="Agent URL"
        type="url"
        placeholder="http://10.0.0.5:7443"
        hint="Where the virtfn agent on the host listens, e.g. http://10.0.0.5:7443"
      />
      <TextField
        name="agentToken"
        label="Agent token"
        type="password"
        optional
        hint="Leave empty to have one generated, shown once to install on the agent."
      />
      <CheckField
        name="scanIommu"
        label="Scan IOMMU settings"
        hint="Turns IOMMU on as part of the add; takes effect after a reboot."
      />
    </FormDialog>
  );
}

function AddProgress({
  hostId,
  hostName,
  operationId,
  agentToken,
  onClose,
}: Created & { onClose: () => void }) {
  const { op, nextStep: openLink } = useFollowedOperation<HTMLAnchorElement>(operationId, 1500);
  return (
    <div>
      <div className="dialog-content">
        {agentToken ? (
          <p data-testid="generated-agent-token">
            Agent token (shown once, install it on the agent): <code>{agentToken}</code>
          </p>
        ) : null}
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
