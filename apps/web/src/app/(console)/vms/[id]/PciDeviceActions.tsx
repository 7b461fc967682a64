"use client";

import type { VmPciDevices as VmPciDevicesView } from "@virtfn/core";
import { useState } from "react";
import { sharedHook } from "~/components/detail/sharedHook";
import { ErrorBox } from "~/components/ErrorBox";
import { pciKind } from "~/components/passthru/pci";
import { Button } from "~/components/ui/Button";
import { useAction } from "~/trpc/useAction";
import { Form } from "~/components/ui/Form";

// The VM page's PCI device buttons (issue 17): give a device, remove one. They share one error,
// shown under the panel's title; a success renders the page again.

type PciInput = { vmId: string; pciDeviceId: string };

function usePciActions() {
  const [choice, setChoice] = useState("");
  const assign = useAction((api, input: PciInput) => api.passthru.assign.mutate(input), {
    onSuccess: () => setChoice(""),
  });
  const unassign = useAction((api, input: PciInput) => api.passthru.unassign.mutate(input));
  return { choice, setChoice, assign, unassign };
}

const shared = sharedHook(usePciActions, "PciDeviceActions");
const usePciActionsContext = shared.useShared;

/** Holds the give and remove actions for the buttons rendered inside it. */
export const PciDeviceActions = shared.Provider;

/** The last give or remove that failed. */
export function PciActionError() {
  const { assign, unassign } = usePciActionsContext();
  const error = assign.error ?? unassign.error;
  return error ? <ErrorBox error={error} /> : null;
}

/** Remove a device from the VM; refused while the VM holds it. */
export function RemovePciDevice({
  vmId,
  pciDeviceId,
  held,
}: {
  vmId: string;
  pciDeviceId: string;
  held: boolean;
}) {
  const { unassign } = usePciActionsContext();
  return (
    <Button
      size="sm"
      data-testid="vm-pci-unassign"
      disabled={held || unassign.isPending}
      title={held ? "Stop the VM first: it holds the device." : undefined}
      onClick={() => unassign.mutate({ vmId, pciDeviceId })}
    >
      Remove
    </Button>
  );
}

/** Give the VM one of its host's assignable devices, with core's verdict for the chosen one. */
export function GivePciDevice({
  vmId,
  candidates,
}: {
  vmId: string;
  candidates: VmPciDevicesView["candidates"];
}) {
  const { choice, setChoice, assign } = usePciActionsContext();
  const picked = candidates.find((c) => c.pciDeviceId === choice);
  return (
    <Form
      className="inline-form"
      onSubmit={() => {
        if (choice) assign.mutate({ vmId, pciDeviceId: choice });
      }}
    >
      <label>
        Give device{" "}
        <select
          value={choice}
          data-testid="vm-pci-choice"
          onChange={(e) => setChoice(e.target.value)}
        >
          <option value="">Choose…</option>
          {candidates.map((c) => (
            <option key={c.pciDeviceId} value={c.pciDeviceId}>
              {c.pciAddress} · {pciKind(c.classCode)}
              {c.heldBy ? ` (held by ${c.heldBy})` : ""}
            </option>
          ))}
        </select>
      </label>{" "}
      <button
        type="submit"
        className="btn btn-sm"
        data-testid="vm-pci-assign"
        disabled={!picked?.verdict.allowed || assign.isPending}
        title={picked?.verdict.reason ?? undefined}
      >
        Give
      </button>
      {picked && !picked.verdict.allowed ? (
        <span className="sub-inline muted small"> {picked.verdict.reason}</span>
      ) : null}
    </Form>
  );
}
