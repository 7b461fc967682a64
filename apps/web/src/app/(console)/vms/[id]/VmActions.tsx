"use client";

import type { Verdict, VmDetail } from "@virtfn/core";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { ActionBar } from "~/components/ui/ActionBar";
import { ActionConfirm, ReasonedButton } from "~/components/ui/ActionConfirm";
import { operationKindLabel } from "~/lib/operation-kinds";
import type { RouterInputs } from "~/trpc/outputs";
import { useAction } from "~/trpc/useAction";
import { withDataLayer } from "~/trpc/withDataLayer";

// The dialog reads the hosts a VM could go to: it brings the data layer when it opens.
const MigrateDialog = withDataLayer(() => import("./MigrateDialog").then((m) => m.MigrateDialog));

type VmAction = "start" | "stop" | "reboot" | "migrate" | "delete";
type VmInput = { vmId: string };

export function VmActions({ vm }: { vm: VmDetail }) {
  const router = useRouter();
  const [migrating, setMigrating] = useState(false);
  // Each action renders the page again on the server once accepted: it follows the operation.
  const start = useAction((api, input: VmInput) => api.vms.start.mutate(input));
  const stop = useAction((api, input: VmInput) => api.vms.stop.mutate(input));
  const reboot = useAction((api, input: VmInput) => api.vms.reboot.mutate(input));
  // The VM page has nothing to show once the delete is accepted: the list shows it going.
  const remove = useAction((api, input: VmInput) => api.vms.delete.mutate(input), {
    refresh: false,
  });
  const migrate = useAction(
    (api, input: RouterInputs["vms"]["migrate"]) => api.vms.migrate.mutate(input),
    { onSuccess: () => setMigrating(false) },
  );

  const busy = vm.activeOperation;
  const vmActions = [
    ["start", "Start", vm.actions.start],
    ["stop", "Stop", vm.actions.stop],
    ["reboot", "Reboot", vm.actions.reboot],
    ["migrate", "Migrate", vm.actions.migrate],
    ["delete", "Delete", vm.actions.delete],
  ] as const;
  // A rule's refusal (R9, R10…) is spelled out under the buttons, where a long reason has room; a
  // plain state one, or the running operation (said below), stays in the tooltip.
  const spelled = (verdict: Verdict) =>
    !busy && !verdict.allowed && verdict.code !== "VM_INVALID_STATE";
  /** Core's verdict on one action, for its button. */
  const verdictOf = (action: VmAction, verdict: Verdict) => ({
    size: "md" as const,
    disabledReason: busy
      ? `${operationKindLabel(busy.kind).toLowerCase()} in progress`
      : verdict.allowed
        ? null
        : verdict.reason,
    quietReason: true,
    ...(spelled(verdict)
      ? { reasonElsewhere: `vm-why-${action}` }
      : { reasonId: `vm-why-${action}` }),
    testId: `vm-action-${action}`,
  });

  /** Stop and reboot: asked first, then the VM's page follows the operation. */
  const confirmed = (
    action: "stop" | "reboot",
    label: string,
    mutation: { mutateAsync: (input: { vmId: string }) => Promise<unknown> },
    body: ReactNode,
  ) => (
    <ActionConfirm
      label={label}
      {...verdictOf(action, vm.actions[action])}
      variant="default"
      title={`${label} ${vm.name}?`}
      confirmLabel={label}
      danger
      action={() => mutation.mutateAsync({ vmId: vm.id })}
      body={body}
    />
  );

  return (
    <ActionBar
      label="VM actions"
      busy={busy}
      after={
        <>
          {vmActions
            .filter(([, , verdict]) => spelled(verdict))
            .map(([action, label, verdict]) => (
              <p
                key={action}
                className="actions-note action-why"
                id={`vm-why-${action}`}
                data-testid={`vm-why-${action}`}
              >
                <strong>{label}:</strong> {verdict.reason}
              </p>
            ))}
          {start.isError ? <ErrorBox error={start.error} /> : null}
          {migrating ? (
            <MigrateDialog
              vm={vm}
              pending={migrate.isPending}
              error={migrate.isError ? migrate.error : null}
              onClose={() => {
                setMigrating(false);
                migrate.reset();
              }}
              onConfirm={(targetHostId) => migrate.mutate({ vmId: vm.id, targetHostId })}
            />
          ) : null}
        </>
      }
    >
      {/* Start has no confirmation: its error (NO_VF_AVAILABLE when no VF is free, R8) shows below. */}
      <ReasonedButton
        label="Start"
        {...verdictOf("start", vm.actions.start)}
        onClick={() => start.mutate({ vmId: vm.id })}
      />
      {confirmed("stop", "Stop", stop, [
        <p key="what">The guest is shut down.</p>,
        vm.vfNicCount > 0 ? (
          <p key="vfs">
            Its {vm.vfNicCount === 1 ? "VF is" : `${vm.vfNicCount} VFs are`} released. The NICs keep
            their type, MAC and IP, and get a VF back at the next start — the same one if it is
            still free.
          </p>
        ) : null,
      ])}
      {confirmed("reboot", "Reboot", reboot, "The guest restarts. It keeps its host and its VFs.")}
      <ReasonedButton
        label="Migrate"
        {...verdictOf("migrate", vm.actions.migrate)}
        onClick={() => setMigrating(true)}
      />
      <ActionConfirm
        label="Delete"
        {...verdictOf("delete", vm.actions.delete)}
        title={`Delete ${vm.name}?`}
        confirmLabel="Delete VM"
        danger
        action={() => remove.mutateAsync({ vmId: vm.id })}
        onDone={() => router.push("/vms")}
        body="The VM and its disks are removed; its VFs, IP and MAC addresses are freed and its EIPs detached. This cannot be undone."
      />
    </ActionBar>
  );
}
