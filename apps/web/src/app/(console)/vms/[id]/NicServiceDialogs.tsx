"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "~/components/ui/Link";
import { useId, useState } from "react";
import { Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { Field } from "~/components/Field";
import { Button } from "~/components/ui/Button";
import { useTRPC } from "~/trpc/react";
import type { NicDialogProps } from "./nicDialog";
import { DialogForm } from "~/components/ui/DialogForm";

// A NIC row's dialogs that read the project's option lists: loaded with the data layer
// (withDataLayer), which renders the page again on the server after a change succeeds.

export function SecurityGroupsDialog({ vm, nic, onClose }: NicDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const groups = useQuery(
    trpc.netservices.securityGroups.list.queryOptions({ projectId: vm.projectId }),
  );
  // The dialog stays open: its checkboxes read the groups again (the page refreshes itself).
  const refresh = () => void queryClient.invalidateQueries(trpc.netservices.pathFilter());
  const add = useMutation(
    trpc.netservices.securityGroups.addMember.mutationOptions({ onSuccess: refresh }),
  );
  const remove = useMutation(
    trpc.netservices.securityGroups.removeMember.mutationOptions({ onSuccess: refresh }),
  );
  const pending = add.isPending || remove.isPending;
  const error = add.error ?? remove.error;
  return (
    <Dialog open onClose={onClose} title={`Security groups of ${nic.name}`}>
      <div className="dialog-content">
        {groups.isPending ? (
          <p className="loading">Loading security groups…</p>
        ) : groups.isError ? (
          <ErrorBox error={groups.error} onRetry={() => void groups.refetch()} />
        ) : groups.data.length === 0 ? (
          <p className="muted">
            The project has no security groups. <Link href="/security-groups">Create one</Link>.
          </p>
        ) : (
          <fieldset className="fieldset">
            <legend>Member of</legend>
            <div className="check-list check-list-column">
              {groups.data.map((g) => {
                const member = g.memberNicIds.includes(nic.id);
                return (
                  <label key={g.id}>
                    <input
                      type="checkbox"
                      checked={member}
                      disabled={pending}
                      onChange={() =>
                        (member ? remove : add).mutate({ securityGroupId: g.id, nicId: nic.id })
                      }
                    />
                    {g.name}
                    <span className="sub-inline">
                      {g.rules.length} rule{g.rules.length === 1 ? "" : "s"}
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
        )}
      </div>
      {error ? <ErrorBox error={error} /> : null}
      <div className="dialog-actions">
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      </div>
    </Dialog>
  );
}

export function EipDialog({ vm, nic, onClose }: NicDialogProps) {
  const trpc = useTRPC();
  const id = useId();
  const eips = useQuery(trpc.netservices.eips.list.queryOptions({ projectId: vm.projectId }));
  const [eipId, setEipId] = useState("");
  const done = { onSuccess: onClose };
  const attach = useMutation(trpc.netservices.eips.attach.mutationOptions(done));
  const detach = useMutation(trpc.netservices.eips.detach.mutationOptions(done));
  const free = (eips.data ?? []).filter((e) => e.nicId === null);
  const error = attach.error ?? detach.error;
  // The NIC's EIP is detached; a NIC without one gets the EIP picked.
  const submit = nic.eip
    ? {
        pending: detach.isPending,
        submitLabel: "Detach EIP",
        pendingLabel: "Detaching…",
        submitVariant: "danger" as const,
      }
    : {
        pending: attach.isPending,
        submitDisabled: !eipId,
        submitLabel: "Attach EIP",
        pendingLabel: "Attaching…",
      };
  return (
    <DialogForm
      title={`EIP for ${nic.name}`}
      onClose={onClose}
      onSubmit={() => {
        if (nic.eip) detach.mutate({ eipId: nic.eip.id });
        else attach.mutate({ eipId, nicId: nic.id });
      }}
      error={error}
      {...submit}
    >
      {nic.eip ? (
        <p>
          {nic.name} has EIP {nic.eip.name} (<code>{nic.eip.ip}</code>). Detaching keeps the address
          in the project.
        </p>
      ) : eips.isPending ? (
        <p className="loading">Loading EIPs…</p>
      ) : eips.isError ? (
        <ErrorBox error={eips.error} onRetry={() => void eips.refetch()} />
      ) : free.length === 0 ? (
        <p className="muted">
          The project has no free EIP. <Link href="/eips">Create one</Link>.
        </p>
      ) : (
        <Field id={`${id}-eip`} label="EIP">
          <select id={`${id}-eip`} value={eipId} onChange={(event) => setEipId(event.target.value)}>
            <option value="">Select an EIP…</option>
            {free.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name} — {e.ip}
              </option>
            ))}
          </select>
        </Field>
      )}
    </DialogForm>
  );
}
