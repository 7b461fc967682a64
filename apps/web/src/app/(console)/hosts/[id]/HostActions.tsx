"use client";

import type { HostDetail, OperationView, Verdict } from "@virtfn/core";
import { Link } from "~/components/ui/Link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { lazyComponent } from "~/components/lazyComponent";
import { useCan } from "~/components/session";
import { ActionBar } from "~/components/ui/ActionBar";
import { ActionConfirm, ReasonedButton } from "~/components/ui/ActionConfirm";
import { useAction } from "~/trpc/useAction";

// The form (react-hook-form, zod and the server's schema) loads when the dialog first opens.
const EditHostDialog = lazyComponent(() =>
  import("./EditHostDialog").then((m) => m.EditHostDialog),
);

/** The host's actions (admins), each greyed out with core's reason when core refuses it. */
export function HostActions({ host, activeOps }: { host: HostDetail; activeOps: OperationView[] }) {
  const isAdmin = useCan("inventory.manage");
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const hostId = host.id;
  // Each success renders the page again on the server (useAction): the host, its operations.
  const reconnect = useAction((api) => api.hosts.reconnect.mutate({ hostId }));
  const iommu = useAction((api, enabled: boolean) =>
    api.hosts.setIommu.mutate({ hostId, enabled }),
  );
  const reboot = useAction((api) => api.hosts.reboot.mutate({ hostId }));
  const maintenance = useAction((api, enter: boolean) =>
    enter
      ? api.hosts.enterMaintenance.mutate({ hostId })
      : api.hosts.leaveMaintenance.mutate({ hostId }),
  );
  const remove = useAction((api) => api.hosts.delete.mutate({ hostId }), {
    refresh: false,
    onSuccess: () => router.push("/hosts"),
  });

  if (!isAdmin) {
    return <p className="muted small">Read-only: only admins change hosts.</p>;
  }

  const busy = activeOps[0];
  // While an operation runs, one note explains the buttons it blocks (below), not each button.
  const reasonOf = ({ reason, code }: Verdict) => ({
    disabledReason: reason,
    quietReason: Boolean(busy) && code === "OPERATION_IN_PROGRESS",
    size: "md" as const,
  });
  const iommuLabel = host.iommuEnabled ? "Disable IOMMU" : "Enable IOMMU";
  const maintenanceConfirm = host.maintenance
    ? {
        label: "Leave maintenance",
        verdict: host.actions.leaveMaintenance,
        title: `Take ${host.name} out of maintenance?`,
        body: <p>{host.name} takes new VMs again: creates, starts and moves can land on it.</p>,
      }
    : {
        label: "Enter maintenance",
        verdict: host.actions.enterMaintenance,
        title: `Put ${host.name} into maintenance?`,
        body: <MaintenanceConfirmBody host={host} />,
      };

  return (
    <ActionBar
      label="Host actions"
      busy={busy}
      after={
        <>
          {reconnect.isError ? <ErrorBox error={reconnect.error} /> : null}
          {editing ? <EditHostDialog host={host} onClose={() => setEditing(false)} /> : null}
        </>
      }
    >
      <ReasonedButton
        label="Reconnect"
        {...reasonOf(host.actions.reconnect)}
        onClick={() => reconnect.mutate(undefined)}
      />
      <ActionConfirm
        label={iommuLabel}
        {...reasonOf(host.actions.setIommu)}
        title={`${iommuLabel} on ${host.name}?`}
        confirmLabel={iommuLabel}
        body={
          host.iommuEnabled ? (
            <p>
              The agent removes the IOMMU kernel argument. After the next reboot, the host can no
              longer split NICs or run VMs with VF NICs.
            </p>
          ) : (
            <p>
              The agent adds <code>intel_iommu=on</code> / <code>amd_iommu=on</code> to the kernel
              command line. It takes effect after the host reboots.
            </p>
          )
        }
        action={() => iommu.mutateAsync(!host.iommuEnabled)}
      />
      <ActionConfirm
        label="Reboot"
        {...reasonOf(host.actions.reboot)}
        variant="default"
        title={`Reboot ${host.name}?`}
        confirmLabel="Reboot"
        danger
        body={
          <>
            <p>
              The host restarts. VMs on it stop, and its VFs disappear until the agent re-applies
              the split count after the boot.
            </p>
            {host.agentBackend && host.agentBackend !== "sim" ? (
              <p className="hint">
                Only simulated hosts can be rebooted through the agent; a real agent refuses.
              </p>
            ) : null}
          </>
        }
        action={() => reboot.mutateAsync(undefined)}
      />
      <ActionConfirm
        label="Delete host"
        {...reasonOf(host.actions.delete)}
        title={`Delete ${host.name}?`}
        confirmLabel="Delete host"
        danger
        body="virtfn forgets this host, its NICs and VFs. The host itself and its agent keep running; you can add it again later. Hosts that still run VMs cannot be deleted."
        action={() => remove.mutateAsync(undefined)}
      />
      <ReasonedButton
        label="Edit"
        {...reasonOf(host.actions.edit)}
        onClick={() => setEditing(true)}
      />
      <ActionConfirm
        key={maintenanceConfirm.label}
        label={maintenanceConfirm.label}
        size="md"
        disabledReason={maintenanceConfirm.verdict.reason}
        title={maintenanceConfirm.title}
        confirmLabel={maintenanceConfirm.label}
        body={maintenanceConfirm.body}
        action={() => maintenance.mutateAsync(!host.maintenance)}
      />
    </ActionBar>
  );
}

/** What entering maintenance means for this host, with the VMs that stay on it listed. */
function MaintenanceConfirmBody({ host }: { host: HostDetail }) {
  const { vms } = host.allocation;
  return (
    <div data-testid="maintenance-confirm">
      <p>
        No new VMs are created, started or moved onto {host.name}. The VMs already there keep
        running; stop, move or delete them as you need. Splitting and restoring PFs stays possible.
      </p>
      {host.vmCount === 0 ? (
        <p className="muted">No VMs are on this host.</p>
      ) : (
        <>
          <p>
            {host.vmCount} VM{host.vmCount === 1 ? " is" : "s are"} on this host:
          </p>
          <ul className="vm-list" data-testid="maintenance-vms">
            {vms.map((vm) => (
              <li key={vm.id}>
                <Link href={`/vms/${vm.id}`}>{vm.name}</Link>{" "}
                <span className="muted small">
                  ({vm.state.toLowerCase()}, {vm.projectName})
                </span>
              </li>
            ))}
          </ul>
          {host.vmCount > vms.length ? (
            <p className="muted small">…and {host.vmCount - vms.length} more.</p>
          ) : null}
        </>
      )}
    </div>
  );
}
