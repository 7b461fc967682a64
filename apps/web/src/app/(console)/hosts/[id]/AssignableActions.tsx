"use client";

import type { Verdict } from "@virtfn/core";
import { sharedHook } from "~/components/detail/sharedHook";
import { ErrorBox } from "~/components/ErrorBox";
import { Button } from "~/components/ui/Button";
import { useAction } from "~/trpc/useAction";

// The host page's mark/unmark assignable buttons (issue 17): one action for the panel, its error
// under the panel's text. A success renders the page again, with the device's new availability.

function useSetAssignable() {
  return useAction((api, input: { pciDeviceId: string; assignable: boolean }) =>
    api.passthru.setAssignable.mutate(input),
  );
}

const shared = sharedHook(useSetAssignable, "AssignableActions");
const useSetAssignableContext = shared.useShared;

/** Holds the action for the buttons rendered inside it. */
export const AssignableActions = shared.Provider;

/** The last mark or unmark that failed. */
export function AssignableError() {
  const { error } = useSetAssignableContext();
  return error ? <ErrorBox error={error} /> : null;
}

/** Mark a device assignable, or unmark it, with core's verdict. */
export function AssignableButton({
  pciDeviceId,
  assignable,
  verdict,
}: {
  pciDeviceId: string;
  assignable: boolean;
  verdict: Verdict;
}) {
  const setAssignable = useSetAssignableContext();
  return (
    <Button
      size="sm"
      data-testid={assignable ? "pci-unmark" : "pci-mark"}
      disabled={!verdict.allowed || setAssignable.isPending}
      title={verdict.reason ?? undefined}
      onClick={() => setAssignable.mutate({ pciDeviceId, assignable: !assignable })}
    >
      {assignable ? "Unmark" : "Mark assignable"}
    </Button>
  );
}
