"use client";

import { useId, useState } from "react";
import { ConfirmDialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { describedBy, Field, numberOrUndefined } from "~/components/Field";
import { Button } from "~/components/ui/Button";
import { fieldErrorsOf } from "~/lib/errors";
import type { RouterInputs } from "~/trpc/outputs";
import { useAction } from "~/trpc/useAction";
import type { NicDialogProps } from "./nicDialog";
import { DialogForm } from "~/components/ui/DialogForm";

// A NIC row's dialogs that read nothing more: each change goes through useAction and the page is
// rendered again on the server once it is accepted.

export function TypeDialog({ nic, onClose }: NicDialogProps) {
  const to = nic.type === "VF" ? "VNIC" : "VF";
  const change = useAction(
    (api, input: RouterInputs["vms"]["setNicType"]) => api.vms.setNicType.mutate(input),
    { onSuccess: onClose },
  );
  return (
    <ConfirmDialog
      open
      title={`Make ${nic.name} a ${to === "VF" ? "VF" : "vNIC"}?`}
      confirmLabel={`Make ${to === "VF" ? "VF" : "vNIC"}`}
      pending={change.isPending}
      error={change.isError ? <ErrorBox error={change.error} /> : null}
      onClose={onClose}
      onConfirm={() => change.mutate({ nicId: nic.id, type: to })}
    >
      {to === "VF" ? (
        <p>
          {nic.name} becomes an SR-IOV VF on L3 {nic.l3.name}. It keeps its MAC and IP and gets a VF
          at the next start. VF NICs have no QoS or security groups, and a running VM with a VF
          cannot be live-migrated.
        </p>
      ) : (
        <p>
          {nic.name} becomes a virtio vNIC through the host&apos;s software switch. It keeps its MAC
          and IP; QoS and security groups become available.
        </p>
      )}
    </ConfirmDialog>
  );
}

export function QosDialog({ nic, onClose }: NicDialogProps) {
  const id = useId();
  const [inbound, setInbound] = useState(nic.qos?.inboundKbps?.toString() ?? "");
  const [outbound, setOutbound] = useState(nic.qos?.outboundKbps?.toString() ?? "");
  const save = useAction(
    (api, input: RouterInputs["netservices"]["qos"]["set"]) =>
      api.netservices.qos.set.mutate(input),
    { onSuccess: onClose },
  );
  const remove = useAction(
    (api, input: { nicId: string }) => api.netservices.qos.remove.mutate(input),
    { onSuccess: onClose },
  );
  const errors = save.error ? fieldErrorsOf(save.error) : {};
  const formError =
    save.error && !errors.inboundKbps && !errors.outboundKbps ? save.error : remove.error;
  const input = (name: "inboundKbps" | "outboundKbps", value: string, set: (v: string) => void) => (
    <input
      id={`${id}-${name}`}
      type="number"
      inputMode="numeric"
      min={8}
      value={value}
      onChange={(event) => set(event.target.value)}
      placeholder="no limit"
      aria-invalid={errors[name] ? true : undefined}
      aria-describedby={describedBy(`${id}-${name}`, errors[name])}
    />
  );
  return (
    <DialogForm
      title={`QoS for ${nic.name}`}
      onClose={onClose}
      onSubmit={() => {
        save.mutate({
          nicId: nic.id,
          inboundKbps: numberOrUndefined(inbound) ?? null,
          outboundKbps: numberOrUndefined(outbound) ?? null,
        });
      }}
      grid
      error={formError}
      pending={save.isPending}
      submitLabel="Save"
      extra={
        nic.qos ? (
          <Button
            variant="danger-outline"
            disabled={remove.isPending}
            onClick={() => remove.mutate({ nicId: nic.id })}
          >
            {remove.isPending ? "Removing…" : "Remove QoS"}
          </Button>
        ) : null
      }
    >
      <p className="hint">
        Bandwidth limits in kbit/s, applied on the host. Leave one empty for no limit.
      </p>
      <Field id={`${id}-inboundKbps`} label="Inbound (kbit/s)" error={errors.inboundKbps}>
        {input("inboundKbps", inbound, setInbound)}
      </Field>
      <Field id={`${id}-outboundKbps`} label="Outbound (kbit/s)" error={errors.outboundKbps}>
        {input("outboundKbps", outbound, setOutbound)}
      </Field>
    </DialogForm>
  );
}

export function DetachDialog({ vm, nic, onClose }: NicDialogProps) {
  const detach = useAction((api, input: { nicId: string }) => api.vms.detachNic.mutate(input), {
    onSuccess: onClose,
  });
  return (
    <ConfirmDialog
      open
      title={`Detach ${nic.name} from ${vm.name}?`}
      confirmLabel="Detach NIC"
      danger
      pending={detach.isPending}
      error={detach.isError ? <ErrorBox error={detach.error} /> : null}
      onClose={onClose}
      onConfirm={() => detach.mutate({ nicId: nic.id })}
    >
      <p>
        The NIC is removed{vm.state === "Running" ? " from the running guest" : ""}. Its IP{" "}
        <code>{nic.ip}</code> and MAC are freed
        {nic.vf ? `, and its VF ${nic.vf.pciAddress} is released` : ""}.
      </p>
    </ConfirmDialog>
  );
}
