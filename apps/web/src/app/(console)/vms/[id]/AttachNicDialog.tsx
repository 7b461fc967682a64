"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import type { VmDetail } from "@virtfn/core";
import { useId, useState } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { CheckboxField, describedBy, Field } from "~/components/Field";
import { fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";
import { DialogForm } from "~/components/ui/DialogForm";

// Loaded with the data layer (withDataLayer) when the dialog opens: it reads the project's
// networks; the page is rendered again on the server once the NIC is attached.

export function AttachNicDialog({ vm, onClose }: { vm: VmDetail; onClose: () => void }) {
  const trpc = useTRPC();
  const id = useId();
  const [l3Id, setL3Id] = useState("");
  const [sriov, setSriov] = useState(false);
  const options = useQuery(trpc.vms.createOptions.queryOptions({ projectId: vm.projectId }));
  const attach = useMutation(trpc.vms.attachNic.mutationOptions({ onSuccess: onClose }));
  const option = options.data?.find((o) => o.l3Id === l3Id);
  // A stopped VM gets its VF at the next start, so only a running one needs a free VF now.
  const reason = !l3Id
    ? "Pick an L3 network first."
    : !option
      ? null
      : !option.sriovEnabled || (vm.state === "Running" && !option.sriov.allowed)
        ? option.sriov.reason
        : null;
  const errors = attach.error ? fieldErrorsOf(attach.error) : {};
  const unplaced = attach.error && !errors.l3Id;
  return (
    <DialogForm
      title={`Attach a NIC to ${vm.name}`}
      onClose={onClose}
      onSubmit={() => attach.mutate({ vmId: vm.id, l3Id, sriov: sriov && reason === null })}
      grid
      error={unplaced ? attach.error : null}
      pending={attach.isPending}
      submitLabel="Attach NIC"
      pendingLabel="Attaching…"
    >
      <Field
        id={`${id}-l3`}
        label="L3 network"
        error={errors.l3Id}
        hint={option ? `${option.category} on L2 ${option.l2Name}` : undefined}
      >
        <select
          id={`${id}-l3`}
          value={l3Id}
          onChange={(event) => setL3Id(event.target.value)}
          aria-invalid={errors.l3Id ? true : undefined}
          aria-describedby={describedBy(`${id}-l3`, errors.l3Id, Boolean(option))}
        >
          <option value="">
            {options.isPending ? "Loading networks…" : "Select an L3 network…"}
          </option>
          {(options.data ?? []).map((o) => (
            <option key={o.l3Id} value={o.l3Id}>
              {o.name} — {o.category} ·{" "}
              {o.sriovEnabled ? `SR-IOV: ${o.availableVfs} VFs free` : "SR-IOV off"}
            </option>
          ))}
        </select>
      </Field>
      {options.isError ? (
        <ErrorBox error={options.error} onRetry={() => void options.refetch()} />
      ) : null}
      <CheckboxField
        id={`${id}-sriov`}
        name="attach-sriov"
        label="Enable SR-IOV"
        checked={sriov}
        onChange={setSriov}
        disabledReason={reason}
        hint={
          vm.state === "Running"
            ? "A VF on the VM's host is reserved and hot-plugged now."
            : "The VM is stopped: the NIC gets a VF at the next start."
        }
      />
    </DialogForm>
  );
}
